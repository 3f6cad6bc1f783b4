"""ASGI entry point for uvicorn and production servers: ``xinfang.platform.asgi:app``."""

from xinfang.platform.app import create_app

app = create_app()
