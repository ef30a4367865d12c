"""A theme keeps its identity across refreshes: a curated theme follows its posts, a code never
takes over an unrelated theme, a retired theme says so, and the analysis' sentence agrees with
the counts shown beside it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from research import services
from research.analysis.themes import CuratedTheme, _match_previous
from research.analysis.types import PreviousTheme, ThemeResult
from research.models import Theme
from tests.factories import DiscussionFactory, PostFactory
from tests.research import fakes

fake_nlp = fakes.fake_nlp


def _result(key: str, terms: list[str], docs, code_key: str | None = None) -> ThemeResult:
    keys = [str(d) for d in docs]
    return ThemeResult(
        key=key,
        label=" ".join(terms[:2]),
        terms=terms,
        doc_keys=keys,
        participant_count=len(keys),
        sentiment_mix={"positive": 0, "negative": len(keys), "neutral": 0},
        quote_keys=keys[:3],
        code_key=code_key,
    )


def _docs(r) -> tuple[str, ...]:
    return tuple(str(d) for d in r)


def test_a_renamed_theme_follows_the_new_theme_holding_most_of_its_posts_below_the_usual_cut_off():
    previous = [
        CuratedTheme(key="t-courier", terms=("courier", "parcel", "van"), doc_keys=_docs(range(1, 11)))
    ]
    # Half its posts now sit in a theme that grew (new words, many new posts): similarity < 0.2.
    grown = _result("t-new", ["delivery", "slot", "driver"], [*range(1, 6), *range(11, 26)])
    other = _result("t-other", ["refund", "return"], [6, 7, *range(30, 40)])
    _match_previous([grown, other], previous)
    assert (grown.key, other.key) == ("t-courier", "t-other")


def test_an_untouched_theme_keeps_the_usual_cut_off():
    previous = [
        PreviousTheme(key="t-courier", terms=("courier", "parcel", "van"), doc_keys=_docs(range(1, 11)))
    ]
    grown = _result("t-new", ["delivery", "slot", "driver"], [*range(1, 6), *range(11, 26)])
    _match_previous([grown], previous)
    assert grown.key == "t-new"


def test_a_code_guided_theme_does_not_take_over_an_unrelated_theme_key():
    previous = [
        PreviousTheme(key="t-size", terms=("size", "fit", "small", "large"), doc_keys=_docs(range(1, 11)))
    ]
    # A returns code shares two words and a few posts with the old sizing theme, nothing more.
    returns = _result(
        "code-returns", ["return", "refund", "size", "fit"], [5, 6, 7, 8, *range(20, 31)], "returns"
    )
    _match_previous([returns], previous)
    assert returns.key == "code-returns"
    assert returns.matched_previous is None


def test_a_code_guided_theme_keeps_a_theme_whose_posts_it_genuinely_holds():
    previous = [PreviousTheme(key="t-email", terms=("email", "newsletter"), doc_keys=_docs(range(1, 21)))]
    fatigue = _result("code-fatigue", ["message", "inbox"], range(1, 19), "fatigue")
    _match_previous([fatigue], previous)
    assert fatigue.key == "t-email"


def test_an_emergent_theme_never_claims_the_key_of_a_code_still_in_the_codebook():
    previous = [PreviousTheme(key="code-returns", terms=("return", "refund"), doc_keys=_docs(range(1, 11)))]
    code = _result("code-returns", ["return", "label"], range(20, 30), "returns")
    emergent = _result("t-refund", ["refund", "return"], range(1, 11))
    _match_previous([emergent, code], previous)
    assert (code.key, emergent.key) == ("code-returns", "t-refund")


# --- Through a refresh, as the moderator and the client see it ---


@pytest.fixture
def posts(community, fake_nlp):
    discussion = DiscussionFactory(community=community)
    made = [
        PostFactory(discussion=discussion, body=f"The courier left parcel {i} in the rain.")
        for i in range(40)
    ]
    services.posts_analyze(post_ids=[p.pk for p in made])
    return made


def _build_with(monkeypatch, make):
    """The real matching over results chosen by the test, so only identity is under test."""

    def build(docs, *, codes, previous, max_themes, brands=()):
        results = make({d.key for d in docs})
        _match_previous(results, previous)
        return results

    monkeypatch.setattr(services, "_build_themes", build)


def test_a_renamed_theme_survives_two_refreshes_after_its_words_drift(
    monkeypatch, client, community, posts, carol
):
    ids = [p.pk for p in posts]
    _build_with(monkeypatch, lambda known: [_result("t-courier", ["courier", "parcel"], ids[:10])])
    services.themes_refresh(community=community)
    theme = Theme.objects.get(community=community, key="t-courier")
    theme.researcher_label = "Parcels left outside"
    theme.save()

    def drifted(known):
        return [
            _result("t-new", ["delivery", "slot"], [k for k in [*ids[:5], *ids[10:25]] if str(k) in known]),
            _result("t-rain", ["rain", "wet"], ids[30:40]),
        ]

    _build_with(monkeypatch, drifted)
    services.themes_refresh(community=community)
    services.themes_refresh(community=community)

    theme.refresh_from_db()
    assert theme.retired_at is None
    assert theme.display_label == "Parcels left outside"
    assert theme.post_count == 20
    client.force_login(carol)
    assert client.get(reverse("research:theme_detail", args=["acme", theme.pk])).status_code == 200


def test_a_theme_with_no_successor_is_retired_visibly_without_a_stale_summary(
    monkeypatch, client, community, posts, alice, carol
):
    ids = [p.pk for p in posts]
    _build_with(monkeypatch, lambda known: [_result("t-courier", ["courier", "parcel"], ids[:28])])
    services.themes_refresh(community=community)
    theme = Theme.objects.get(community=community, key="t-courier")
    theme.researcher_label = "Parcels left outside"
    theme.save()

    _build_with(monkeypatch, lambda known: [_result("t-rain", ["rain", "wet"], ids[30:40])])
    services.themes_refresh(community=community)

    theme.refresh_from_db()
    assert theme.retired_at is not None
    assert theme.summary == ""
    client.force_login(alice)
    html = client.get(reverse("research:theme_detail", args=["acme", theme.pk])).content.decode()
    assert "This theme was retired" in html
    assert "28 posts" not in html
    listing = client.get(reverse("research:themes", args=["acme"])).content.decode()
    assert "Retired by the latest analysis" in listing
    assert "Parcels left outside" in listing
    client.force_login(carol)
    response = client.get(reverse("research:theme_detail", args=["acme", theme.pk]), follow=True)
    assert response.status_code == 200
    assert "That theme was retired" in response.content.decode()


def test_the_analysis_sentence_agrees_with_the_counts_shown_beside_it(client, community, posts, carol):
    # As after a recount or on a narrower page: the stored sentence is from another count.
    theme = Theme.objects.create(
        community=community,
        scope="community",
        scope_key="community",
        key="t-courier",
        label="Courier",
        post_count=4,
        participant_count=4,
        sentiment_mix={"positive": 0, "negative": 4, "neutral": 0},
        summary="43 posts from 24 participants; 40% positive, 60% negative.",
    )
    client.force_login(carol)
    for url in (
        reverse("research:themes", args=["acme"]),
        reverse("research:theme_detail", args=["acme", theme.pk]),
    ):
        html = client.get(url).content.decode()
        assert "4 posts from 4 participants; 100% negative." in html
        assert "43 posts" not in html
