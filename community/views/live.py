"""Live sessions: the list, the room (participant view, moderator console, client backroom) and the
moderator's transcript export. The conversation itself runs over `ws/live/<id>/` (community.live_consumers).
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from community.access import get_community_for_member, get_discussion_for_member
from community.forms.live import LiveScheduleForm, LiveWithholdForm
from community.models import DiscussionKind, LiveSession, LiveState, Role
from community.selectors import discussions_visible_to
from community.selectors_live import LIVE_CONSOLE_NOTES, live_console_buttons, live_transcript_rows
from community.services.live import live_session_ensure, live_session_schedule
from community.services.live_archive import (
    archivable_messages,
    live_message_restore,
    live_message_withhold,
    live_session_archive_for,
    live_withheld_seqs,
)

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
    return _render_room(request, community, membership, discussion, session)


def _render_room(
    request: HttpRequest, community, membership, discussion, session, *, schedule_form=None, status: int = 200
) -> HttpResponse:
    context = {
        "community": community,
        "membership": membership,
        "discussion": discussion,
        "session": session,
        "socket_path": f"/ws/live/{discussion.pk}/",
        "nav_section": "live",
        "time_zone": timezone.get_current_timezone_name(),
        "now": timezone.now(),
    }
    if membership.is_moderator:
        context["schedule_form"] = schedule_form or LiveScheduleForm(
            session=session, initial={"scheduled_start": session.scheduled_start}
        )
        context["can_schedule"] = session.state == LiveState.SCHEDULED
        context["console_buttons"] = live_console_buttons(session)
        context["console_note"] = LIVE_CONSOLE_NOTES.get(session.state, "")
        context["console_notes"] = LIVE_CONSOLE_NOTES
        context["withheld_seqs"] = ",".join(str(seq) for seq in live_withheld_seqs(session))
    if session.state == LiveState.ENDED:
        context["archived_posts"] = discussion.posts.filter(live_message__isnull=False).exists()
        if membership.is_moderator:
            context["unarchived_lines"] = archivable_messages(session).count()
    return render(request, "community/live_room.html", context, status=status)


@login_required
@require_POST
def live_schedule_view(request: HttpRequest, slug: str, discussion_id: int) -> HttpResponse:
    """The moderator sets (or clears) the announced start; participants see it while they wait."""
    community, membership, discussion = _live_discussion(request, slug, discussion_id, roles=[Role.MODERATOR])
    session = live_session_ensure(discussion=discussion)
    form = LiveScheduleForm(request.POST, session=session)
    if form.is_valid():
        try:
            live_session_schedule(
                moderator=membership, session=session, start=form.cleaned_data["scheduled_start"]
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            start = session.scheduled_start
            messages.success(
                request,
                f"The session now starts at {timezone.localtime(start):%d %b %Y %H:%M}."
                if start
                else "The session has no announced start time now.",
            )
            return redirect("live_session", slug=slug, discussion_id=discussion.pk)
    return _render_room(request, community, membership, discussion, session, schedule_form=form, status=400)


@login_required
@require_POST
def live_archive_view(request: HttpRequest, slug: str, discussion_id: int) -> HttpResponse:
    """Archive an ended session's participant lines as posts now (the console calls it at the end;
    the ended room offers it as a button while lines wait). JSON for the console, a redirect for the form."""
    _community, membership, discussion = _live_discussion(
        request, slug, discussion_id, roles=[Role.MODERATOR]
    )
    session = live_session_ensure(discussion=discussion)
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        posts = live_session_archive_for(moderator=membership, session=session)
    except ValidationError as exc:
        if wants_json:
            return JsonResponse({"errors": {k: " ".join(v) for k, v in exc.message_dict.items()}}, status=400)
        messages.error(request, " ".join(exc.messages))
        return redirect("live_session", slug=slug, discussion_id=discussion.pk)
    if wants_json:
        return JsonResponse({"archived": len(posts)})
    messages.success(request, f"{len(posts)} participant lines archived as posts of this activity.")
    return redirect("live_session", slug=slug, discussion_id=discussion.pk)


def _line_status_change(request: HttpRequest, slug: str, discussion_id: int, change) -> JsonResponse:
    """Withhold or restore one participant line (`change` is the service), as JSON for the console."""
    _community, membership, discussion = _live_discussion(
        request, slug, discussion_id, roles=[Role.MODERATOR]
    )
    session = live_session_ensure(discussion=discussion)
    form = LiveWithholdForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": {k: " ".join(v) for k, v in form.errors.items()}}, status=400)
    try:
        post = change(
            moderator=membership,
            session=session,
            seq=form.cleaned_data["seq"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        return JsonResponse({"errors": {k: " ".join(v) for k, v in exc.message_dict.items()}}, status=400)
    return JsonResponse({"seq": form.cleaned_data["seq"], "status": post.status})


@login_required
@require_POST
def live_withhold_view(request: HttpRequest, slug: str, discussion_id: int) -> JsonResponse:
    """The moderator takes one participant line out of the evidence."""
    return _line_status_change(request, slug, discussion_id, live_message_withhold)


@login_required
@require_POST
def live_restore_view(request: HttpRequest, slug: str, discussion_id: int) -> JsonResponse:
    """The moderator puts a withheld line back into the evidence."""
    return _line_status_change(request, slug, discussion_id, live_message_restore)


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
