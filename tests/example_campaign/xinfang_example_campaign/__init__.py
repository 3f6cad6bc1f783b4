"""An example campaign package kept outside the platform, installed with pip by a test."""
