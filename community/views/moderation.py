"""Moderators' queue, decisions and the audit log (with its CSV export)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from community.access import get_community_for_member, get_post_for_member
from community.forms.moderation import ModerateForm, QueueFilterForm
from community.markdown import render_markdown
from community.models import Discussion, PostStatus, Role
from community.selectors import MODERATION_PAGE_SIZE, audit_entries, moderation_queue, open_flags_for
from community.services.moderation import ModerationAction, audit_csv_rows, post_moderate

MODERATORS = [Role.MODERATOR]


def _queue_actions(post) -> tuple[list[tuple[str, str]], str]:
    """The actions that apply to `post` in its state, and the one preselected. Only the
    non-destructive choice (approve, keep, restore) is ever preselected: hiding or removing
    someone's words takes picking it from the menu. A published post without flags has no
    harmless choice, so the menu starts on "Choose an action" and the browser asks for one."""
    labels = dict(ModerationAction.CHOICES)
    if post.status == PostStatus.PENDING:
        keep = [(ModerationAction.APPROVE, "Approve")]
    elif post.status == PostStatus.PUBLISHED and post.open_flags:
        keep = [(ModerationAction.APPROVE, "Keep it and dismiss the flags")]
    elif post.status in (PostStatus.HIDDEN, PostStatus.REMOVED):
        keep = [(ModerationAction.RESTORE, labels[ModerationAction.RESTORE])]
    else:
        keep = []
    harsh = [
        (action, labels[action])
        for action in (ModerationAction.HIDE, ModerationAction.REMOVE)
        if post.status != PostStatus.HIDDEN or action == ModerationAction.REMOVE
        if post.status != PostStatus.REMOVED
    ]
    return keep + harsh, keep[0][0] if keep else ""


# What the moderator reads after an action: what happened and to whose post, in words.
_MODERATION_DONE = {
    "approve": "Approved the post by {author}; it is visible and its flags are cleared.",
    "hide": "Hid the post by {author}. Participants and clients no longer see it.",
    "remove": "Removed the post by {author}. It is out of every page, result and export.",
    "restore": "Restored the post by {author}; it is visible again.",
}


@login_required
def moderation_queue_view(request: HttpRequest, slug: str) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=MODERATORS)
    discussions = list(
        Discussion.objects.filter(community=community).only("pk", "title").order_by("position", "id")
    )
    filters = QueueFilterForm(request.GET or None, discussions=discussions)
    data = filters.cleaned_data if filters.is_valid() else {}
    queue = moderation_queue(
        community,
        status=data.get("status") or None,
        discussion_id=data.get("discussion"),
        flagged=bool(data.get("flagged")),
    )
    page = Paginator(queue, MODERATION_PAGE_SIZE).get_page(request.GET.get("page"))
    posts = list(page.object_list)
    flags = open_flags_for(posts)
    for post in posts:
        post.author_name = post.author.display_name_for(membership)
        post.html = mark_safe(post.body_html or render_markdown(post.body))  # sanitised by nh3
        post.open_flags = flags.get(post.pk, [])
        post.action_choices, post.default_action = _queue_actions(post)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "community/moderation_queue.html",
        {
            "community": community,
            "membership": membership,
            "filters": filters,
            "page": page,
            "posts": posts,
            "page_path": request.get_full_path(),
            "query": query.urlencode(),
            "nav_section": "moderation",
        },
    )


@login_required
@require_POST
def post_moderate_view(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    _community, membership = get_community_for_member(request.user, slug, roles=MODERATORS)
    post = get_post_for_member(membership, post_id)
    form = ModerateForm(request.POST)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("moderation_queue", kwargs={"slug": slug})
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return redirect(next_url)
    try:
        post_moderate(
            moderator=membership,
            post=post,
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _MODERATION_DONE[form.cleaned_data["action"]].format(author=post.author.name_for_moderators),
        )
    return redirect(next_url)


@login_required
def audit_log_view(request: HttpRequest, slug: str) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=MODERATORS)
    page = Paginator(audit_entries(community), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "community/moderation_audit.html",
        {"community": community, "membership": membership, "page": page, "nav_section": "moderation"},
    )


@login_required
def audit_csv_view(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    community, _membership = get_community_for_member(request.user, slug, roles=MODERATORS)
    rows = audit_csv_rows(audit_entries(community).iterator(chunk_size=1000))
    filename = f"audit-{community.slug}-{timezone.now():%Y%m%d-%H%M}.csv"
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
