"""Every role's home: the list of one's communities, and each community's front page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from community.access import get_community_for_member
from community.forms.members import CommunityCreateForm
from community.membership_selectors import member_counts, memberships_for_user
from community.models import Role
from community.selectors_engagement import client_self_assessments
from community.services.memberships import MembershipError, community_create, membership_create


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = memberships_for_user(request.user)
    return render(request, "community/home.html", {"memberships": memberships})


@login_required
def community_home(request: HttpRequest, slug: str) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug)
    context = {"community": community, "membership": membership}
    if membership.is_moderator:
        context["counts"] = member_counts(community)
    elif membership.is_client:
        context["self_assessments"] = client_self_assessments(membership)
    return render(request, "community/community_home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def community_create_view(request: HttpRequest) -> HttpResponse:
    """Staff only; everyone else gets the same 404 as for a page that does not exist."""
    if not request.user.is_staff:
        raise Http404("No such page.")
    form = CommunityCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            community = community_create(
                name=data["name"],
                slug=data["slug"],
                brand_name=data["brand_name"],
                description=data["description"],
                brand_aliases=data["brand_aliases"],
                competitor_brands=data["competitor_brands"],
                consent_text=data["consent_text"],
                created_by=request.user,
            )
        except MembershipError as exc:
            form.add_error("slug", str(exc))
        else:
            # The creator moderates it until they hand it over; admins see nothing without a role.
            membership_create(user=request.user, community=community, role=Role.MODERATOR, actor=request.user)
            messages.success(request, f"{community.name} is ready. Invite people to it next.")
            return redirect("member_invite", slug=community.slug)
    return render(request, "community/community_create.html", {"form": form})
