"""Tasks: queued by post events after commit, idempotent, retried on transient errors, reconciled."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import OperationalError, transaction
from django.utils import timezone

from community.events import announce_post_event
from community.models import Post
from research import services, tasks
from research.models import PostAnalysis, Theme
from tests.factories import DiscussionFactory, PostFactory
from tests.research import fakes

fake_nlp = fakes.fake_nlp


def test_it_analyses_a_post_once_its_publishing_transaction_commits(
    community, fake_nlp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        post = PostFactory(discussion=DiscussionFactory(community=community), body="The staff were lovely.")
        announce_post_event(
            post_id=post.pk, community_id=community.pk, discussion_id=post.discussion_id, kind="published"
        )
    assert not PostAnalysis.objects.exists()

    for callback in callbacks:
        callback()

    assert PostAnalysis.objects.get(post=post).sentiment == "positive"


def test_it_can_run_the_same_task_twice_without_writing_twice(community, fake_nlp):
    post = PostFactory(discussion=DiscussionFactory(community=community), body="The app is slow.")

    first = tasks.analyze_posts.delay([post.pk]).get()
    second = tasks.analyze_posts.delay([post.pk]).get()

    assert first == {"written": 1, "unchanged": 0}
    assert second == {"written": 0, "unchanged": 1}
    assert fake_nlp.enriched == ["The app is slow."]


@pytest.fixture
def retries_in_process():
    # Eager tasks propagate errors (settings); turned off here, Celery runs its real retry
    # path in-process, as a worker would (minus the backoff wait).
    conf = tasks.analyze_posts.app.conf
    conf.update(task_eager_propagates=False)
    yield
    conf.update(task_eager_propagates=True)


def test_it_retries_after_a_transient_database_error(community, fake_nlp, retries_in_process):
    post = PostFactory(discussion=DiscussionFactory(community=community), body="The app is slow.")
    fake_nlp.fail_next.extend(
        [OperationalError("database is locked"), OperationalError("database is locked")]
    )

    result = tasks.analyze_posts.apply(args=[[post.pk]])

    assert result.get() == {"written": 1, "unchanged": 0}
    assert PostAnalysis.objects.filter(post=post).exists()
    assert fake_nlp.fail_next == []


def test_it_stops_retrying_after_the_maximum(community, fake_nlp, retries_in_process):
    post = PostFactory(discussion=DiscussionFactory(community=community), body="The app is slow.")
    fake_nlp.fail_next.extend([OperationalError("down")] * 10)

    result = tasks.analyze_posts.apply(args=[[post.pk]])

    assert isinstance(result.result, OperationalError)
    assert len(fake_nlp.fail_next) == 10 - 1 - tasks.analyze_posts.max_retries
    assert not PostAnalysis.objects.exists()


def test_a_failing_analysis_does_not_fail_the_publishing_request(
    community, fake_nlp, django_capture_on_commit_callbacks
):
    fake_nlp.fail_next.append(RuntimeError("model exploded"))

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        post = PostFactory(discussion=DiscussionFactory(community=community), body="The app is slow.")
        announce_post_event(
            post_id=post.pk, community_id=community.pk, discussion_id=post.discussion_id, kind="published"
        )

    assert not PostAnalysis.objects.exists()
    assert tasks.reconcile_analysis.delay().get() == 1


def test_it_does_not_retry_errors_that_are_not_transient(community, fake_nlp, retries_in_process):
    post = PostFactory(discussion=DiscussionFactory(community=community), body="The app is slow.")
    fake_nlp.fail_next.extend([ValueError("bug"), ValueError("bug")])

    result = tasks.analyze_posts.apply(args=[[post.pk]])

    assert isinstance(result.result, ValueError)
    assert len(fake_nlp.fail_next) == 1
    assert not PostAnalysis.objects.exists()


def test_the_reconciler_queues_only_posts_lacking_a_current_analysis(community, fake_nlp):
    discussion = DiscussionFactory(community=community)
    done = PostFactory(discussion=discussion, body="The staff were lovely.")
    services.posts_analyze(post_ids=[done.pk])
    # Published while the broker was down: no task ever ran for these.
    missed = [PostFactory(discussion=discussion, body=f"The food {i}") for i in range(3)]
    fake_nlp.enriched.clear()

    queued = tasks.reconcile_analysis.delay().get()

    assert queued == 3
    assert sorted(fake_nlp.enriched) == sorted(p.body for p in missed)
    assert tasks.reconcile_analysis.delay().get() == 0


def test_the_reconciler_requeues_posts_analysed_by_an_older_version(community, fake_nlp):
    post = PostFactory(discussion=DiscussionFactory(community=community), body="The staff were lovely.")
    services.posts_analyze(post_ids=[post.pk])

    fake_nlp.version = "fake-2"

    assert tasks.reconcile_analysis.delay().get() == 1
    assert PostAnalysis.objects.get(post=post).analyzer_version == "fake-2"


def test_the_reconciler_requeues_a_post_edited_after_its_analysis(community, fake_nlp):
    post = PostFactory(discussion=DiscussionFactory(community=community), body="The staff were lovely.")
    services.posts_analyze(post_ids=[post.pk])
    # The edit event was lost (broker down): only the edit time tells.
    Post.objects.filter(pk=post.pk).update(body="The staff were rude.", edited_at=timezone.now())

    assert tasks.reconcile_analysis.delay().get() == 1

    assert PostAnalysis.objects.get(post=post).sentiment == "negative"


def test_it_debounces_theme_refreshes_per_community(community, fake_nlp, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued = []
    monkeypatch.setattr(
        tasks.refresh_themes, "apply_async", lambda args, countdown: queued.append((args, countdown))
    )
    cache.clear()

    assert services.themes_refresh_soon(community_id=community.pk) is True
    assert services.themes_refresh_soon(community_id=community.pk) is False

    assert queued == [([community.pk], settings.VERBATIM["THEME_REFRESH_DEBOUNCE_SECONDS"])]


def test_the_refresh_task_records_a_run_and_builds_themes(community, fake_nlp):
    post = PostFactory(discussion=DiscussionFactory(community=community), body="The staff were lovely.")
    services.posts_analyze(post_ids=[post.pk])

    run_id = tasks.refresh_themes.delay(community.pk).get()

    run = community.analysis_runs.get(pk=run_id)
    assert (run.kind, run.state, run.percent) == ("themes", "done", 100)
    assert Theme.objects.filter(community=community, label="the staff").exists()


def test_the_beat_schedule_runs_the_reconciler_and_the_refresh(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"research.tasks.reconcile_analysis", "research.tasks.refresh_all_themes"} <= tasks_scheduled
