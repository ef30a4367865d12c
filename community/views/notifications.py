"""In-app notifications: the list across one's communities, and marking them read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from community.selectors_engagement import notification_list, notification_unread_count
from community.services.notifications import (
    get_notification_for_user,
    notification_mark_read,
    notifications_mark_all_read,
)


@login_required
def notification_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "community/notifications.html",
        {
            "notifications": notification_list(user=request.user),
            "unread_count": notification_unread_count(user=request.user),
        },
    )


@login_required
@require_POST
def notification_open_view(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark read, then go to what it is about."""
    notification = get_notification_for_user(request.user, notification_id)
    notification_mark_read(notification=notification)
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect(url)
    return redirect("notification_list")


@login_required
@require_POST
def notifications_read_all_view(request: HttpRequest) -> HttpResponse:
    notifications_mark_all_read(user=request.user)
    return redirect("notification_list")


@login_required
def notification_badge_view(request: HttpRequest) -> HttpResponse:
    """The unread count for the navigation, fetched by htmx after the page loads."""
    count = notification_unread_count(user=request.user)
    response = render(request, "community/notifications_badge.html", {"unread_count": count})
    response["Cache-Control"] = "no-store"
    return response
