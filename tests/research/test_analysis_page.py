"""The Analysis page: runs and their progress, the backlog, a refresh on demand (debounced), and
publishing that does not wait for the analysis in in-process mode."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community.models import Role
from research import services, tasks
from research.models import AnalysisRun, PostAnalysis, RunKind, RunState, Theme
from tests.factories import DiscussionFactory, MembershipFactory, PostFactory, UserFactory
from tests.research import fakes

fake_nlp = fakes.fake_nlp
pytestmark = pytest.mark.django_db


def u(name, slug="acme"):
    return reverse(f"research:{name}", args=[slug])


@pytest.fixture
def discussion(community):
    return DiscussionFactory(community=community, title="Last visit")


@pytest.fixture
def mallory(other_community):
    """A moderator, but of another community."""
    user = UserFactory(username="mallory")
    MembershipFactory(user=user, community=other_community, role=Role.MODERATOR)
    return user


def _posts(discussion, bodies):
    return [PostFactory(discussion=discussion, body=body) for body in bodies]


def _page(client):
    response = client.get(u("analysis"))
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_moderators_the_backlog_the_runs_and_when_themes_were_refreshed(
    client, community, alice, discussion, fake_nlp
):
    analysed = _posts(discussion, ["The staff were lovely.", "The app is slow.", "12345"])
    services.analysis_run_for_posts(community=community, post_ids=[p.pk for p in analysed])
    services.analysis_run_for_themes(community=community)
    _posts(discussion, ["The price is good value.", "The food was cold."])  # not analysed yet
    AnalysisRun.objects.create(
        community=community,
        kind=RunKind.POSTS,
        state=RunState.FAILED,
        total=40,
        done=12,
        started_at=timezone.now(),
        finished_at=timezone.now(),
        error="OperationalError: database is locked",
    )
    client.force_login(alice)

    page = _page(client)

    assert 'stat-value">5</span><span class="stat-label">published posts' in page
    assert 'stat-value">2</span><span class="stat-label">awaiting analysis' in page
    assert 'stat-value">1</span><span class="stat-label">not analysable' in page
    assert "No words to analyse: 1" in page
    assert "themes last refreshed (0" in page and "never" not in page
    assert "Analyzer version <code>fake-1</code>" in page
    assert page.count('<span class="badge badge-ok">Done</span>') == 2
    assert "OperationalError: database is locked" in page and "12 / 40" in page
    assert "Refresh analysis now" in page


def test_it_says_how_many_published_posts_are_participants_the_posts_insights_count(
    client, community, alice, discussion
):
    from community.models import Membership

    _posts(discussion, ["The staff were lovely.", "The app is slow."])
    PostFactory(
        discussion=discussion, author=Membership.objects.get(user=alice, community=community), body="Welcome!"
    )
    client.force_login(alice)

    page = _page(client)

    assert 'stat-value">3</span><span class="stat-label">published posts' in page
    # Neither is analysed yet: insights count none of them until they are.
    assert "2 by participants; 0 analysed, the posts insights count" in page


def test_it_says_themes_were_never_refreshed_when_no_refresh_has_run(client, community, alice):
    client.force_login(alice)

    page = _page(client)

    assert "never</span>" in page and "No analysis runs yet" in page


def test_the_refresh_analyses_waiting_posts_then_refreshes_the_themes(
    client, community, alice, discussion, fake_nlp, django_capture_on_commit_callbacks
):
    _posts(discussion, ["The staff were lovely.", "The staff were rude."])
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(u("analysis_refresh"), follow=True)

    assert "Refresh queued" in response.content.decode()
    assert PostAnalysis.objects.filter(community=community).count() == 2
    assert Theme.objects.filter(community=community, label="the staff", post_count=2).exists()
    runs = list(community.analysis_runs.order_by("pk").values_list("kind", "state", "done", "total"))
    assert runs == [("themes", "done", 1, 1), ("posts", "done", 2, 2)]
    page = _page(client)
    assert 'stat-value">0</span><span class="stat-label">awaiting analysis' in page
    assert 'hx-trigger="every 2s"' not in page


def test_the_refresh_is_queued_on_the_broker_and_its_progress_is_polled_until_it_ends(
    client, community, alice, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent = []
    monkeypatch.setattr(tasks.refresh_themes, "delay", lambda *args: sent.append(args))
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(u("analysis_refresh"))

    run = AnalysisRun.objects.get(community=community)
    assert sent == [(community.pk, run.pk)] and run.state == RunState.QUEUED
    assert 'hx-trigger="every 2s"' in _page(client)
    assert "waiting to start" in client.get(u("analysis_progress")).content.decode()

    run.state, run.started_at, run.total, run.done = RunState.RUNNING, timezone.now(), 4, 3
    run.save()
    polled = client.get(u("analysis_progress"))
    assert 'hx-trigger="every 2s"' in polled.content.decode()
    assert "3 of 4 theme scopes (75%)" in polled.content.decode()
    assert "HX-Trigger" not in polled.headers

    services.analysis_run_finish(run=run)
    polled = client.get(u("analysis_progress"))
    assert "hx-trigger" not in polled.content.decode()  # the polling stops
    assert "Theme refresh finished" in polled.content.decode()
    assert polled.headers["HX-Trigger"] == "analysis-finished"  # the page reloads its counts


@pytest.mark.parametrize("state", [RunState.QUEUED, RunState.RUNNING])
def test_it_does_not_start_a_second_refresh_while_one_is_queued_or_running(
    client, community, alice, state, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent = []
    monkeypatch.setattr(tasks.refresh_themes, "delay", lambda *args: sent.append(args))
    AnalysisRun.objects.create(
        community=community, kind=RunKind.THEMES, state=state, started_at=timezone.now(), total=3
    )
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(u("analysis_refresh"), follow=True)

    page = response.content.decode()
    assert f"A theme refresh is already {state} (since just now); no second one was started" in page
    assert sent == [] and AnalysisRun.objects.count() == 1


def test_a_run_abandoned_long_ago_is_shown_stopped_and_does_not_block_a_refresh(
    client, community, alice, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent = []
    monkeypatch.setattr(tasks.refresh_themes, "delay", lambda *args: sent.append(args))
    long_ago = timezone.now() - timedelta(hours=3)
    AnalysisRun.objects.create(
        community=community,
        kind=RunKind.POSTS,
        state=RunState.RUNNING,
        started_at=long_ago,
        created_at=long_ago,
    )
    client.force_login(alice)
    assert '<span class="badge badge-danger">Stopped</span>' in _page(client)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(u("analysis_refresh"))

    assert len(sent) == 1 and AnalysisRun.objects.filter(state=RunState.QUEUED).count() == 1


def test_a_refresh_that_fails_shows_its_error_and_frees_the_button(
    client, community, alice, discussion, fake_nlp, django_capture_on_commit_callbacks
):
    _posts(discussion, ["The staff were lovely."])
    fake_nlp.fail_next.append(ValueError("model exploded"))
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(u("analysis_refresh"))

    states = dict(community.analysis_runs.values_list("kind", "state"))
    assert states == {"themes": "failed", "posts": "failed"}
    page = _page(client)
    assert page.count("ValueError: model exploded") == 2
    assert 'hx-trigger="every 2s"' not in page


@pytest.mark.parametrize("persona", ["bob", "carol", "eve", "mallory"])
def test_it_refuses_the_page_the_refresh_and_the_progress_to_everyone_but_this_communitys_moderators(
    request, client, community, alice, persona, django_capture_on_commit_callbacks
):
    client.force_login(request.getfixturevalue(persona))

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(u("analysis_refresh")).status_code == 404
    assert client.get(u("analysis")).status_code == 404
    assert client.get(u("analysis_progress")).status_code == 404
    assert not AnalysisRun.objects.exists()


def test_a_signed_out_visitor_is_sent_to_sign_in(client, community):
    assert client.get(u("analysis")).status_code == 302
    assert client.post(u("analysis_refresh")).status_code == 302
    assert not AnalysisRun.objects.exists()


def test_the_page_costs_the_same_queries_with_more_runs_and_posts(
    client, community, alice, discussion, fake_nlp
):
    def grow(n):
        posts = _posts(discussion, ["The staff were lovely."] * n + ["12345", "$$$"])
        services.analysis_run_for_posts(community=community, post_ids=[p.pk for p in posts[1:]])
        for _ in range(n):
            services.analysis_run_for_themes(community=community)
        AnalysisRun.objects.create(community=community, kind=RunKind.POSTS, state=RunState.RUNNING)

    client.force_login(alice)
    grow(1)
    with CaptureQueriesContext(connection) as few:
        _page(client)
        client.get(u("analysis_progress"))
    grow(12)
    with CaptureQueriesContext(connection) as many:
        page = _page(client)
        client.get(u("analysis_progress"))

    assert len(many.captured_queries) == len(few.captured_queries)
    assert page.count("<tr>") == 1 + 10  # the header and the ten latest runs


def test_moderators_reach_the_page_from_the_tabs_and_the_coding_page(client, community, alice, carol):
    client.force_login(alice)
    link = f'<a href="{u("analysis")}"'
    assert link in client.get(u("coding")).content.decode()
    assert f'{link} aria-current="page">Analysis</a>' in _page(client)
    assert f'<a href="{u("analysis")}">next refresh</a>' in client.get(u("coding")).content.decode()

    client.force_login(carol)
    assert link not in client.get(u("themes")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_in_process_mode_publishes_at_once_and_analyses_on_the_background_thread(
    client, community, alice, bob, discussion, fake_nlp, settings, monkeypatch
):
    settings.VERBATIM = {**settings.VERBATIM, "ANALYSIS_IN_BACKGROUND": True}
    release = threading.Event()
    enrich = fake_nlp.enrich

    def slow_enrich(texts, **kwargs):
        assert release.wait(10), "the test never let the analysis go on"
        return enrich(texts, **kwargs)

    monkeypatch.setattr(services, "_enrich_texts", slow_enrich)
    client.force_login(bob)
    try:
        response = client.post(
            reverse("post_create", args=["acme", discussion.pk]), {"body": "The app is slow."}
        )

        # Back to the participant while the analysis still waits: nothing analysed yet.
        assert response.status_code == 302
        assert not PostAnalysis.objects.exists()
    finally:
        release.set()
        tasks.in_process_tasks_wait(timeout=10)
    assert PostAnalysis.objects.get().sentiment == "negative"
