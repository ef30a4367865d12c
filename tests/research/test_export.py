"""export_analysis: one JSON line per published post, in the format score.py reads."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from community.models import PostStatus
from research import selectors, services
from research.models import Theme
from tests.factories import DiscussionFactory, PostFactory
from tests.research import fakes

fake_nlp = fakes.fake_nlp


@pytest.fixture
def analysed(community, fake_nlp):
    discussion = DiscussionFactory(community=community)
    posts = [
        PostFactory(discussion=discussion, body="The staff were lovely to me.", imported_id="x-1"),
        PostFactory(discussion=discussion, body="The app is slow and the price is bad.", imported_id="x-2"),
        PostFactory(discussion=discussion, body="The staff were rude."),
        PostFactory(discussion=discussion, body="   "),
    ]
    services.posts_analyze(post_ids=[p.pk for p in posts])
    services.themes_refresh(community=community)
    return posts


def _export(tmp_path, **kwargs):
    out = tmp_path / "out.jsonl"
    call_command("export_analysis", community="acme", format="jsonl", output=str(out), **kwargs)
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_it_writes_one_line_per_post_with_themes_sentiment_relevance_and_dimensions(
    community, analysed, tmp_path
):
    rows = _export(tmp_path)

    assert rows[0] == {
        "id": "x-1",
        "themes": ["the staff"],
        "sentiment": "positive",
        "relevance": "relevant",
        "dimensions": {},
    }
    assert rows[1] == {
        "id": "x-2",
        "themes": ["the app"],
        "sentiment": "negative",
        "relevance": "neutral",
        "dimensions": {"value": "negative"},
    }
    # Posts without an imported id are exported by their own id; unanalysable ones without labels.
    assert rows[2]["id"] == str(analysed[2].pk)
    assert rows[3] == {
        "id": str(analysed[3].pk),
        "themes": [],
        "sentiment": None,
        "relevance": None,
        "dimensions": {},
    }


def test_it_leaves_hidden_posts_out_of_the_export(community, analysed, tmp_path):
    hidden = analysed[0]
    hidden.status = PostStatus.HIDDEN
    hidden.save(update_fields=["status"])

    ids = [row["id"] for row in _export(tmp_path)]

    assert "x-1" not in ids
    assert len(ids) == 3


def test_it_exports_the_researchers_label_and_leaves_out_hidden_themes(community, analysed, tmp_path):
    services.theme_rename(theme=Theme.objects.get(label="the staff"), label="Friendly people")
    services.theme_set_hidden(theme=Theme.objects.get(label="the app"), hidden=True)

    rows = {row["id"]: row for row in _export(tmp_path)}

    assert rows["x-1"]["themes"] == ["Friendly people"]
    assert rows["x-2"]["themes"] == []


def test_it_writes_to_stdout_without_an_output_file(community, analysed, capsys):
    call_command("export_analysis", community="acme", format="jsonl")

    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    assert json.loads(lines[0])["id"] == "x-1"


def test_it_refuses_an_unknown_community(db, tmp_path):
    with pytest.raises(CommandError, match="no community with slug 'nope'"):
        call_command("export_analysis", community="nope", format="jsonl")


def test_it_reads_the_export_in_two_queries_however_many_posts(
    community, analysed, fake_nlp, django_assert_num_queries
):
    with django_assert_num_queries(2):
        few = list(selectors.export_rows(community=community))
    discussion = DiscussionFactory(community=community)
    more = [PostFactory(discussion=discussion, body=f"The food {i} was good.") for i in range(10)]
    services.posts_analyze(post_ids=[p.pk for p in more])
    services.themes_refresh(community=community)

    with django_assert_num_queries(2):
        many = list(selectors.export_rows(community=community))
    assert len(many) == len(few) + 10


def test_it_counts_sentiment_and_dimensions_of_published_posts_only(community, analysed):
    assert selectors.sentiment_counts(community=community) == {"positive": 1, "negative": 2, "neutral": 0}
    assert selectors.dimension_counts(community=community)["value"] == {
        "positive": 0,
        "negative": 1,
        "neutral": 0,
    }
    analysed[1].status = PostStatus.REMOVED
    analysed[1].save(update_fields=["status"])
    assert selectors.sentiment_counts(community=community)["negative"] == 1
    assert selectors.relevance_counts(community=community) == {"relevant": 1, "irrelevant": 0, "neutral": 1}
