"""research.views.errors.bad_request: a refused export link answered in the asker's terms."""

from __future__ import annotations

import json

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from research.exports.filters import FilterError
from research.views.errors import bad_request

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ERROR = FilterError({"date_to": "2026-01-01 is before date_from 2026-02-01"})


def ask(accept: str | None):
    request = RequestFactory().get("/c/acme/exports/posts.csv", **({"HTTP_ACCEPT": accept} if accept else {}))
    request.user = AnonymousUser()
    return bad_request(request, ERROR, back_url="/c/acme/exports/?date_to=2026-01-01")


def test_it_shows_a_browser_the_sites_page_with_the_reason_and_a_way_back(db):
    response = ask(BROWSER)
    page = response.content.decode()
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert "<strong>date_to</strong>: 2026-01-01 is before date_from 2026-02-01" in page
    assert 'href="/c/acme/exports/?date_to=2026-01-01">Go back and change it' in page
    assert "verbatim.css" in page


def test_it_keeps_plain_text_for_scripts_and_json_for_clients_that_ask_for_it(db):
    for accept in (None, "*/*", "text/plain"):
        response = ask(accept)
        assert response.status_code == 400 and response["Content-Type"].startswith("text/plain")
        assert response.content.decode() == str(ERROR)
    response = ask("application/json")
    assert response.status_code == 400
    assert json.loads(response.content) == {"error": str(ERROR), "errors": ERROR.errors}
