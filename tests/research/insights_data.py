"""Synthetic analysed posts and themes for the insights tests (no NLP: rows written directly)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from community.models import DiscussionKind, Role
from community.services.scorecards import scorecard_ensure, scorecard_submit
from research.models import PostAnalysis, Theme, ThemePost, summary_columns
from tests.factories import DiscussionFactory, MembershipFactory, PostFactory

PII_BODY = "Ask Bob Participant at bob.secret@example.com about the delivery, it was slow and rude."
REDACTED = "Ask [NAME] at [EMAIL] about the delivery, it was slow and rude."


def analysed_post(
    *,
    discussion,
    author,
    body=PII_BODY,
    redacted=REDACTED,
    sentiment="negative",
    relevance="irrelevant",
    dimensions=None,
    mentions=None,
    created_at=None,
):
    post = PostFactory(
        discussion=discussion, author=author, body=body, created_at=created_at or timezone.now()
    )
    if dimensions is None:
        dimensions = [
            {"dimension": "service", "polarity": sentiment, "score": -1.0, "phrase": "slow and rude"}
        ]
    if mentions is None:
        mentions = [
            {"brand": "Southgate", "is_competitor": True, "sentiment": "neutral", "phrase": "Southgate"}
        ]
    PostAnalysis.objects.create(
        post=post,
        community=discussion.community,
        analyzer_version="test-1",
        text_hash="x",
        sentiment=sentiment,
        relevance=relevance,
        redacted_text=redacted,
        dimensions=dimensions,
        mentions=mentions,
        # As research.services writes them beside the JSON.
        **summary_columns(dimensions=dimensions, mentions=mentions),
    )
    return post


def theme(community, key, label, posts, *, quotes=2, hidden=False):
    t = Theme.objects.create(
        community=community,
        key=key,
        label=label,
        post_count=len(posts),
        is_hidden=hidden,
        participant_count=len({p.author_id for p in posts}),
        summary=f"{len(posts)} posts about {label}.",
    )
    ThemePost.objects.bulk_create(
        ThemePost(theme=t, post=p, is_quote=i < quotes, quote_rank=i if i < quotes else None)
        for i, p in enumerate(posts)
    )
    return t


def seed(community, *, n=4, segment="app users", author=None, key="delivery"):
    """A discussion with `n` analysed posts by fresh participants, in a 'delivery' theme."""
    discussion = DiscussionFactory(community=community, title="Last delivery")
    posts = []
    now = timezone.now()
    for i in range(n):
        member = author or MembershipFactory(community=community, role=Role.PARTICIPANT, segments=[segment])
        posts.append(
            analysed_post(discussion=discussion, author=member, created_at=now - timedelta(days=i * 3))
        )
    t = theme(community, key, "late delivery" if key == "delivery" else key, posts)
    return discussion, posts, t


def scorecard_answers(discussion, *, participant, client):
    """Participants rate Privacy 8, the client team 20: a gap of 12."""
    card = DiscussionFactory(community=discussion.community, title="Rate us", kind=DiscussionKind.SCORECARD)
    scorecard = scorecard_ensure(discussion=card)
    dims = list(scorecard.dimensions.all())
    scorecard_submit(
        scorecard=scorecard,
        member=participant,
        ratings={d.pk: 8 if d.name == "Privacy" else 12 for d in dims},
    )
    scorecard_submit(
        scorecard=scorecard, member=client, ratings={d.pk: 20 if d.name == "Privacy" else 14 for d in dims}
    )
    return scorecard
