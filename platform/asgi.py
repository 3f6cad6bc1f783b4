"""ASGI entry point for uvicorn and production servers: ``xinfang.platform.asgi:app``."""

from xinfang.platform.app import create_app
from xinfang.platform.logs import configure_logging
from xinfang.platform.settings import Settings

configure_logging(Settings.from_env().log_format)
app = create_app()
