"""Themes: identity across refreshes, researcher curation kept, unpublished posts drop out."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.http import Http404

from community.events import announce_post_event
from community.models import PostStatus
from research import selectors, services
from research.models import Code, Theme, ThemePost
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, MembershipFactory, PostFactory
from tests.research import fakes

fake_nlp = fakes.fake_nlp

BODIES = [
    "The staff were lovely.",
    "The staff were rude to me.",
    "The staff are friendly.",
    "The app forgets my size.",
    "The app is slow.",
    "The price is good value.",
]


@pytest.fixture
def discussion(community):
    return DiscussionFactory(community=community)


def _publish(discussion, bodies, author=None):
    posts = [
        PostFactory(discussion=discussion, body=b, **({"author": author} if author else {})) for b in bodies
    ]
    services.posts_analyze(post_ids=[p.pk for p in posts])
    return posts


def _labels(community):
    return {t.display_label: t.post_count for t in selectors.themes_for_scope(community=community)}


def test_it_builds_themes_with_counts_sentiment_mix_and_quotes(community, discussion, fake_nlp):
    posts = _publish(discussion, BODIES)

    services.themes_refresh(community=community)

    staff = Theme.objects.get(community=community, label="the staff")
    assert (staff.post_count, staff.participant_count) == (3, 3)
    assert staff.sentiment_mix == {"positive": 2, "negative": 1, "neutral": 0}
    assert "3 posts from 3 participants" in staff.summary
    quotes = ThemePost.objects.filter(theme=staff, is_quote=True).order_by("quote_rank")
    assert [q.post_id for q in quotes] == [p.pk for p in posts[:3]]
    assert _labels(community) == {"the staff": 3, "the app": 2, "the price": 1}


def test_it_keeps_a_themes_identity_and_the_researchers_rename_across_refreshes(
    community, discussion, fake_nlp
):
    _publish(discussion, BODIES)
    services.themes_refresh(community=community)
    staff = Theme.objects.get(label="the staff")
    services.theme_rename(theme=staff, label="Front-of-house staff")

    _publish(discussion, ["The staff were great."])
    services.themes_refresh(community=community)

    staff_after = Theme.objects.get(pk=staff.pk)
    assert staff_after.key == staff.key
    assert staff_after.display_label == "Front-of-house staff"
    assert staff_after.post_count == 4
    assert Theme.objects.filter(community=community).count() == 3


def test_it_keeps_hidden_and_merged_themes_so_across_a_refresh(community, discussion, fake_nlp):
    _publish(discussion, BODIES)
    services.themes_refresh(community=community)
    staff = Theme.objects.get(label="the staff")
    app = Theme.objects.get(label="the app")
    price = Theme.objects.get(label="the price")
    services.theme_merge(theme=price, into=app)
    services.theme_set_hidden(theme=staff, hidden=True)

    services.themes_refresh(community=community)

    assert _labels(community) == {"the app": 3}
    app.refresh_from_db()
    assert app.post_count == 3
    assert Theme.objects.get(pk=price.pk).merged_into_id == app.pk
    assert Theme.objects.get(pk=staff.pk).is_hidden


def test_it_retires_a_theme_that_is_no_longer_found_and_revives_its_rename(community, discussion, fake_nlp):
    (price_post,) = _publish(discussion, ["The price is good value."])
    _publish(discussion, BODIES[:2])
    services.themes_refresh(community=community)
    price = Theme.objects.get(label="the price")
    services.theme_rename(theme=price, label="Value for money")

    price_post.status = PostStatus.REMOVED
    price_post.save(update_fields=["status"])
    services.themes_refresh(community=community)
    assert "Value for money" not in _labels(community)
    assert Theme.objects.get(pk=price.pk).retired_at is not None

    _publish(discussion, ["What a price!"])
    services.themes_refresh(community=community)
    assert _labels(community)["Value for money"] == 1


def test_it_drops_a_hidden_post_from_themes_when_the_hide_event_arrives(
    community, discussion, fake_nlp, django_capture_on_commit_callbacks
):
    posts = _publish(discussion, BODIES)
    services.themes_refresh(community=community)
    rude = posts[1]

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        rude.status = PostStatus.HIDDEN
        rude.save(update_fields=["status"])
        announce_post_event(
            post_id=rude.pk, community_id=community.pk, discussion_id=discussion.pk, kind="hidden"
        )

    staff = Theme.objects.get(label="the staff")
    assert staff.post_count == 2
    assert staff.sentiment_mix["negative"] == 0
    assert not ThemePost.objects.filter(post=rude).exists()
    # Still excluded after a full refresh, and its analysis kept in case it is restored.
    services.themes_refresh(community=community)
    assert not ThemePost.objects.filter(post=rude).exists()
    assert rude.analysis.pk


def test_it_erases_the_analysis_of_a_post_its_author_deleted(
    community, discussion, fake_nlp, django_capture_on_commit_callbacks
):
    (post,) = _publish(discussion, ["The staff were lovely."])

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        post.status = PostStatus.DELETED
        post.save(update_fields=["status"])
        announce_post_event(
            post_id=post.pk, community_id=community.pk, discussion_id=discussion.pk, kind="deleted"
        )

    post.refresh_from_db()
    assert not hasattr(post, "analysis")


def test_it_puts_a_newly_published_post_into_existing_themes_without_a_refit(
    community, discussion, fake_nlp, django_capture_on_commit_callbacks, monkeypatch
):
    _publish(discussion, BODIES)
    services.themes_refresh(community=community)
    refits = []
    monkeypatch.setattr(services, "_build_themes", lambda *a, **k: refits.append(1) or [])

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        post = PostFactory(discussion=discussion, body="The app forgets my basket, bad.")
        announce_post_event(
            post_id=post.pk, community_id=community.pk, discussion_id=discussion.pk, kind="published"
        )

    app = Theme.objects.get(label="the app")
    assert app.post_count == 3
    assert app.sentiment_mix["negative"] == 3
    assert ThemePost.objects.filter(theme=app, post=post).exists()
    assert refits == []


def test_it_moves_an_edited_post_to_the_theme_it_now_talks_about(
    community, discussion, fake_nlp, django_capture_on_commit_callbacks
):
    posts = _publish(discussion, BODIES)
    services.themes_refresh(community=community)
    post = posts[0]

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        post.body = "Actually the food was the best part."
        post.save(update_fields=["body"])
        announce_post_event(
            post_id=post.pk, community_id=community.pk, discussion_id=discussion.pk, kind="edited"
        )

    assert Theme.objects.get(label="the staff").post_count == 2
    # No food theme exists until the next refresh; the post is simply in no theme yet.
    assert not ThemePost.objects.filter(post=post).exists()
    services.themes_refresh(community=community)
    assert _labels(community)["the food"] == 1


def test_it_builds_themes_for_one_discussion_and_one_segment_separately(community, fake_nlp):
    first = DiscussionFactory(community=community)
    second = DiscussionFactory(community=community)
    app_user = MembershipFactory(community=community, segments=["app users"])
    _publish(first, BODIES[:3])
    _publish(second, BODIES[3:5], author=app_user)

    services.themes_refresh(community=community, discussion=first)
    services.themes_refresh(community=community, segment="app users")

    assert {
        t.label for t in selectors.themes_for_scope(community=community, scope_key=f"discussion:{first.pk}")
    } == {"the staff"}
    assert {
        t.label for t in selectors.themes_for_scope(community=community, scope_key="segment:app users")
    } == {"the app"}
    assert not selectors.themes_for_scope(community=community).exists()


def test_it_refuses_a_scope_that_mixes_discussion_and_segment(community, discussion):
    with pytest.raises(ValueError, match="one of"):
        services.themes_refresh(community=community, discussion=discussion, segment="x")


def test_it_links_a_theme_to_the_code_that_guided_it(community, discussion, fake_nlp, monkeypatch):
    code = services.code_create(
        community=community,
        name="Sizing",
        description="Clothes that do not fit",
        examples=["forgets my size"],
    )
    seen_codes = []

    def build(docs, *, codes, previous, max_themes, brands=()):
        seen_codes.extend(codes)
        results = fake_nlp.build(docs, codes=codes, previous=previous, max_themes=max_themes)
        for result in results:
            if result.label == "the app":
                result.code_key = codes[0].key
        return results

    monkeypatch.setattr(services, "_build_themes", build)
    _publish(discussion, BODIES)
    services.themes_refresh(community=community)

    assert [(c.name, c.examples) for c in seen_codes] == [("Sizing", ("forgets my size",))]
    assert Theme.objects.get(label="the app").code == code
    assert Code.objects.get().themes.count() == 1


def test_it_lists_themes_with_quotes_in_constant_queries(
    community, discussion, fake_nlp, django_assert_num_queries
):
    _publish(discussion, BODIES[:2])
    services.themes_refresh(community=community)
    with django_assert_num_queries(2):
        few = [
            (t.display_label, [q.post.analysis.redacted_text for q in t.quotes])
            for t in selectors.themes_for_scope(community=community)
        ]

    _publish(discussion, BODIES + ["The food was good.", "Delivery was slow."])
    services.themes_refresh(community=community)
    with django_assert_num_queries(2):
        many = [
            (
                t.display_label,
                t.code,
                [(q.post.author.pseudonym, q.post.analysis.redacted_text) for q in t.quotes],
            )
            for t in selectors.themes_for_scope(community=community)
        ]
    assert len(many) > len(few)


def test_it_shows_themes_to_moderators_and_clients_but_not_participants_or_outsiders(
    community, discussion, fake_nlp, alice, bob, carol, eve
):
    _publish(discussion, BODIES)
    services.themes_refresh(community=community)
    theme = Theme.objects.get(label="the staff")

    assert selectors.get_theme_for_member(membership_of(alice, community), theme.pk) == theme
    assert selectors.get_theme_for_member(membership_of(carol, community), theme.pk) == theme
    with pytest.raises(Http404):
        selectors.get_theme_for_member(membership_of(bob, community), theme.pk)
    with pytest.raises(Http404):
        selectors.get_theme_for_member(eve.memberships.get(), theme.pk)
    services.theme_set_hidden(theme=theme, hidden=True)
    with pytest.raises(Http404):
        selectors.get_theme_for_member(membership_of(carol, community), theme.pk)


def test_it_builds_themes_for_a_date_range_and_assigns_only_posts_inside_it(community, discussion, fake_nlp):
    from datetime import UTC, datetime

    january = datetime(2026, 1, 10, tzinfo=UTC)
    march = datetime(2026, 3, 10, tzinfo=UTC)
    old = PostFactory(discussion=discussion, body="The staff were lovely.", created_at=january)
    new = PostFactory(discussion=discussion, body="The staff were rude.", created_at=march)
    services.posts_analyze(post_ids=[old.pk, new.pk])

    themes = services.themes_refresh(
        community=community,
        date_from=datetime(2026, 1, 1, tzinfo=UTC),
        date_to=datetime(2026, 1, 31, tzinfo=UTC),
    )
    (staff,) = themes
    assert staff.scope == "dates"
    assert list(staff.memberships.values_list("post_id", flat=True)) == [old.pk]

    later = PostFactory(discussion=discussion, body="The staff again.", created_at=march)
    services.posts_analyze(post_ids=[later.pk])
    services.themes_assign_posts(post_ids=[later.pk])
    assert not staff.memberships.filter(post=later).exists()


def test_it_reads_the_latest_run_in_one_query(community, fake_nlp, django_assert_num_queries):
    PostFactory(discussion=DiscussionFactory(community=community), body="The staff.")
    services.analysis_run_for_posts(community=community)
    services.analysis_run_for_themes(community=community)

    with django_assert_num_queries(1):
        run = selectors.analysis_run_latest(community=community)
    assert run.kind == "themes"
    with django_assert_num_queries(1):
        assert selectors.analysis_run_latest(community=community, kind="posts").kind == "posts"


def test_a_community_refresh_also_refreshes_the_scopes_researchers_asked_for(community, discussion, fake_nlp):
    _publish(discussion, BODIES[:3])
    services.themes_refresh(community=community, discussion=discussion)
    _publish(discussion, ["The app is slow."])

    services.themes_refresh_community(community=community)

    in_discussion = selectors.themes_for_scope(community=community, scope_key=f"discussion:{discussion.pk}")
    assert {t.label: t.post_count for t in in_discussion} == {"the staff": 3, "the app": 1}
    assert _labels(community) == {"the staff": 3, "the app": 1}


def test_a_themes_posts_list_quotes_first_in_constant_queries(
    community, discussion, fake_nlp, django_assert_num_queries
):
    posts = _publish(discussion, BODIES + ["The staff again.", "The staff, once more."])
    services.themes_refresh(community=community)
    staff = Theme.objects.get(label="the staff")

    with django_assert_num_queries(1):
        rows = [
            (m.post_id, m.is_quote, m.post.author.pseudonym, m.post.analysis.redacted_text)
            for m in selectors.theme_posts(theme=staff)
        ]

    assert [r[0] for r in rows] == [posts[0].pk, posts[1].pk, posts[2].pk, posts[6].pk, posts[7].pk]
    assert [r[1] for r in rows] == [True, True, True, False, False]


# --- Real labels and quotes through the refresh, on a gym's community ---

GYM_ASPECTS = {"shower": "showers", "instructor": "instructors", "locker": "lockers"}
GYM_OPINIONS = {"cold": "negative", "broken": "negative", "friendly": "positive", "fine": "neutral"}
GYM_BODIES = [
    "The showers were cold again after spin.",
    "Cold showers every single morning this week.",
    "Honestly the showers are cold and nobody fixes them.",
    "Showers were cold, I went home sweaty.",
    "I love the pool but the showers are cold.",
    "The instructors are friendly and patient.",
    "Friendly instructors, even at six in the morning.",
    "The instructors were friendly to my nervous dad.",
    "Our instructors are friendly and they learn names.",
    "The instructors seem fine, nothing special.",
    "The lockers are broken on the top row.",
    "Broken lockers again, I carried my bag around.",
    "Two lockers were broken and the key one jammed.",
    "Half the lockers are broken since March.",
    "The lockers were broken and staff shrugged.",
]


@pytest.fixture
def gym_nlp(fake_nlp, monkeypatch):
    """The fake enrichment with a gym's words and what is said of them; the real theme builder."""
    from research.analysis.themes import build_themes

    def enrich(texts, *, lexicon):
        out = fake_nlp.enrich(texts, lexicon=lexicon)
        for text, result in zip(texts, out, strict=True):
            words = set(re.findall(r"[a-z]+", text.lower()))
            aspects = [a for a, written in GYM_ASPECTS.items() if written in words or a in words]
            opinions = [o for o in GYM_OPINIONS if o in words]
            result.terms = aspects + [f"{a}~{o}" for a in aspects for o in opinions]
            result.sentiment = next((GYM_OPINIONS[o] for o in opinions), "neutral")
        return out

    monkeypatch.setattr(services, "_enrich_texts", enrich)
    monkeypatch.setattr(
        services,
        "_build_themes",
        lambda docs, *, codes, previous, max_themes, brands=(): build_themes(
            docs, codes=codes, previous=previous, max_themes=max_themes, brands=brands
        ),
    )
    return fake_nlp


def test_a_refresh_labels_themes_with_what_people_say_and_keeps_them(community, discussion, gym_nlp):
    _publish(discussion, GYM_BODIES)
    services.themes_refresh(community=community)
    assert _labels(community) == {"Cold showers": 5, "Friendly instructors": 5, "Broken lockers": 5}

    lockers = Theme.objects.get(label="Broken lockers")
    services.theme_rename(theme=lockers, label="Locker repairs")
    _publish(discussion, ["The lockers are broken, still."])
    services.themes_refresh(community=community)
    assert _labels(community) == {"Cold showers": 5, "Friendly instructors": 5, "Locker repairs": 6}
    # The analysis label stays what it was, under the researcher's name.
    lockers.refresh_from_db()
    assert lockers.label == "Broken lockers"


def test_a_refresh_keeps_the_analysis_label_while_it_still_describes_the_theme(
    community, discussion, gym_nlp
):
    _publish(discussion, GYM_BODIES)
    services.themes_refresh(community=community)
    showers = Theme.objects.get(label="Cold showers")

    # More shower posts, most now saying "fine": a fresh analysis would call them "Fine showers",
    # but "cold" is still what the theme typically says, so the dashboard keeps its label.
    more = ["The showers are fine now.", "Showers were fine today.", "The showers seem fine."] * 2
    _publish(discussion, [*more, "The lockers are broken.", "Broken lockers.", "The lockers were broken."])
    services.themes_refresh(community=community)
    showers.refresh_from_db()
    assert (showers.label, showers.post_count) == ("Cold showers", 11)
    assert _labels(community) == {"Cold showers": 11, "Friendly instructors": 5, "Broken lockers": 8}

    # The same posts analysed afresh (no history) would be named differently.
    Theme.objects.all().delete()
    services.themes_refresh(community=community)
    assert "Fine showers" in _labels(community)


def test_a_refresh_writes_the_communitys_brand_names_in_labels(community, discussion, gym_nlp, monkeypatch):
    enrich = services._enrich_texts

    def with_brand(texts, *, lexicon):
        out = enrich(texts, lexicon=lexicon)
        for text, result in zip(texts, out, strict=True):
            if "acme stores lockers" in text.lower():
                result.terms = [*result.terms, "acme stores locker"]
        return out

    monkeypatch.setattr(services, "_enrich_texts", with_brand)
    # People type the brand in lower case; the community spells it "ACME Stores".
    _publish(
        discussion,
        [
            *GYM_BODIES,
            *[f"The acme stores lockers {w} this week." for w in ("jam", "stick", "creak", "rattle")],
        ],
    )
    services.themes_refresh(community=community)
    assert "ACME Stores lockers" in _labels(community)


def test_a_refresh_picks_quotes_from_different_people(community, discussion, gym_nlp):
    _publish(discussion, GYM_BODIES)
    services.themes_refresh(community=community)
    for theme in Theme.objects.filter(community=community):
        quotes = ThemePost.objects.filter(theme=theme, is_quote=True).select_related("post")
        assert 3 <= len(quotes) <= 5
        assert len({q.post.author_id for q in quotes}) == len(quotes)
        assert sorted(q.quote_rank for q in quotes) == list(range(len(quotes)))


def test_the_dashboard_quotes_the_sentences_about_the_theme(community, discussion, fake_nlp):
    from research.dashboard_selectors import DashboardFilters, dashboard_themes

    ramble = (
        "I joined in January after my knee operation and it has been a long road back. "
        "My physio suggested swimming, so I mostly use the pool in the mornings before work. "
        "The staff were rude to me when my card did not scan at the gate. "
        "Otherwise the place is clean enough and the car park is rarely full, which matters to me. "
        "I will probably renew in the summer if the prices stay where they are now, we will see."
    )
    _publish(discussion, [ramble, "The staff were lovely.", "The staff are friendly."])
    services.themes_refresh(community=community)

    rows = dashboard_themes(community=community, filters=DashboardFilters(), total_participants=3)
    staff = next(r for r in rows if r.theme.label == "the staff")
    texts = [q["text"] for q in staff.quotes]
    long_quote = next(t for t in texts if "rude" in t)
    assert "The staff were rude to me when my card did not scan at the gate." in long_quote
    assert len(long_quote) < len(ramble) and long_quote.startswith("…")
    assert "The staff were lovely." in texts


def test_a_moderators_posts_are_neither_counted_in_themes_nor_quoted(community, discussion, gym_nlp, alice):
    moderator = membership_of(alice, community)
    assert moderator.is_moderator
    prompt = PostFactory(
        discussion=discussion,
        author=moderator,
        body="Are the showers cold for everyone, or just in the mornings?",
    )
    services.posts_analyze(post_ids=[prompt.pk])
    _publish(discussion, GYM_BODIES)
    services.themes_refresh(community=community)

    showers = Theme.objects.get(community=community, label="Cold showers")
    assert (showers.post_count, showers.participant_count) == (5, 5)
    assert not ThemePost.objects.filter(post=prompt).exists()

    services.themes_assign_posts(post_ids=[prompt.pk])
    assert not ThemePost.objects.filter(post=prompt).exists()


def test_the_theme_builder_knows_the_question_each_post_answers(community, fake_nlp, monkeypatch):
    trip = DiscussionFactory(community=community, title="Welcome", prompt="Tell us about your last trip.")
    other = DiscussionFactory(community=community, title="Store versus app", prompt="")
    answers = _publish(trip, ["My last trip was for a lamp."])
    elsewhere = _publish(other, ["The app is slow."])
    seen = {}

    def build(docs, **kwargs):
        seen.update({d.key: d.prompt for d in docs})
        return fake_nlp.build(docs, **kwargs)

    monkeypatch.setattr(services, "_build_themes", build)
    services.themes_refresh(community=community)

    # The builder discounts words a post's own question asked about (research.analysis.themes).
    assert seen == {
        str(answers[0].pk): "Welcome\n\nTell us about your last trip.",
        str(elsewhere[0].pk): "Store versus app",
    }
