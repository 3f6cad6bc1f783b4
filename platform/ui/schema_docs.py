"""``/schema``: Swagger UI from the vendored copy, with no inline script (the page's CSP
allows scripts from this site only), so the API docs work on an intranet without internet."""

from __future__ import annotations

from html import escape
from typing import Any

from litestar import Request
from litestar.openapi.plugins import SwaggerRenderPlugin

ASSETS = "/static/vendor/swagger-ui"


class LocalSwagger(SwaggerRenderPlugin):
    def __init__(self) -> None:
        super().__init__(js_url=f"{ASSETS}/swagger-ui-bundle.js", css_url=f"{ASSETS}/swagger-ui.css",
                         standalone_preset_js_url=f"{ASSETS}/swagger-ui-standalone-preset.js",
                         path="/swagger", favicon="<link rel='icon' href='/static/favicon.svg'>")

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        """The schema is fetched by ``swagger-init.js`` from ``/schema/openapi.json``."""
        title = escape(str(openapi_schema["info"]["title"]))
        return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">{self.favicon}
<link rel="stylesheet" href="{self.css_url}"><link rel="stylesheet" href="/static/swagger-page.css">
<script src="{self.js_url}" defer></script><script src="{self.standalone_preset_js_url}" defer></script>
<script src="/static/swagger-init.js" defer></script></head>
<body><div id="swagger-container"></div></body></html>""".encode()
