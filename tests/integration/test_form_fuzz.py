"""Hostile form posts to every page route that takes a form: never a server error.

The API is fuzzed by schemathesis from its OpenAPI document (test_schema_fuzz.py); the pages'
forms have no schema, so here hypothesis builds the bodies. The routes are walked from the
app (every non-API POST route, so a form added later is covered without touching this file);
the field names are those the app's own pages put in their forms (every GET page is read
once), mixed with names nobody declared. As a logged-in county officer with a valid CSRF
token, each route gets URL-encoded and multipart bodies holding huge strings, NUL and other
control characters, bytes that are not UTF-8, 1000-deep bracketed names, integers past
2^63, repeated and missing fields, and path parameters out of range. Every answer must be
a redirect, a 2xx or a 4xx (a page re-rendered, or an error in Chinese), never a 5xx.
Bounded: derandomised examples, no shrinking, well under a minute.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from _writers import COUNTY_CODE, registration

from tests.integration.test_web_pages import HTML, login_form
from tests.routes import walk
from xinfang.platform.matters.states import TRANSITIONS
from xinfang.platform.web.csrf import CSRF_COOKIE, CSRF_FIELD

USER = "xx_officer"
EXAMPLES = int(os.environ.get("FORM_FUZZ_EXAMPLES", 40))  # per route; raise it to hunt
# Ending the fuzzing user's own session would turn every later post into a redirect to /login.
SKIP = {"/logout"}
CJK = re.compile(r"[\u4e00-\u9fff]")
FIELD_NAME = re.compile(r'\bname="([^"]+)"')
BIG = 2**63

hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.sampled_from(["", " ", "\x00", "a\x00b", "\ud7ff", "\u202e", "<script>alert(1)</script>", "' OR 1=1 --",
                     "１２３", "-1", "0", "1e309", "NaN", "true", "[]", "{}", "null", "9" * 40, "2100-13-45",
                     "1899-12-31", "2026-02-30", str(BIG), str(-BIG), str(2**31), "x" * 100_000]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.builds(lambda n, c: c * n, st.integers(1_000, 200_000), st.sampled_from(["字", "a", "\x00", "\n"])),
)
deep_name = st.integers(1, 1000).map(lambda depth: "f" + "[a]" * depth)


# mostly values a form could carry, so that a post gets past the first refusal to the handler
plausible_text = st.one_of(
    st.text(alphabet=st.characters(categories=["L", "N", "P", "Zs"]), max_size=30),
    st.integers(min_value=-5, max_value=400).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["on", "1", "true", "county", "visit", "individual", "claim", "城镇房屋拆迁", "none"]),
)
value = st.one_of(plausible_text, plausible_text, hostile_text)


def _fields(known: list[str]):
    name = st.one_of(st.sampled_from(known), st.sampled_from(known), deep_name, st.text(min_size=1, max_size=20))
    return st.lists(st.tuples(name, value), max_size=12)


# a path segment: hostile, but short enough to be a URL at all (the client refuses 64 kB)
path_text = hostile_text.map(lambda s: s[:500].replace("/", "") or "x")


def _path_value(kind: str, name: str, ids: dict[str, int]):
    if kind == "int":
        return st.one_of(st.just(ids.get(name, 1)), st.sampled_from([0, 1, 2**31, BIG, 10**30]))
    if name == "action":
        return st.one_of(st.sampled_from(sorted(TRANSITIONS)), path_text)
    return path_text


@st.composite
def _post(draw, route, known: list[str], ids: dict[str, int]):
    values = {name: draw(_path_value(kind, name, ids)) for name, kind in route.params}
    path = route.url({k: quote_from_bytes(str(v).encode("utf-8", "surrogatepass"), safe="") or "x"
                      for k, v in values.items()})
    fields = draw(_fields(known))
    encoding = draw(st.sampled_from(["urlencoded", "multipart", "raw-bytes"]))
    return path, fields, encoding, draw(st.binary(max_size=64))


def _body(fields: list[tuple[str, str]], encoding: str, junk: bytes, csrf: str) -> dict:
    """The request's keyword arguments: the fields (plus the CSRF token) in one encoding."""
    def raw(text: str) -> bytes:
        return text.encode("utf-8", "surrogatepass")

    if encoding == "multipart":
        files = [(CSRF_FIELD, (None, csrf.encode()))] + [(k, (None, raw(v) + junk[:4])) for k, v in fields]
        return {"files": files}
    pairs = [(raw(CSRF_FIELD), csrf.encode())] + [(raw(k), raw(v)) for k, v in fields]
    if encoding == "raw-bytes":  # percent-escapes that decode to bytes which are not UTF-8
        pairs.append((b"junk", junk))
    content = b"&".join(quote_from_bytes(k, safe=b"") .encode() + b"=" + quote_from_bytes(v, safe=b"").encode()
                        for k, v in pairs)
    return {"content": content, "headers": {**HTML, "content-type": "application/x-www-form-urlencoded"}}


def _page_field_names(client: TestClient, app, ids: dict[str, int]) -> set[str]:
    """Every form field name the app's own GET pages render (with the ids we know)."""
    names: set[str] = set()
    for route in walk(app):
        if route.method != "GET" or route.path.startswith(("/api", "/static", "/public")):
            continue
        if any(name not in ids for name, _ in route.params):
            continue
        page = client.get(route.url(ids), headers=HTML)
        if page.headers.get("content-type", "").startswith("text/html"):
            names.update(FIELD_NAME.findall(page.text))
    return names - {CSRF_FIELD}


@pytest.fixture(scope="module")
def officer(fuzz_app):
    """A cookie session of the county officer, with a matter registered to post acts to."""
    demo = fuzz_app.state.fuzz_demo
    with TestClient(app=fuzz_app, raise_server_exceptions=False) as client:
        made = client.post("/api/matters", headers=demo.headers(USER),
                           json=registration("form-fuzz", demo.node(COUNTY_CODE).id, 1))
        assert made.status_code == 201, made.text
        ids = {"matter_id": made.json()["id"]}
        signed_out = _page_field_names(client, fuzz_app, ids)  # the sign-in form's
        assert login_form(client, USER).status_code == 303
        yield client, ids, sorted(signed_out | _page_field_names(client, fuzz_app, ids))


def _form_routes(app):
    return [r for r in walk(app) if r.method == "POST" and not r.path.startswith("/api") and r.path not in SKIP]


def _server_errors(client: TestClient, route, known: list[str], ids: dict[str, int]) -> list[str]:
    found: list[str] = []

    @given(case=_post(route, known, ids))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    def run(case) -> None:
        path, fields, encoding, junk = case
        response = client.post(path, follow_redirects=False,
                               **_body(fields, encoding, junk, client.cookies.get(CSRF_COOKIE, "")))
        status = response.status_code
        if status >= 500:
            found.append(f"{route.method} {route.path} → {status} for {encoding} "
                         f"{[(k[:40], v[:40]) for k, v in fields]}: {response.text[:300]}")
        elif status >= 400:
            assert CJK.search(response.text), f"{route.path} {status} without a Chinese message"

    run()
    return found


def test_every_form_route_survives_hostile_posts(fuzz_app, officer):
    client, ids, known = officer
    routes = _form_routes(fuzz_app)
    assert {"/login", "/matters/new"} <= {r.path for r in routes}, "the walk found the form routes"
    assert {"summary", "username", "node_id"} <= set(known), "the field names came from the pages"
    problems = [problem for route in routes for problem in _server_errors(client, route, known, ids)]
    assert not problems, f"{len(problems)} server errors:\n" + "\n".join(problems[:20])
