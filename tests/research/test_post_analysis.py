"""Per-post analysis records: idempotent, re-analysed on edit or new version, unpublished skipped."""

from __future__ import annotations

import contextlib

from django.utils import timezone

from community.models import PostStatus
from research import services
from research.models import PostAnalysis
from tests.factories import DiscussionFactory, MembershipFactory, PostFactory, UserFactory
from tests.research import fakes

fake_nlp = fakes.fake_nlp


def _posts(community, bodies, **kwargs):
    discussion = DiscussionFactory(community=community)
    return [PostFactory(discussion=discussion, body=body, **kwargs) for body in bodies]


def test_it_writes_one_record_per_post_with_version_and_hash(community, fake_nlp):
    post, empty = _posts(community, ["The staff were lovely.", "   "])

    result = services.posts_analyze(post_ids=[post.pk, empty.pk])

    assert result.written == 2
    record = PostAnalysis.objects.get(post=post)
    assert record.analyzer_version == "fake-1"
    assert record.text_hash == services.text_hash(post.body)
    assert record.sentiment == "positive"
    assert record.community_id == community.pk
    blank = PostAnalysis.objects.get(post=empty)
    assert (blank.analysable, blank.reason) == (False, "empty")


def test_it_changes_nothing_when_the_same_text_is_analysed_again_with_the_same_version(
    community, fake_nlp, django_assert_num_queries
):
    posts = _posts(community, ["The staff were lovely.", "The app is slow."])
    services.posts_analyze(post_ids=[p.pk for p in posts])
    before = {a.pk: a.analysed_at for a in PostAnalysis.objects.all()}
    fake_nlp.enriched.clear()

    # One read of the posts, one of their records: no NLP, no writes.
    with django_assert_num_queries(2):
        result = services.posts_analyze(post_ids=[p.pk for p in posts])

    assert (result.written, result.unchanged) == (0, 2)
    assert fake_nlp.enriched == []
    assert {a.pk: a.analysed_at for a in PostAnalysis.objects.all()} == before


def test_it_reanalyses_an_edited_post_in_place(community, fake_nlp):
    (post,) = _posts(community, ["The staff were lovely."])
    services.posts_analyze(post_ids=[post.pk])
    record_id = PostAnalysis.objects.get(post=post).pk

    post.body = "The staff were rude."
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "edited_at"])
    result = services.posts_analyze(post_ids=[post.pk])

    record = PostAnalysis.objects.get(post=post)
    assert result.written == 1
    assert record.pk == record_id
    assert record.sentiment == "negative"
    assert record.text_hash == services.text_hash("The staff were rude.")


def test_it_reanalyses_every_post_when_the_analyzer_version_changes(community, fake_nlp):
    posts = _posts(community, ["The staff were lovely.", "The app is slow."])
    services.posts_analyze(post_ids=[p.pk for p in posts])

    fake_nlp.version = "fake-2"
    result = services.posts_analyze(post_ids=[p.pk for p in posts])

    assert result.written == 2
    assert set(PostAnalysis.objects.values_list("analyzer_version", flat=True)) == {"fake-2"}


def test_it_does_not_analyse_posts_that_are_not_published(community, fake_nlp):
    hidden, pending = _posts(community, ["hidden one", "pending one"])
    hidden.status = PostStatus.HIDDEN
    hidden.save(update_fields=["status"])
    pending.status = PostStatus.PENDING
    pending.save(update_fields=["status"])

    result = services.posts_analyze(post_ids=[hidden.pk, pending.pk])

    assert result.written == 0
    assert result.skipped_unpublished == 2
    assert not PostAnalysis.objects.exists()


def test_it_records_a_run_with_progress(community, fake_nlp, settings):
    settings.VERBATIM = {**settings.VERBATIM, "ANALYSIS_CHUNK": 2}
    posts = _posts(community, ["a staff", "b app", "c food", "d price", "e food"])
    seen = []

    run = services.analysis_run_for_posts(community=community, progress=lambda d, t: seen.append((d, t)))

    run.refresh_from_db()
    assert (run.state, run.done, run.total, run.percent) == ("done", 5, 5, 100)
    assert run.started_at and run.finished_at
    assert seen == [(2, 5), (4, 5), (5, 5)]
    assert PostAnalysis.objects.filter(post__in=posts).count() == 5


def test_it_marks_the_run_failed_with_the_error(community, fake_nlp):
    _posts(community, ["The staff"])
    fake_nlp.fail_next.append(RuntimeError("model exploded"))

    with contextlib.suppress(RuntimeError):
        services.analysis_run_for_posts(community=community)

    run = community.analysis_runs.get()
    assert run.state == "failed"
    assert "model exploded" in run.error


def test_clients_then_read_the_analysis_redaction_with_the_authors_own_names_removed(community, fake_nlp):
    author = MembershipFactory(community=community, user=UserFactory(username="zed", first_name="Zedekiah"))
    post = PostFactory(
        discussion=DiscussionFactory(community=community),
        author=author,
        body="Bob told Zedekiah the staff were great, mail me at zed@example.com",
    )

    services.posts_analyze(post_ids=[post.pk])

    post.refresh_from_db()
    assert "[NAME]" in post.client_body_html
    assert "Bob" not in post.client_body_html
    assert "Zedekiah" not in post.client_body_html
    assert "zed@example.com" not in post.client_body_html
    assert post.client_body_html.startswith("<p>")
