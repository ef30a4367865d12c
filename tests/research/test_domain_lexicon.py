"""A community's learned lexicon, through the product: learned, stored, used and versioned.

The community here talks about a phone app, with words the general lexicon does not
score ("janky", "snappy"); the real spaCy pipeline parses it (a few seconds).
"""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.models import Post, PostStatus, Role
from research import selectors, services, tasks
from research.domain_services import analysis_version, domain_lexicon_learn
from research.models import DomainLexiconRecord, PostAnalysis
from tests.factories import CommunityFactory, DiscussionFactory, MembershipFactory

SUBJECTS = ("the app", "the new update", "the checkout screen", "the camera", "the sync", "the search")
NEGATIVE = ("frustrating", "annoying", "awful", "terrible", "useless")
POSITIVE = ("great", "lovely", "excellent", "helpful", "nice")


def _app_talk(count: int, *, slow: str = "janky", fast: str = "snappy") -> list[str]:
    """`count` posts mixing app parts with known and unknown evaluative words."""
    templates = (
        "Honestly {s} is {slow} and {neg}.",
        "{S} is {fast} and {pos}.",
        "{S} felt {slow} and {neg} today.",
        "I think {s} is {pos} and {fast} now.",
        "{S} is {pos}.",
        "{S} is {neg}.",
        "We opened {s} twice this week.",
    )
    combos = itertools.product(templates, SUBJECTS, zip(NEGATIVE, POSITIVE, strict=True))
    texts = []
    for template, subject, (neg, pos) in itertools.islice(itertools.cycle(combos), count):
        texts.append(
            template.format(s=subject, S=subject.capitalize(), slow=slow, fast=fast, neg=neg, pos=pos)
        )
    return texts


def _publish(community, texts, *, role=Role.PARTICIPANT) -> list[Post]:
    discussion = DiscussionFactory(community=community)
    authors = [MembershipFactory(community=community, role=role) for _ in range(3)]
    return Post.objects.bulk_create(
        [
            Post(community=community, discussion=discussion, author=authors[n % 3], body=text, body_html=text)
            for n, text in enumerate(texts)
        ]
    )


def _analyse(community) -> services.AnalyzeResult:
    due = selectors.posts_needing_analysis(community=community, version=services.analyzer_version())
    return services.posts_analyze(post_ids=due)


@pytest.fixture
def app_community(db):
    community = CommunityFactory(slug="phone-app", brand_name="Pocketly")
    _publish(community, _app_talk(240))
    return community


def test_a_community_learns_its_own_words_and_its_posts_are_scored_with_them(app_community):
    learned = domain_lexicon_learn(app_community)

    record = DomainLexiconRecord.objects.get(community=app_community)
    assert (learned.changed, learned.parsed, learned.sample) == (True, True, 240)
    assert record.words["janky"] < 0 < record.words["snappy"]
    assert record.learned_from == 240

    # Posts using only the learned words: neutral to the general lexicon, scored here.
    janky, snappy = _publish(app_community, ["The map is janky.", "The map is snappy."])
    small = CommunityFactory(slug="small")
    general = _publish(small, ["The map is janky.", "The map is snappy."])
    _analyse(app_community)
    _analyse(small)

    version = f"{services.analyzer_version()}+{record.fingerprint[:8]}"
    assert PostAnalysis.objects.get(post=janky).sentiment == "negative"
    assert PostAnalysis.objects.get(post=snappy).sentiment == "positive"
    assert PostAnalysis.objects.get(post=janky).analyzer_version == version
    assert [PostAnalysis.objects.get(post=p).sentiment for p in general] == ["neutral", "neutral"]
    assert PostAnalysis.objects.get(post=general[0]).analyzer_version == services.analyzer_version()


def test_the_same_lexicon_analyses_nothing_again_and_learning_again_parses_nothing(app_community):
    domain_lexicon_learn(app_community)
    first = _analyse(app_community)
    assert first.written == 240
    before = dict(PostAnalysis.objects.values_list("pk", "analysed_at"))

    again = domain_lexicon_learn(app_community)
    assert (again.changed, again.parsed) == (False, False)
    assert (
        selectors.posts_needing_analysis(community=app_community, version=services.analyzer_version()) == []
    )
    ids = list(Post.objects.filter(community=app_community).values_list("pk", flat=True))
    # One read of the posts (with the lexicon's fingerprint), one of their records: nothing written.
    with CaptureQueriesContext(connection) as queries:
        result = services.posts_analyze(post_ids=ids)
    assert len(queries) == 2
    assert (result.written, result.unchanged) == (0, 240)
    assert dict(PostAnalysis.objects.values_list("pk", "analysed_at")) == before


def test_a_changed_lexicon_makes_the_posts_due_and_the_refresh_analyses_them_again(app_community):
    domain_lexicon_learn(app_community)
    _analyse(app_community)
    old = DomainLexiconRecord.objects.get(community=app_community).fingerprint

    # The conversation moves on: a new word, said the way the community says its complaints.
    _publish(app_community, _app_talk(120, slow="choppy"))
    tasks.refresh_themes(app_community.pk)

    record = DomainLexiconRecord.objects.get(community=app_community)
    assert record.fingerprint != old
    assert record.words["choppy"] < 0
    assert record.learned_from == 360
    versions = set(
        PostAnalysis.objects.filter(community=app_community).values_list("analyzer_version", flat=True)
    )
    assert versions == {analysis_version(services.analyzer_version(), record.fingerprint)}
    assert PostAnalysis.objects.filter(community=app_community).count() == 360
    assert (
        selectors.posts_needing_analysis(community=app_community, version=services.analyzer_version()) == []
    )


def test_a_lexicon_stored_elsewhere_makes_only_that_communitys_posts_due(app_community):
    domain_lexicon_learn(app_community)
    _analyse(app_community)
    DomainLexiconRecord.objects.filter(community=app_community).update(
        words={"janky": -1.0}, fingerprint="0123456789ab"
    )

    due = selectors.posts_needing_analysis(version=services.analyzer_version())

    assert len(due) == 240
    result = services.posts_analyze(post_ids=due)
    assert result.written == 240
    assert set(PostAnalysis.objects.values_list("analyzer_version", flat=True)) == {
        f"{services.analyzer_version()}+01234567"
    }


def test_below_the_minimum_there_is_no_lexicon(db):
    community = CommunityFactory(slug="tiny")
    _publish(community, _app_talk(150))
    # Moderators' prompts are not the community's voice and do not count towards the minimum.
    _publish(community, _app_talk(100), role=Role.MODERATOR)

    learned = domain_lexicon_learn(community)
    _analyse(community)

    assert (learned.changed, learned.parsed, learned.sample) == (False, False, 150)
    assert not DomainLexiconRecord.objects.exists()
    assert set(PostAnalysis.objects.values_list("analyzer_version", flat=True)) == {
        services.analyzer_version()
    }


def test_a_community_that_shrinks_below_the_minimum_goes_back_to_the_general_lexicon(app_community):
    domain_lexicon_learn(app_community)
    _analyse(app_community)
    hidden = Post.objects.filter(community=app_community).order_by("pk").values_list("pk", flat=True)[:100]
    Post.objects.filter(pk__in=list(hidden)).update(status=PostStatus.HIDDEN)

    learned = domain_lexicon_learn(app_community)

    assert (learned.changed, learned.sample) == (True, 140)
    assert DomainLexiconRecord.objects.get(community=app_community).fingerprint == ""
    result = _analyse(app_community)
    assert result.written == 140
    assert set(
        PostAnalysis.objects.filter(post__status=PostStatus.PUBLISHED).values_list(
            "analyzer_version", flat=True
        )
    ) == {services.analyzer_version()}


def test_the_refresh_learns_again_only_once_enough_new_posts_came_in(app_community, settings):
    settings.VERBATIM = {**settings.VERBATIM, "DOMAIN_LEXICON_RELEARN_PERCENT": 10}
    domain_lexicon_learn(app_community)
    learned_at = DomainLexiconRecord.objects.get(community=app_community).learned_at

    # 23 new posts are under 10% of the 240 learned from: the scheduled refresh does not parse them.
    _publish(app_community, _app_talk(23, slow="choppy"))
    assert domain_lexicon_learn(app_community, relearn_percent=10).parsed is False
    tasks.refresh_themes(app_community.pk)
    assert DomainLexiconRecord.objects.get(community=app_community).learned_at == learned_at

    # One more makes 24, 10%: learned again, from the latest posts.
    _publish(app_community, _app_talk(1, slow="choppy"))
    again = domain_lexicon_learn(app_community, relearn_percent=10)
    assert (again.parsed, again.sample) == (True, 264)
    # Managing the analysis by hand always learns from the current sample (unless it is the same).
    assert domain_lexicon_learn(app_community).parsed is False


def test_analysing_after_learning_parses_each_post_once_and_scores_it_the_same(
    app_community, monkeypatch, settings
):
    from research.analysis import pipeline

    # A sample of the latest 200: the 40 oldest posts are analysed without having been learned from.
    settings.VERBATIM = {**settings.VERBATIM, "DOMAIN_LEXICON_SAMPLE": 200}
    real = pipeline.get_nlp()
    parsed: list[str] = []

    class CountingNLP:
        def __getattr__(self, name):
            return getattr(real, name)

        def pipe(self, texts, *, batch_size=64):
            texts = list(texts)
            parsed.extend(texts)
            return real.pipe(texts, batch_size=batch_size)

    monkeypatch.setattr(pipeline, "get_nlp", lambda *args, **kwargs: CountingNLP())
    learned = domain_lexicon_learn(app_community, keep_parses=True)
    assert (learned.parsed, learned.sample, len(learned.parses)) == (True, 200, len(set(_app_talk(240)[40:])))

    due = selectors.posts_needing_analysis(community=app_community, version=services.analyzer_version())
    services.analysis_run_for_posts(community=app_community, post_ids=due, parsed=learned.parses)

    # The sample (the latest 200) was parsed for learning; the analysis parsed only those of the
    # 40 older posts whose text the sample did not have (the same text has the same parse).
    talk = _app_talk(240)
    older, sample = talk[:40], set(talk[40:])
    assert sorted(parsed[:200]) == sorted(talk[40:])
    assert parsed[200:] == [t for t in older if t not in sample]
    assert len(parsed) == 210
    fields = ("post_id", "sentiment", "sentiment_score", "aspects", "terms", "analyzer_version")
    reused = sorted(PostAnalysis.objects.values_list(*fields))
    assert len(reused) == 240

    # Parsing everything afresh gives the very same records.
    PostAnalysis.objects.all().delete()
    services.posts_analyze(post_ids=due)
    assert sorted(PostAnalysis.objects.values_list(*fields)) == reused
    assert len(parsed) == 210 + 240
