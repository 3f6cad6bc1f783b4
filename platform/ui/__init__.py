"""The staff web UI: server-rendered zh-CN pages (Jinja2 + HTMX), its frame and sign-in.

Pages come from every domain's and plugin's ``xinfang_pages`` hook and are mounted here with
the permission they declare, exactly like API routes; the menu comes from
``xinfang_navigation``. Every asset is served from ``static/`` (vendored, pinned copies).
"""
