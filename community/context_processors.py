"""Template context for the navigation: the communities the user belongs to and their role."""

from __future__ import annotations

from community.models import Membership


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_memberships": []}
    memberships = list(
        Membership.objects.filter(user=user, is_active=True)
        .select_related("community")
        .order_by("community__name")
    )
    return {"nav_memberships": memberships}
