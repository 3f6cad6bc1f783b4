"""Compliance documents: official-style PDFs rendered from Jinja2 templates by a background
job, each stored with its SHA-256, inputs, author and time so a supervisor can verify a file."""
