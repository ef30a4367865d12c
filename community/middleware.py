"""Participants who have not accepted the current consent are sent to the consent page.

Views never handle this themselves: `community.access.get_community_for_member`
raises ConsentRequired and this middleware turns it into a redirect, so every
feature (discussions, live sessions, exports) is covered the same way.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
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
