"""A GET on a POST-only address: the site's own 405 page for browsers, never a blank one."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PAGE_TEXT = "This address only works from a form"
# Admin and the API have their own answers (Django admin's, DRF's JSON); static files none.
SKIPPED_PREFIXES = ("admin/", "api/", "static/", "media/")
# Any value reaches a `require_POST` view: the decorator answers before the view looks anything up.
_CONVERTER_VALUES = {
    "slug": "acme",
    "int": "1",
    "str": "x",
    "path": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}
_PARAM_RE = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern) and not route.startswith(SKIPPED_PREFIXES):
            yield f"{namespace}{entry.name}", route


def _address(route: str) -> str:
    path = _PARAM_RE.sub(lambda m: _CONVERTER_VALUES[m.group("converter") or "str"], route)
    return "/" + path.lstrip("^").rstrip("$")


def every_address() -> list[tuple[str, str]]:
    return [(name, _address(route)) for name, route in _walk(get_resolver().url_patterns)]


def test_it_shows_the_sites_page_for_every_post_only_address_opened_in_a_browser(client, alice, bob):
    client.force_login(alice)
    post_only = {}
    for name, url in every_address():
        response = client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT)
        if response.status_code == 405:
            post_only[name] = (url, response)
    # The walk reaches the addresses QA found blank (and many more), so it is not vacuous.
    assert {"my_data_erase", "research:theme_action", "research:analysis_refresh", "post_moderate"} <= set(
        post_only
    )
    assert len(post_only) >= 20
    blank = []
    for name, (url, response) in sorted(post_only.items()):
        page = response.content.decode()
        if PAGE_TEXT not in page or "Nothing was changed" not in page or not response.get("Allow"):
            blank.append(f"{name} {url}: {page[:60]!r}")
    assert blank == []


@pytest.mark.parametrize("name", ["post_moderate", "research:theme_action", "research:analysis_refresh"])
def test_it_tells_scripts_and_json_clients_why_in_words_not_a_blank_body(client, alice, name):
    client.force_login(alice)
    url = dict(every_address())[name]
    script = client.get(url, HTTP_ACCEPT="*/*")
    assert script.status_code == 405 and script["Allow"] == "POST"
    assert script["Content-Type"].startswith("text/plain")
    assert script.content.decode() == "GET is not allowed here; this address takes POST only.\n"
    api = client.get(url, HTTP_ACCEPT="application/json")
    assert api.status_code == 405 and api["Allow"] == "POST"
    assert api.json() == {"detail": "GET is not allowed here; this address takes POST only."}
    # htmx swaps nothing on an error: it keeps the bare answer.
    assert client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT, HTTP_HX_REQUEST="true").content == b""
