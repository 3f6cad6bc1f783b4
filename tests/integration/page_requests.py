"""Page requests as a browser sends them (``Accept: text/html``), authenticated as a demo user,
for the integration tests of the web pages."""

from __future__ import annotations

HTML = {"Accept": "text/html"}


def get_page(client, demo, user, url):
    return client.get(url, headers={**HTML, **demo.headers(user)})


def post_form(client, demo, user, url, data=None, files=None):
    """A form's POST; the answer as is (a redirect is not followed)."""
    return client.post(url, data=data, files=files, headers={**HTML, **demo.headers(user)}, follow_redirects=False)
