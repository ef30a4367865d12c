"""Live sessions: the list, the room (participant view, moderator console, client backroom) and the
moderator's transcript export. The conversation itself runs over `ws/live/<id>/` (community.live_consumers).
"""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from community.access import get_community_for_member, get_discussion_for_member
from community.models import DiscussionKind, LiveSession, Role
from community.selectors import discussions_visible_to
from community.selectors_live import live_transcript_rows
from community.services.live import live_session_ensure

TRANSCRIPT_COLUMNS = ["time", "stream", "seq", "question", "kind", "author", "role", "to", "text", "event"]


@login_required
def live_session_list_view(request: HttpRequest, slug: str) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug)
    discussions = list(discussions_visible_to(membership).filter(kind=DiscussionKind.LIVE))
    sessions = {s.discussion_id: s for s in LiveSession.objects.filter(discussion__in=discussions)}
    for discussion in discussions:
        discussion.session = sessions.get(discussion.pk)
    return render(
        request,
        "community/live_list.html",
        {"community": community, "membership": membership, "discussions": discussions, "nav_section": "live"},
    )


def _live_discussion(request: HttpRequest, slug: str, discussion_id: int, *, roles=None):
    community, membership = get_community_for_member(request.user, slug, roles=roles)
    discussion = get_discussion_for_member(membership, discussion_id)
    if discussion.kind != DiscussionKind.LIVE:
        raise Http404("No such live session.")
    return community, membership, discussion


@login_required
def live_session_view(request: HttpRequest, slug: str, discussion_id: int) -> HttpResponse:
    community, membership, discussion = _live_discussion(request, slug, discussion_id)
    session = live_session_ensure(discussion=discussion)
    return render(
        request,
        "community/live_room.html",
        {
            "community": community,
            "membership": membership,
            "discussion": discussion,
            "session": session,
            "socket_path": f"/ws/live/{discussion.pk}/",
            "nav_section": "live",
        },
    )


@login_required
def live_transcript_view(request: HttpRequest, slug: str, discussion_id: int) -> HttpResponse:
    """`?format=csv` (default text); `?backroom=1` adds the backroom's chat and notes."""
    community, membership, discussion = _live_discussion(request, slug, discussion_id, roles=[Role.MODERATOR])
    session = live_session_ensure(discussion=discussion)
    rows = live_transcript_rows(session, include_backroom=request.GET.get("backroom") == "1")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    name = f"live-{discussion.pk}-transcript-{stamp}"
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        writer = csv.DictWriter(response, fieldnames=TRANSCRIPT_COLUMNS)
        writer.writeheader()
        for row in rows:
            # Cells starting with = + - @ would run as formulas in a spreadsheet.
            writer.writerow({k: _csv_safe(v) for k, v in row.items()})
        return response
    lines = [
        f"Transcript: {discussion.title} ({community.name})",
        f"Exported {timezone.now():%Y-%m-%d %H:%M} UTC",
        "",
    ]
    for row in rows:
        lines.append(_transcript_line(row))
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.txt"'
    return response


def _csv_safe(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _transcript_line(row: dict) -> str:
    at = f"[{row['time']}]"
    if row["kind"] == "question":
        return f"\n{at} === QUESTION {row['question']}: {row['text']} ==="
    if row["kind"] == "system":
        return f"{at} --- {row['event']} ---"
    where = {"probe": f" (private probe, {row['to']})", "backroom": " (backroom)"}.get(row["stream"], "")
    note = " [note to moderator]" if row["kind"] == "note" else ""
    return f"{at} {row['author']}{where}{note}: {row['text']}"
