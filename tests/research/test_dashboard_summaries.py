"""The analysis' summary columns the dashboard counts with, and the charts it keeps drawn."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from research import charts, services
from research.analysis.types import PERCEPTION_DIMENSIONS, BrandMention, DimensionSignal, PostEnrichment
from research.models import PostAnalysis, summary_columns
from tests.factories import DiscussionFactory, PostFactory
from tests.research import fakes
from tests.research.insights_data import seed

fake_nlp = fakes.fake_nlp
pytestmark = pytest.mark.django_db

NO_DIMENSIONS = {f"{d}_polarity": "" for d in PERCEPTION_DIMENSIONS}


def signal(dimension, polarity, score=0.5):
    return {"dimension": dimension, "polarity": polarity, "score": score, "phrase": "x"}


def mention(brand):
    return {"brand": brand, "is_competitor": False, "sentiment": "neutral", "phrase": brand}


def test_it_summarises_one_polarity_per_dimension_and_each_brand_once():
    columns = summary_columns(
        dimensions=[signal("trust", "negative"), signal("value", "positive")],
        mentions=[mention("Southgate"), mention("Acme"), mention("Southgate")],
    )
    assert columns == {
        **NO_DIMENSIONS,
        "trust_polarity": "negative",
        "value_polarity": "positive",
        "mentioned_brands": "\nAcme\nSouthgate\n",
    }


def test_it_keeps_the_strongest_signal_and_leaves_out_what_it_cannot_read():
    columns = summary_columns(
        dimensions=[
            signal("trust", "positive", 0.2),
            signal("trust", "negative", -0.7),
            signal("trust", "neutral", 0.1),
            signal("loyalty", "positive"),
            signal("value", "furious"),
        ],
        mentions=[mention(""), mention("Two\nlines"), {"phrase": "no brand"}],
    )
    assert columns == {**NO_DIMENSIONS, "trust_polarity": "negative", "mentioned_brands": ""}
    assert summary_columns(dimensions=None, mentions=None) == {**NO_DIMENSIONS, "mentioned_brands": ""}


def test_it_writes_the_summary_with_each_analysis_and_rewrites_it_on_edit(community, fake_nlp, monkeypatch):
    def enrich(texts, *, lexicon):
        return [
            PostEnrichment(
                analysable=True,
                dimensions=[DimensionSignal("privacy", "negative", -0.6, "sells my data")]
                if "data" in text
                else [DimensionSignal("service", "positive", 0.5, "quick")],
                mentions=[
                    BrandMention(b, b != "Acme", "neutral", b) for b in ("Acme", "Southgate") if b in text
                ],
                redacted_text=text,
            )
            for text in texts
        ]

    monkeypatch.setattr(services, "_enrich_texts", enrich)
    post = PostFactory(discussion=DiscussionFactory(community=community), body="Acme was quick.")
    services.posts_analyze(post_ids=[post.pk])
    record = PostAnalysis.objects.get(post=post)
    assert (record.service_polarity, record.privacy_polarity, record.mentioned_brands) == (
        "positive",
        "",
        "\nAcme\n",
    )

    post.body = "Southgate sells my data, Acme too."
    post.edited_at = record.analysed_at.replace(year=record.analysed_at.year + 1)
    post.save(update_fields=["body", "edited_at"])
    services.posts_analyze(post_ids=[post.pk])
    record.refresh_from_db()
    assert (record.service_polarity, record.privacy_polarity) == ("", "negative")
    assert record.mentioned_brands == "\nAcme\nSouthgate\n"


def test_the_migration_fills_the_summary_of_analyses_stored_before_it(community):
    discussion, posts, _ = seed(community, n=2)
    PostAnalysis.objects.filter(post=posts[0]).update(
        dimensions=[signal("quality", "positive"), signal("consistency", "negative")],
        mentions=[mention("Acme"), mention("Southgate")],
    )
    # As the rows stood before the migration: JSON only, blank summary columns.
    PostAnalysis.objects.update(**NO_DIMENSIONS, mentioned_brands="")
    migration = importlib.import_module("research.migrations.0002_dashboard_summaries")
    migration.fill_summaries(django_apps, None)

    for record in PostAnalysis.objects.all():
        expected = summary_columns(dimensions=record.dimensions, mentions=record.mentions)
        assert {f: getattr(record, f) for f in expected} == expected
    first = PostAnalysis.objects.get(post=posts[0])
    assert (first.quality_polarity, first.consistency_polarity) == ("positive", "negative")
    assert first.mentioned_brands == "\nAcme\nSouthgate\n"
    assert PostAnalysis.objects.get(post=posts[1]).service_polarity == "negative"


def test_the_model_has_a_column_for_every_dimension_the_analyzer_knows():
    from research.analysis.types import PERCEPTION_DIMENSIONS
    from research.models import DIMENSION_POLARITY_FIELDS

    names = {f.name for f in PostAnalysis._meta.get_fields()}
    assert set(DIMENSION_POLARITY_FIELDS) == set(PERCEPTION_DIMENSIONS)
    assert set(DIMENSION_POLARITY_FIELDS.values()) <= names


def main_part(html: str) -> str:
    """The page's content, without the per-request CSRF token of the header."""
    return html[html.index("<main") :]


def test_it_draws_each_chart_once_while_the_numbers_stay_the_same(client, community, carol, monkeypatch):
    seed(community, n=3)
    drawn = []
    real = charts.sparkline

    def counting_sparkline(points, *, label):
        drawn.append(label)
        return real(points, label=label)

    counting_sparkline.__qualname__ = real.__qualname__
    monkeypatch.setattr(charts, "sparkline", counting_sparkline)
    client.force_login(carol)
    url = reverse("research:dashboard", args=["acme"])
    first, second = (main_part(client.get(url).content.decode()) for _ in range(2))
    assert drawn == ["late delivery"]
    assert "<polyline" in first and first == second

    seed(community, n=1, key="app")  # new numbers: the new theme's trend is drawn, the old one kept
    client.get(url)
    assert drawn == ["late delivery", "app"]


def test_every_chart_on_the_dashboard_has_its_own_ids(client, community, carol):
    seed(community, n=3)
    seed(community, n=2, key="app")
    client.force_login(carol)
    html = client.get(reverse("research:dashboard", args=["acme"])).content.decode()
    ids = re.findall(r'<title id="([^"]+)"', html)
    assert len(ids) >= 6 and len(ids) == len(set(ids))
    assert html.count("<figure") == len(ids)
