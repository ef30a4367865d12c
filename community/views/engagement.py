"""Completion tracking for moderators, and a participant's "new and due" page."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from community.access import get_community_for_member, get_discussion_for_member
from community.models import DiscussionKind, Role
from community.selectors_engagement import community_completion, discussion_completion, participant_home


@login_required
def completion_view(request: HttpRequest, slug: str) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=[Role.MODERATOR])
    rows = community_completion(community=community)
    return render(
        request,
        "community/completion.html",
        {
            "community": community,
            "membership": membership,
            "rows": rows,
            "any_former": any(row["former_responded_count"] for row in rows),
            "reminders_per_day": settings.VERBATIM["REMINDERS_PER_DAY"],
        },
    )


@login_required
def completion_detail_view(request: HttpRequest, slug: str, discussion_id: int) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=[Role.MODERATOR])
    discussion = get_discussion_for_member(membership, discussion_id)
    if discussion.is_draft or discussion.kind == DiscussionKind.LIVE:
        raise Http404("No completion to track for this activity.")
    row = discussion_completion(discussion=discussion)
    for member in (*row["responded"], *row["not_responded"]):
        member.name = member.display_name_for(membership)
    return render(
        request,
        "community/completion_detail.html",
        {"community": community, "membership": membership, "discussion": discussion, "row": row},
    )


@login_required
def participant_due_view(request: HttpRequest, slug: str) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=[Role.PARTICIPANT])
    return render(
        request,
        "community/completion_due.html",
        {"community": community, "membership": membership, "home": participant_home(membership)},
    )
