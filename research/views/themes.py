"""Themes: clients read them (with researchers' summaries); moderators curate them.

Curation is one POST endpoint with an `action` (rename, summary, hide, show, merge, unmerge,
split), so every action shares one access check and one error path. A split is shown for
confirmation (which posts move, how many stay) before anything moves.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from community.access import get_community_for_member
from community.models import Post, Role
from community.selectors import post_html_for
from research.curation_services import (
    SUMMARY_MAX,
    THEME_NAME_MAX,
    CurationError,
    theme_name_set,
    theme_split,
    theme_split_plan,
    theme_summary_set,
    theme_unmerge,
)
from research.models import Theme
from research.selectors import get_theme_for_member, theme_posts, themes_for_scope
from research.services import theme_merge, theme_set_hidden, theme_summary

THEME_POSTS_PER_PAGE = 50

READERS = [Role.MODERATOR, Role.CLIENT]


# The services' messages start with the field they are about ("into: ..."): for people, the
# fields a person fills in keep a label, the rest lose the raw name.
_FIELD_LABELS = {"name": "Name", "label": "Name", "summary": "Summary"}
_FIELD_PREFIX_RE = re.compile(r"^([A-Za-z_]+): (.+)$", re.DOTALL)


def readable_error(exc: Exception) -> str:
    """A service's error as a sentence a researcher reads, without code names of fields."""
    message = str(exc)
    match = _FIELD_PREFIX_RE.match(message)
    if match is None:
        return message
    field, rest = match.groups()
    label = _FIELD_LABELS.get(field.lower())
    if label:
        return f"{label}: {rest}"
    return rest[:1].upper() + rest[1:]


@login_required
@require_GET
def themes_view(request: HttpRequest, slug: str) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=READERS)
    themes = list(themes_for_scope(community=community, include_hidden=membership.is_moderator))
    for theme in themes:
        _shown_summary(theme)
    if membership.is_moderator:
        # A theme a researcher named or summarised that the analysis no longer finds is not lost
        # silently: its page still opens (with why), and the list says which ones.
        curated = (
            Theme.objects.filter(
                community=community, scope_key="community", retired_at__isnull=False, merged_into__isnull=True
            )
            .exclude(researcher_label="", researcher_summary="")
            .order_by("pk")
        )
        names = [t.display_label for t in curated[:5]]
        if names:
            messages.warning(
                request,
                "Retired by the latest analysis (no theme holds enough of their posts now): "
                + ", ".join(f"“{n}”" for n in names)
                + ". Clients no longer see them; their names and summaries come back if a refresh finds them again.",
            )
    return render(
        request,
        "research/themes.html",
        {"community": community, "membership": membership, "nav_section": "themes", "themes": themes},
    )


@login_required
@require_GET
def theme_detail_view(request: HttpRequest, slug: str, theme_id: int) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=READERS)
    if membership.is_client:
        # A bookmarked theme that a researcher merged away lives on in the theme it went into; one
        # the analysis no longer finds says so rather than a bare 404. One query for both.
        into_id, retired_at = (
            Theme.objects.filter(community=community, pk=theme_id, is_hidden=False)
            .values_list("merged_into_id", "retired_at")
            .first()
        ) or (None, None)
        if into_id is not None:
            into = get_theme_for_member(membership, into_id)
            return redirect("research:theme_detail", slug=community.slug, theme_id=into.pk)
        if retired_at is not None:
            messages.info(request, RETIRED_MESSAGE)
            return redirect("research:themes", slug=community.slug)
    theme = get_theme_for_member(membership, theme_id)
    if membership.is_moderator and theme.retired_at and not request.GET.get("page"):
        messages.warning(request, RETIRED_MODERATOR_MESSAGE)
    return _render_detail(request, community, membership, theme)


RETIRED_MESSAGE = (
    "That theme was retired: the latest analysis no longer finds it. These are the current themes."
)
RETIRED_MODERATOR_MESSAGE = (
    "This theme was retired: the latest analysis found no theme holding enough of its posts. "
    "Clients no longer see it; your name and summary come back if a refresh finds it again."
)


def _shown_summary(theme: Theme) -> Theme:
    """The analysis' sentence from the counts shown beside it (the stored one may be from an
    earlier run or another count); none for a theme with no posts."""
    theme.shown_summary = (
        theme_summary(
            post_count=theme.post_count,
            participant_count=theme.participant_count,
            sentiment_mix=theme.sentiment_mix or {},
        )
        if theme.post_count
        else ""
    )
    return theme


def _render_detail(
    request: HttpRequest, community, membership, theme: Theme, *, typed: dict | None = None, status: int = 200
) -> HttpResponse:
    """The theme page; `typed` refills a refused rename, split or summary form (action, label,
    posts, summary, error)."""
    _shown_summary(theme)
    members = theme_posts(theme=theme)
    if membership.is_client:
        # Clients read only analysed, redacted text.
        members = members.filter(post__analysis__isnull=False)
    # A large theme is read a page at a time, quotes first (a split selects within the page).
    page = Paginator(members, THEME_POSTS_PER_PAGE).get_page(request.GET.get("page"))
    posts = list(page.object_list)
    others: list[Theme] = []
    merged_from: list[Theme] = []
    if membership.is_moderator:
        for member in posts:
            # Formatted as on the discussion page (the stored body_html), never the raw Markdown.
            member.html = mark_safe(post_html_for(member.post, membership))  # sanitised by nh3
        merged_from = list(theme.merged_from.only("id", "label", "researcher_label").order_by("pk"))
        others = list(
            Theme.objects.filter(
                community=community,
                scope_key=theme.scope_key,
                retired_at__isnull=True,
                merged_into__isnull=True,
            )
            .exclude(pk=theme.pk)
            .only("id", "label", "researcher_label")
            .order_by("-post_count", "pk")
        )
    return render(
        request,
        "research/theme_detail.html",
        {
            "community": community,
            "membership": membership,
            "nav_section": "themes",
            "theme": theme,
            "posts": posts,
            "page": page,
            "others": others,
            "merged_from": merged_from,
            "merged_into": theme.merged_into if theme.merged_into_id else None,
            "split_from": theme.split_from if theme.split_from_id else None,
            "typed": typed or {},
            "theme_name_max": THEME_NAME_MAX,
            "summary_max": SUMMARY_MAX,
        },
        status=status,
    )


@login_required
@require_POST
def theme_action_view(request: HttpRequest, slug: str, theme_id: int) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=[Role.MODERATOR])
    theme = get_theme_for_member(membership, theme_id)
    action = request.POST.get("action", "")
    target = theme
    try:
        if action == "rename":
            theme_name_set(theme=theme, name=request.POST.get("label", ""))
            messages.success(request, _renamed_message(theme))
        elif action == "summary":
            theme_summary_set(theme=theme, summary=request.POST.get("summary", ""))
            messages.success(request, "Summary saved; clients see it with the theme.")
        elif action in ("hide", "show"):
            theme_set_hidden(theme=theme, hidden=action == "hide")
            messages.success(
                request, "Theme hidden from clients." if action == "hide" else "Theme shown to clients."
            )
        elif action == "merge":
            raw = request.POST.get("into", "")
            into = Theme.objects.filter(community=community, pk=int(raw)).first() if raw.isdigit() else None
            if into is None:
                raise CurationError("into: choose the theme to merge into.")
            if into.pk == theme.pk:
                raise CurationError("into: a theme can't be merged into itself; choose another theme.")
            theme_merge(theme=theme, into=into)
            messages.success(request, f"Merged into “{into.display_label}”.")
            target = into
        elif action == "unmerge":
            former = theme.merged_into
            theme_unmerge(theme=theme)
            messages.success(request, f"No longer merged into “{former.display_label}”.")
        elif action == "split":
            ids = [int(p) for p in request.POST.getlist("posts") if p.isdigit()]
            if request.POST.get("confirm") != "1":
                plan = theme_split_plan(theme=theme, post_ids=ids, label=request.POST.get("label", ""))
                return _split_confirmation(request, community, membership, theme, plan)
            target = theme_split(theme=theme, post_ids=ids, label=request.POST.get("label", ""))
            messages.success(request, f"Moved {len(ids)} post(s) to the new theme “{target.display_label}”.")
        else:
            raise Http404("No such action.")
    except ValueError as exc:  # CurationError and the research services' ValueErrors name the field
        if action in ("rename", "split", "summary"):
            # Show the page again with what was typed (and selected) kept, the error beside it.
            typed = {
                "action": action,
                "label": request.POST.get("label", ""),
                "summary": request.POST.get("summary", ""),
                "posts": {int(p) for p in request.POST.getlist("posts") if p.isdigit()},
                "error": readable_error(exc),
            }
            return _render_detail(request, community, membership, theme, typed=typed, status=400)
        messages.error(request, readable_error(exc))
        target = theme
    return redirect("research:theme_detail", slug=community.slug, theme_id=target.pk)


def _renamed_message(theme: Theme) -> str:
    """What a rename did: an empty name goes back to the one the theme was found (or split) with."""
    if theme.researcher_label:
        return f"Theme renamed to “{theme.researcher_label}”."
    if theme.split_from_id:
        return f"Label reset to the name given at the split: “{theme.label}”."
    return f"Label reset to the analysis label: “{theme.label}”."


def _split_confirmation(request, community, membership, theme, plan) -> HttpResponse:
    moving = list(
        Post.objects.filter(pk__in=plan.moving).select_related("author").order_by("created_at", "pk")
    )
    for post in moving:
        post.html = mark_safe(post_html_for(post, membership))  # sanitised by nh3
    return render(
        request,
        "research/theme_split_confirm.html",
        {
            "community": community,
            "membership": membership,
            "nav_section": "themes",
            "theme": theme,
            "plan": plan,
            "moving": moving,
        },
    )
