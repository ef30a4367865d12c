"""Model rules the database enforces and the small properties pages rely on."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from research.models import AnalysisRun, Code, CodedExcerpt, PostAnalysis, Theme
from tests.factories import DiscussionFactory, PostFactory


def test_a_run_reports_its_progress_as_a_percentage(community):
    run = AnalysisRun(community=community, kind="posts", state="running", total=8, done=2)
    assert run.percent == 25
    assert not run.is_finished
    run.state = "done"
    assert (run.percent, run.is_finished) == (100, True)
    assert AnalysisRun(community=community, kind="themes", total=0).percent == 0


def test_a_researchers_label_wins_over_the_generated_one(community):
    theme = Theme(community=community, key="k", label="staff, waiter and service")
    assert theme.display_label == "staff, waiter and service"
    theme.researcher_label = "Front-of-house"
    assert str(theme) == "Front-of-house"


def test_a_post_has_at_most_one_analysis(community):
    post = PostFactory(discussion=DiscussionFactory(community=community))
    PostAnalysis.objects.create(post=post, community=community, analyzer_version="1", text_hash="h")
    with pytest.raises(IntegrityError), transaction.atomic():
        PostAnalysis.objects.create(post=post, community=community, analyzer_version="1", text_hash="h")


def test_a_theme_key_is_unique_within_its_scope_only(community):
    Theme.objects.create(community=community, key="staff", label="staff")
    Theme.objects.create(
        community=community, key="staff", label="staff", scope="discussion", scope_key="discussion:1"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Theme.objects.create(community=community, key="staff", label="other")


def test_a_coded_excerpt_must_end_after_it_starts(community, alice):
    post = PostFactory(discussion=DiscussionFactory(community=community))
    code = Code.objects.create(community=community, name="Sizing")
    CodedExcerpt.objects.create(post=post, code=code, start=0, end=5, text="The s", coder=alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        CodedExcerpt.objects.create(post=post, code=code, start=5, end=5, text="", coder=alice)


def test_code_names_are_unique_in_a_community(community, other_community):
    Code.objects.create(community=community, name="Sizing")
    Code.objects.create(community=other_community, name="Sizing")
    with pytest.raises(IntegrityError), transaction.atomic():
        Code.objects.create(community=community, name="Sizing")
