"""The Analysis page: runs, progress and what still awaits analysis, with a refresh on demand
(moderators only; everyone else gets 404, as on the other moderator pages).

Progress is polled: the progress panel asks again every 2 s while a run is queued or running,
and stops once none is; the finished poll tells the page to reload its counts and runs table.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from community.access import get_community_for_member
from community.models import Role
from research import services
from research.models import AnalysisRun, RunState
from research.run_selectors import analysis_overview, analysis_runs_active
from research.services import analysis_refresh_request

MODERATORS = [Role.MODERATOR]
FINISHED_EVENT = "analysis-finished"


def _refresh_minutes() -> int | None:
    """How often the scheduler refreshes themes, or None when nothing does (no broker, no beat)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return None
    entry = settings.CELERY_BEAT_SCHEDULE.get("research-refresh-themes")
    return int(entry["schedule"] // 60) if entry else None


@login_required
@require_GET
def analysis_view(request: HttpRequest, slug: str) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=MODERATORS)
    # Looked up on the module at each call, so the version in force is the one read.
    overview = analysis_overview(community=community, version=services.analyzer_version())
    return render(
        request,
        "research/analysis.html",
        {
            "community": community,
            "membership": membership,
            "nav_section": "analysis",
            "overview": overview,
            "active": overview.active,
            "refresh_minutes": _refresh_minutes(),
            "debounce_minutes": settings.VERBATIM["THEME_REFRESH_DEBOUNCE_SECONDS"] // 60,
        },
    )


@login_required
@require_POST
def analysis_refresh_view(request: HttpRequest, slug: str) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=MODERATORS)
    run, started = analysis_refresh_request(community=community)
    if started:
        messages.success(request, "Refresh queued: posts awaiting analysis first, then the themes.")
    else:
        since = run.started_at if run.state == RunState.RUNNING else run.created_at
        minutes = int((timezone.now() - since).total_seconds() // 60)
        when = "just now" if minutes < 1 else f"{minutes} min ago"
        doing = "running" if run.state == RunState.RUNNING else "queued"
        messages.info(
            request,
            f"A {run.get_kind_display().lower()} is already {doing} (since {when}); "
            "no second one was started. Its progress is below.",
        )
    return redirect("research:analysis", slug=community.slug)


@login_required
@require_GET
def analysis_progress_view(request: HttpRequest, slug: str) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=MODERATORS)
    active = analysis_runs_active(community=community)
    latest = None
    if not active:
        latest = AnalysisRun.objects.filter(community=community).order_by("-created_at", "-pk").first()
    response = render(
        request,
        "research/_analysis_progress.html",
        {"community": community, "active": active, "latest": latest, "polled": True},
    )
    if not active:
        # The page's counts and runs table changed with the run: it reloads them on this event.
        response["HX-Trigger"] = FINISHED_EVENT
    return response
