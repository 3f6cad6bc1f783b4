"""Pages (placeholder until written)."""
PAGES: list = []
form_handlers: list = []
