"""Participants who have not accepted the current consent are sent to the consent page.

Views never handle this themselves: `community.access.get_community_for_member`
raises ConsentRequired and this middleware turns it into a redirect, so every
feature (discussions, live sessions, exports) is covered the same way.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
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
    """Gives a bare 405 (what `require_POST` and friends return: no body) an answer that says why.

    People reach POST-only addresses by GET when they reload after a form, follow a bookmark or
    paste an address, and the browser's blank page leaves them stranded: browsers get the site's
    own page, clients asking for JSON a {"detail": ...} object and scripts (curl, */*) one line of
    text. The Allow header and the status stay as they were; htmx keeps the empty answer (it swaps
    nothing on an error)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.content or getattr(request, "htmx", False):
            return response
        allowed = response.get("Allow", "")
        kind = answer_type(request)
        if kind == "text/html":
            answer = render(request, "405.html", {"allowed": allowed}, status=405)
        else:
            detail = f"{request.method} is not allowed here; this address takes {allowed or 'another method'} only."
            if kind == "application/json":
                answer = JsonResponse({"detail": detail}, status=405)
            else:
                answer = HttpResponse(f"{detail}\n", status=405, content_type="text/plain; charset=utf-8")
        if response.has_header("Allow"):
            answer["Allow"] = allowed
        return answer
