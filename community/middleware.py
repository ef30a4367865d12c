"""Participants who have not accepted the current consent are sent to the consent page.

Views never handle this themselves: `community.access.get_community_for_member`
raises ConsentRequired and this middleware turns it into a redirect, so every
feature (discussions, live sessions, exports) is covered the same way.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from community.access import ConsentRequired


class ConsentRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ConsentRequired):
            return None
        url = reverse("consent", kwargs={"slug": exception.membership.community.slug})
        # Only come back to pages a GET can reload; a half-submitted POST is not replayed.
        if request.method == "GET":
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)


def answer_type(request: HttpRequest) -> str:
    """ "text/html" for a browser (it asks for HTML by name), "application/json" for a client that
    asks for JSON, "text/plain" for anything else (curl, scripts and tests send */* or nothing)."""
    return request.get_preferred_type(["text/plain", "application/json", "text/html"]) or "text/plain"


class MethodNotAllowedPageMiddleware:
    """Gives a bare 405 (what `require_POST` and friends return: no body) the site's own page.

    People reach POST-only addresses by GET when they reload after a form, follow a bookmark or
    paste an address, and the browser's blank page leaves them stranded. The Allow header and
    the status stay as they were; htmx and API-style requests keep the empty answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.content or getattr(request, "htmx", False):
            return response
        if answer_type(request) != "text/html":
            return response
        page = render(request, "405.html", {"allowed": response.get("Allow", "")}, status=405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page
