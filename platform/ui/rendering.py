"""The pages' Jinja2 environment and ``render_page``, the one way a page handler answers.

Templates are looked up in this folder's ``templates/`` and in the ``page_templates/``
folder beside each registered plugin module (a domain's ``plugin.py``, a campaign
plugin's module), so a plugin's page extends ``base.html`` like the core's.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pluggy
from jinja2 import Environment
from litestar import Request, Response
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template import TemplateConfig

from xinfang.platform import clock, templating
from xinfang.platform.ui.dates import cn_date, cn_datetime, cn_weekday
from xinfang.platform.ui.frame import build_frame
from xinfang.platform.ui.labels import make_label

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
PAGE_TEMPLATES = "page_templates"


def template_folders(plugins: pluggy.PluginManager) -> list[Path]:
    folders = [TEMPLATES]
    for plugin in plugins.get_plugins():
        try:
            source = inspect.getfile(plugin if inspect.ismodule(plugin) else type(plugin))
        except TypeError:  # a built-in object: no folder of its own
            continue
        folder = Path(source).parent / PAGE_TEMPLATES
        if folder.is_dir() and folder not in folders:
            folders.append(folder)
    return folders


def environment(plugins: pluggy.PluginManager) -> Environment:
    """The one Jinja configuration (``platform/templating``: autoescape, strict), as an
    overlay with the pages' own filters, so the shared environment is never changed."""
    env = templating.environment(*template_folders(plugins)).overlay(trim_blocks=True, lstrip_blocks=True)
    env.filters = {**env.filters, "label": make_label(plugins), "cn_date": cn_date, "cn_datetime": cn_datetime,
                   "cn_weekday": cn_weekday}
    env.globals = {**env.globals, "today": clock.today}
    return env


def template_config(plugins: pluggy.PluginManager) -> TemplateConfig:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment(plugins)))


def render_page(request: Request, template: str, *, title: str | None = None, status_code: int = 200,
                block: str | None = None, **context: Any) -> Response:
    """A page inside the frame (menu, acting node, breadcrumb), for the signed-in actor.

    With ``block``, an HTMX request (``HX-Request``) gets only that block of the template,
    rendered with the same context: the partial update and the full page never disagree.
    Call it from the handler (which runs in a worker thread): the frame reads node names."""
    page_title = title or request.route_handler.opt.get("page_title", "")
    full = {"frame": build_frame(request), "title": page_title, **context}
    if block and request.headers.get("hx-request") == "true" and request.headers.get("hx-boosted") != "true":
        source = request.app.template_engine.engine.get_template(template)
        html = "".join(source.blocks[block](source.new_context({"request": request, **full})))
        return Response(html, status_code=status_code, media_type="text/html; charset=utf-8")
    return Template(template_name=template, status_code=status_code, context=full)
