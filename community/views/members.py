"""Moderators manage who is in their community: invitations, segments, deactivation.

Every view here is for moderators only; anybody else, member or not, gets 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from community.access import get_community_for_member
from community.forms.members import CsvInviteForm, DeactivateForm, InviteForm, SegmentsForm
from community.membership_selectors import (
    community_segments,
    get_invitation_for_moderator,
    get_member_for_moderator,
    member_list,
    pending_invitations,
)
from community.models import Role
from community.services.memberships import (
    CsvInviteError,
    MembershipError,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    invitations_create_from_csv,
    membership_deactivate,
    membership_reactivate,
    membership_update_segments,
)

MODERATORS = [Role.MODERATOR]


@login_required
def member_list_view(request: HttpRequest, slug: str) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=MODERATORS)
    role = request.GET.get("role") if request.GET.get("role") in Role.values else ""
    segment = request.GET.get("segment", "").strip()[:60]
    everyone = member_list(community)
    members = [
        m
        for m in everyone
        if (not role or m.role == role)
        and (not segment or segment.lower() in {s.lower() for s in m.segments})
    ]
    return render(
        request,
        "community/members.html",
        {
            "community": community,
            "membership": membership,
            "members": members,
            "total": len(everyone),
            "segments": community_segments(everyone),
            "invitations": list(pending_invitations(community)),
            "roles": Role.choices,
            "role_filter": role,
            "segment_filter": segment,
        },
    )


def _segments_text(segments: list[str]) -> str:
    return ", ".join(segments) if segments else "none"


def _invitation_sent_message(invitation) -> str:
    """What the moderator reads after inviting; a re-invitation says what it withdrew and what now holds."""
    role = invitation.get_role_display().lower()
    replaced = getattr(invitation, "replaced", [])
    if not replaced:
        return f"Invitation sent to {invitation.email} as {role}."
    earlier = replaced[-1]
    was = earlier.get_role_display().lower()
    return (
        f"An earlier invitation to {invitation.email} (as {was}; segments: {_segments_text(earlier.segments)})"
        f" was withdrawn and replaced: its link no longer works. New invitation sent as {role};"
        f" segments now: {_segments_text(invitation.segments)}."
    )


def _invitations_sent_message(invitations: list) -> str:
    sent = f"{len(invitations)} invitation{'s' if len(invitations) != 1 else ''} sent."
    replaced = [invitation.email for invitation in invitations if getattr(invitation, "replaced", [])]
    if not replaced:
        return sent
    return (
        f"{sent} {len(replaced)} of them replaced an earlier invitation (withdrawn, its link no longer"
        f" works; role and segments now as in the file): {', '.join(replaced)}."
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_invite_view(request: HttpRequest, slug: str) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=MODERATORS)
    form = InviteForm(request.POST if request.method == "POST" else None)
    csv_form = CsvInviteForm()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = invitation_create(
                community=community,
                email=data["email"],
                role=data["role"],
                segments=data["segments"],
                invited_by=request.user,
                site_url=request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            messages.success(request, _invitation_sent_message(invitation))
            return redirect("member_list", slug=slug)
    return render(
        request,
        "community/invite.html",
        {
            "community": community,
            "membership": membership,
            "form": form,
            "csv_form": csv_form,
            "max_age_days": settings.VERBATIM["INVITATION_MAX_AGE_DAYS"],
        },
    )


@login_required
@require_POST
def member_invite_csv_view(request: HttpRequest, slug: str) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=MODERATORS)
    csv_form = CsvInviteForm(request.POST, request.FILES)
    csv_errors: list[str] = []
    if csv_form.is_valid():
        try:
            invitations = invitations_create_from_csv(
                community=community,
                data=csv_form.cleaned_data["file"].read(),
                invited_by=request.user,
                site_url=request.build_absolute_uri("/"),
            )
        except CsvInviteError as exc:
            csv_errors = exc.errors
        else:
            messages.success(request, _invitations_sent_message(invitations))
            return redirect("member_list", slug=slug)
    return render(
        request,
        "community/invite.html",
        {
            "community": community,
            "membership": membership,
            "form": InviteForm(),
            "csv_form": csv_form,
            "csv_errors": csv_errors,
            "max_age_days": settings.VERBATIM["INVITATION_MAX_AGE_DAYS"],
        },
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit_view(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=MODERATORS)
    member = get_member_for_moderator(community, member_id)
    form = SegmentsForm(
        request.POST if request.method == "POST" else None, initial={"segments": member.segments}
    )
    if request.method == "POST" and form.is_valid():
        membership_update_segments(
            membership=member, segments=form.cleaned_data["segments"], actor=request.user
        )
        messages.success(request, f"Segments updated for {member.display_name_for(membership)}.")
        return redirect("member_list", slug=slug)
    return render(
        request,
        "community/member_edit.html",
        {
            "community": community,
            "membership": membership,
            "member": member,
            "form": form,
            "deactivate_form": DeactivateForm(),
        },
    )


@login_required
@require_POST
def member_deactivate_view(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=MODERATORS)
    member = get_member_for_moderator(community, member_id)
    form = DeactivateForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        membership_deactivate(membership=member, actor=request.user, reason=reason)
    except MembershipError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{member.display_name_for(membership)} can no longer take part.")
    return redirect("member_list", slug=slug)


@login_required
@require_POST
def member_reactivate_view(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=MODERATORS)
    member = get_member_for_moderator(community, member_id)
    membership_reactivate(membership=member, actor=request.user)
    messages.success(request, f"{member.display_name_for(membership)} is active again.")
    return redirect("member_list", slug=slug)


@login_required
@require_POST
def invitation_revoke_view(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    community, _ = get_community_for_member(request.user, slug, roles=MODERATORS)
    invitation = get_invitation_for_moderator(community, invitation_id)
    try:
        invitation_revoke(invitation=invitation, actor=request.user)
    except MembershipError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The invitation to {invitation.email} no longer works.")
    return redirect("member_list", slug=slug)


@login_required
@require_POST
def invitation_resend_view(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    community, _ = get_community_for_member(request.user, slug, roles=MODERATORS)
    invitation = get_invitation_for_moderator(community, invitation_id)
    try:
        fresh = invitation_resend(
            invitation=invitation, actor=request.user, site_url=request.build_absolute_uri("/")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"A new link was sent to {fresh.email}; the old one no longer works.")
    return redirect("member_list", slug=slug)
