"""Template context for the navigation: the communities the user belongs to and their role.

Lazy, so pages that never render the community switcher pay no query for it.
"""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from community.membership_selectors import memberships_for_user


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_memberships": []}
    return {"nav_memberships": SimpleLazyObject(lambda: memberships_for_user(user))}
