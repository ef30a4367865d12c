"""The discussion guide, discussion pages and posting. Thin: access helper, service or selector, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from community.access import get_community_for_member, get_discussion_for_member, get_post_for_member
from community.forms.discussions import DiscussionForm, PostEditForm, PostForm
from community.forms.moderation import FlagForm
from community.markdown import render_markdown
from community.models import Membership, Post, PostImage, PostStatus, Role
from community.pii import hidden_details_notice
from community.ratelimit import RateLimited
from community.selectors import (
    discussion_can_post,
    discussion_new_post_refused_reason,
    discussion_page,
    discussions_visible_to,
    post_html_for,
    post_page_number,
    post_revisions,
)
from community.services.discussions import discussion_create, discussion_move, discussion_update
from community.services.moderation import ModerationAction, post_flag
from community.services.posts import post_can_edit, post_create, post_delete, post_edit

MODERATORS = [Role.MODERATOR]


def _apply_errors(form, exc: ValidationError) -> None:
    """Attach a service's ValidationError to the form, field by field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _decorate(posts: list[Post], viewer: Membership) -> None:
    """Per-viewer labels and permissions, computed once here instead of in the template."""
    now = timezone.now()
    # A community may keep participants from seeing each other's pseudonyms at all.
    anonymous_peers = viewer.is_participant and not viewer.community.show_pseudonyms_to_participants
    for post in posts:
        if anonymous_peers and post.author.is_participant and post.author_id != viewer.pk:
            post.author_name = "A participant"
        else:
            post.author_name = post.author.display_name_for(viewer)
        post.html = mark_safe(post_html_for(post, viewer))
        post.can_edit = post_can_edit(post, viewer, now=now)
        post.can_delete = post.author_id == viewer.pk and post.status != PostStatus.DELETED
        post.can_flag = (
            post.author_id != viewer.pk and post.status == PostStatus.PUBLISHED and viewer.is_participant
        )


_SENTINEL_ID = 987654321


def _id_url_prefix(name: str, slug: str, id_kwarg: str) -> str:
    """The part of a per-object URL before its id, e.g. "/c/acme/posts/".

    A page of 80 posts would otherwise call reverse() several hundred times; the
    prefix is resolved once and the template appends the id and the action.
    """
    url = reverse(name, kwargs={"slug": slug, id_kwarg: _SENTINEL_ID})
    return url[: url.index(str(_SENTINEL_ID))]


def post_item_context(request: HttpRequest, membership: Membership, discussion=None) -> dict:
    """What community/post_item.html needs besides the post, computed once per page."""
    slug = membership.community.slug
    probe_create_url = ""
    if discussion is not None and membership.is_moderator:
        try:
            probe_create_url = reverse("probe_create", kwargs={"slug": slug, "discussion_id": discussion.pk})
        except NoReverseMatch:  # probes are another area's feature; the page works without them
            probe_create_url = ""
    return {
        "probe_create_url": probe_create_url,
        "is_moderator": membership.is_moderator,
        "moderation_actions": ModerationAction.CHOICES,
        "page_path": request.get_full_path(),
        "post_max_chars": settings.VERBATIM["POST_MAX_CHARS"],
        "post_url_prefix": _id_url_prefix("post_edit", slug, "post_id"),
        "image_url_prefix": _id_url_prefix("post_image", slug, "image_id"),
    }


@login_required
def discussion_list_view(request: HttpRequest, slug: str) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug)
    discussions = list(discussions_visible_to(membership))
    now = timezone.now()
    for discussion in discussions:
        discussion.open_now = discussion.is_open(now)
    return render(
        request,
        "community/guide.html",
        {
            "community": community,
            "membership": membership,
            "discussions": discussions,
            "now": now,
            "nav_section": "discussions",
        },
    )


def _guide_save(request: HttpRequest, slug: str, discussion_id: int | None) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=MODERATORS)
    discussion = get_discussion_for_member(membership, discussion_id) if discussion_id else None
    if discussion is None:
        form = DiscussionForm(request.POST or None)
    else:
        form = DiscussionForm.for_discussion(discussion, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if discussion is None:
                discussion = discussion_create(moderator=membership, community=community, **form.cleaned_data)
                messages.success(request, f"“{discussion.title}” added to the guide.")
            else:
                discussion_update(moderator=membership, discussion=discussion, **form.cleaned_data)
                messages.success(request, f"“{discussion.title}” saved.")
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return redirect("discussion_detail", slug=slug, discussion_id=discussion.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "community/guide_form.html",
        {"community": community, "membership": membership, "form": form, "discussion": discussion},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def discussion_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    return _guide_save(request, slug, None)


@login_required
@require_http_methods(["GET", "POST"])
def discussion_edit_view(request: HttpRequest, slug: str, discussion_id: int) -> HttpResponse:
    return _guide_save(request, slug, discussion_id)


@login_required
@require_POST
def discussion_move_view(request: HttpRequest, slug: str, discussion_id: int) -> HttpResponse:
    _community, membership = get_community_for_member(request.user, slug, roles=MODERATORS)
    discussion = get_discussion_for_member(membership, discussion_id)
    try:
        discussion_move(
            moderator=membership, discussion=discussion, direction=request.POST.get("direction", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("discussion_list", slug=slug)


# The session key of a note to show beside one post (after flagging it) on the next page view.
POST_NOTICE_KEY = "post_notice"


def _attach_notice(request: HttpRequest, posts: list[Post]) -> None:
    """Show a pending note beside its post, where the member's eyes are after the jump to it;
    if the post is not on this page the note goes to the top of the page instead."""
    notice = request.session.pop(POST_NOTICE_KEY, None)
    if not notice:
        return
    for post in posts:
        if post.pk == notice.get("post"):
            post.notice_text, post.notice_level = notice["text"], notice["level"]
            return
    level = messages.ERROR if notice["level"] == "error" else messages.SUCCESS
    messages.add_message(request, level, notice["text"])


def _render_discussion(
    request: HttpRequest, community, membership: Membership, discussion, *, form=None, status: int = 200
) -> HttpResponse:
    page = discussion_page(membership, discussion, page_number=request.GET.get("page"))
    _decorate(page.posts, membership)
    for post in page.posts:
        _decorate(post.visible_replies, membership)
    _attach_notice(request, [p for post in page.posts for p in (post, *post.visible_replies)])
    # False for scorecards and live sessions too (answered on their own form and in their room).
    can_post = discussion_can_post(discussion, membership)
    return render(
        request,
        "community/discussion_detail.html",
        {
            "community": community,
            "membership": membership,
            "discussion": discussion,
            "prompt_html": mark_safe(render_markdown(discussion.prompt)),  # sanitised by nh3
            "page": page,
            "can_post": can_post,
            # A reply, yes; a new response, not when no participant would read it (a moderator's
            # entry in a private journal): the page says so instead of offering the box.
            "can_respond": can_post and not discussion_new_post_refused_reason(discussion, membership),
            "can_reply": can_post and not page.hidden_until_responding,
            "form": form or PostForm(),
            **post_item_context(request, membership, discussion),
            "now": timezone.now(),
            "nav_section": "discussions",
        },
        status=status,
    )


@login_required
def discussion_detail_view(request: HttpRequest, slug: str, discussion_id: int) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug)
    discussion = get_discussion_for_member(membership, discussion_id)
    return _render_discussion(request, community, membership, discussion)


def _reply_parent(membership: Membership, post_id: int) -> Post:
    """The post a reply answers; one that does not exist (or that this member may not read,
    which must look the same) is a form error, so the typed reply is kept and the reason shown."""
    try:
        return get_post_for_member(membership, post_id)
    except Http404:
        raise ValidationError(
            {
                "parent": "The post you are replying to no longer exists (or was taken down); your reply was not posted."
            }
        ) from None


@login_required
@require_POST
def post_create_view(request: HttpRequest, slug: str, discussion_id: int) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug)
    discussion = get_discussion_for_member(membership, discussion_id)
    form = PostForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        parent = None
        try:
            if form.cleaned_data["parent"]:
                parent = _reply_parent(membership, form.cleaned_data["parent"])
            post = post_create(
                author=membership,
                discussion=discussion,
                body=form.cleaned_data["body"],
                parent=parent,
                image=form.cleaned_data["image"],
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "You cannot post here.")
            status = 403
        except RateLimited as exc:
            _apply_errors(form, exc)
            status = 429
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if post.status == PostStatus.PENDING:
                messages.info(request, "Thanks! Your post will appear once a moderator has approved it.")
            _contact_details_notice(request, membership, post.body)
            return _back_to(post, slug, membership)
    return _render_discussion(request, community, membership, discussion, form=form, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def post_edit_view(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug)
    post = get_post_for_member(membership, post_id)
    if post.author_id != membership.pk:
        raise Http404("No such post.")
    form = PostEditForm(request.POST or None, initial={"body": post.body})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                post = post_edit(editor=membership, post=post, body=form.cleaned_data["body"])
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "Your post was updated.")
                _contact_details_notice(request, membership, post.body)
                return _back_to(post, slug, membership)
    return render(
        request,
        "community/post_edit.html",
        {"community": community, "membership": membership, "post": post, "form": form},
        status=status,
    )


def _contact_details_notice(request: HttpRequest, author: Membership, body: str) -> None:
    """Tell a participant which details of their post others see hidden (community.selectors.post_html_for)."""
    notice = hidden_details_notice(body) if author.is_participant else ""
    if notice:
        messages.info(request, notice)


def _back_to(post: Post, slug: str, membership: Membership) -> HttpResponse:
    """To the page of the discussion that shows `post` (not page 1 of a long discussion)."""
    url = reverse("discussion_detail", kwargs={"slug": slug, "discussion_id": post.discussion_id})
    page = post_page_number(membership, post)
    query = f"?page={page}" if page > 1 else ""
    return redirect(f"{url}{query}#post-{post.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def post_delete_view(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug)
    post = get_post_for_member(membership, post_id)
    if post.author_id != membership.pk:
        raise Http404("No such post.")
    if request.method == "POST":
        post_delete(actor=membership, post=post)
        messages.success(request, "Your post was deleted.")
        return _back_to(post, slug, membership)
    return render(
        request,
        "community/post_delete.html",
        {"community": community, "membership": membership, "post": post},
    )


@login_required
def post_history_view(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    """Earlier versions of a post: for moderators, and for its author (their own words, edits kept)."""
    community, membership = get_community_for_member(request.user, slug)
    post = get_post_for_member(membership, post_id)
    if not membership.is_moderator and post.author_id != membership.pk:
        raise Http404("No such post.")
    revisions = list(post_revisions(post))
    for revision in revisions:
        revision.html = mark_safe(render_markdown(revision.body))  # sanitised by nh3
    _decorate([post], membership)
    return render(
        request,
        "community/post_history.html",
        {"community": community, "membership": membership, "post": post, "revisions": revisions},
    )


@login_required
@require_POST
def post_flag_view(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    _community, membership = get_community_for_member(request.user, slug)
    post = get_post_for_member(membership, post_id)
    form = FlagForm(request.POST)
    # The page jumps to the post, so the answer is shown beside it rather than at the top.
    # A role that may not flag (clients, moderators) gets PermissionDenied: 403, as for a client's post.
    if not form.is_valid():
        text, level = " ".join(m for errors in form.errors.values() for m in errors), "error"
    else:
        try:
            flag = post_flag(flagger=membership, post=post, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            text, level = " ".join(exc.messages), "error"
        else:
            if flag.updated:
                text = "Your flag was updated; the moderators now see your reason."
            else:
                text = "Thank you; a moderator will look at this post."
            level = "success"
    request.session[POST_NOTICE_KEY] = {"post": post.pk, "text": text, "level": level}
    return _back_to(post, slug, membership)


@login_required
def post_image_view(request: HttpRequest, slug: str, image_id: int) -> FileResponse:
    """Images are served only to members who may read their post (never from a public URL)."""
    _community, membership = get_community_for_member(request.user, slug)
    image = PostImage.objects.filter(pk=image_id, post__community_id=membership.community_id).first()
    if image is None:
        raise Http404("No such image.")
    get_post_for_member(membership, image.post_id)
    try:
        handle = image.file.open("rb")
    except FileNotFoundError:  # the file was purged (erasure) or storage lost it
        raise Http404("No such image.") from None
    response = FileResponse(handle, content_type=image.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
