"""A refused request answered in the asker's terms: the site's page for a browser (with the
reason and a way back), JSON for a client that asks for JSON, one plain line otherwise."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render

from community.middleware import answer_type


def bad_request(request: HttpRequest, error: Exception | str, *, back_url: str = "") -> HttpResponse:
    """400 naming what was wrong. `error.errors` (a field -> reason dict, as FilterError has) is
    listed field by field on the page and passed on as `errors` in JSON."""
    message = str(error)
    errors = getattr(error, "errors", None) if isinstance(error, Exception) else None
    kind = answer_type(request)
    if kind == "text/html":
        return render(
            request,
            "400.html",
            {
                "message": message,
                "errors": errors if isinstance(errors, dict) else None,
                "back_url": back_url,
            },
            status=400,
        )
    if kind == "application/json":
        body: dict = {"error": message}
        if isinstance(errors, dict):
            body["errors"] = errors
        return JsonResponse(body, status=400)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
