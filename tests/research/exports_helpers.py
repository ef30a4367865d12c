"""Builders shared by the export and API tests: posts with hand-written analyses, themes and codes,
so each test knows exactly which text is original, redacted, withheld or hidden."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from openpyxl import load_workbook

from community.models import Discussion, Post, PostStatus, Role
from research.models import Code, CodedExcerpt, PostAnalysis, Theme, ThemePost, summary_columns
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, MembershipFactory, PostFactory, UserFactory

# A theme's counts as every reader of them shows them: (participants, posts, positive, neutral, negative).
THEME_COUNT_COLUMNS = ("participants", "posts", "positive", "neutral", "negative")


def themes_workbook_rows(content: bytes) -> list[dict]:
    """The themes workbook's "Themes" sheet, a dict per theme keyed by its header."""
    rows = list(load_workbook(io.BytesIO(content))["Themes"].values)
    header = list(rows[0])
    return [dict(zip(header, values, strict=True)) for values in rows[1:]]


def api_theme_counts(results: list[dict]) -> dict[str, tuple]:
    """Theme label -> THEME_COUNT_COLUMNS, from the API's themes results."""
    return {
        t["label"]: (
            t["participant_count"],
            t["post_count"],
            t["sentiment_mix"]["positive"],
            t["sentiment_mix"]["neutral"],
            t["sentiment_mix"]["negative"],
        )
        for t in results
    }


EMAIL_BODY = "Write to me at bob@example.com, the app is slow and the staff were lovely."
EMAIL_REDACTED = "Write to me at [EMAIL], the app is slow and the staff were lovely."
PHONE_BODY = "Unanalysed: call me on 555 123 4567 about the delivery."
FORMULA_BODY = '=HYPERLINK("http://evil.example","click")'


def analyse(post: Post, *, redacted: str | None = None, **fields) -> PostAnalysis:
    """A PostAnalysis of the post's current text (the hash matches, as the analyzer would write it)."""
    defaults = {
        "analyzer_version": "test-1",
        "text_hash": hashlib.sha256(post.body.encode("utf-8")).hexdigest(),
        "sentiment": "negative",
        "sentiment_score": -0.4,
        "relevance": "relevant",
        "relevance_phrase": "the app is slow",
        "dimensions": [{"dimension": "trust", "polarity": "negative", "score": -0.5, "phrase": "slow"}],
        "mentions": [{"brand": "Acme", "is_competitor": False, "sentiment": "negative", "phrase": "Acme"}],
        "redacted_text": post.body if redacted is None else redacted,
    }
    defaults.update(fields)
    # The summary columns the dashboard and the filters read, written with the lists as the analyzer does.
    defaults.update(summary_columns(dimensions=defaults["dimensions"], mentions=defaults["mentions"]))
    return PostAnalysis.objects.create(post=post, community=post.community, **defaults)


@dataclass
class Corpus:
    discussion: object
    email_post: Post
    formula_post: Post
    unanalysed_post: Post
    stale_post: Post
    hidden_post: Post
    removed_post: Post
    reply_under_hidden: Post
    reply: Post
    theme: Theme
    hidden_theme: Theme
    code: Code


def build_corpus(community, *, alice, bob) -> Corpus:
    bob_m = membership_of(bob, community)
    discussion = DiscussionFactory(community=community, title="Your last visit")
    email_post = PostFactory(discussion=discussion, author=bob_m, body=EMAIL_BODY)
    analyse(email_post, redacted=EMAIL_REDACTED)
    formula_post = PostFactory(discussion=discussion, author=bob_m, body=FORMULA_BODY)
    analyse(formula_post, sentiment="neutral", relevance_phrase="")
    unanalysed_post = PostFactory(discussion=discussion, author=bob_m, body=PHONE_BODY)
    stale_post = PostFactory(discussion=discussion, author=bob_m, body="Edited: my name is Robert Smith.")
    analyse(stale_post, redacted="Old redacted words.")
    Post.objects.filter(pk=stale_post.pk).update(body="Edited: my name is Robert Smith, ring 07700 900123.")
    stale_post.refresh_from_db()
    hidden_post = PostFactory(discussion=discussion, author=bob_m, body="Hidden words about SECRET-HIDDEN.")
    hidden_post.status = PostStatus.HIDDEN
    hidden_post.save(update_fields=["status"])
    analyse(hidden_post)
    removed_post = PostFactory(
        discussion=discussion, author=bob_m, body="Removed SECRET-REMOVED.", status=PostStatus.REMOVED
    )
    reply_under_hidden = PostFactory(
        discussion=discussion, author=bob_m, parent=hidden_post, body="Reply SECRET-UNDER-HIDDEN."
    )
    analyse(reply_under_hidden)
    other = MembershipFactory(
        community=community,
        user=UserFactory(username="zoe", first_name="Zoe", last_name="Real"),
        pseudonym="Misty Fox",
    )
    reply = PostFactory(discussion=discussion, author=other, parent=email_post, body="I agree about the app.")
    analyse(reply, sentiment="positive", sentiment_score=0.3)

    theme = Theme.objects.create(
        community=community,
        key="app",
        label="app",
        researcher_label="The app",
        summary="People find the app slow.",
        participant_count=2,
        post_count=3,
        sentiment_mix={"positive": 1, "negative": 2, "neutral": 0},
    )
    ThemePost.objects.create(theme=theme, post=email_post, is_quote=True, quote_rank=1)
    ThemePost.objects.create(theme=theme, post=unanalysed_post, is_quote=True, quote_rank=2)
    ThemePost.objects.create(theme=theme, post=hidden_post, is_quote=True, quote_rank=3)
    ThemePost.objects.create(theme=theme, post=reply)
    hidden_theme = Theme.objects.create(
        community=community, key="secret", label="SECRET-THEME", is_hidden=True, post_count=1
    )
    ThemePost.objects.create(theme=hidden_theme, post=email_post, is_quote=True, quote_rank=1)

    code = Code.objects.create(community=community, name="App speed", description="Complaints about speed.")
    alice_user = alice
    CodedExcerpt.objects.create(
        post=email_post,
        code=code,
        start=EMAIL_BODY.index("the app"),
        end=EMAIL_BODY.index("the app") + 15,
        text="the app is slow",
        coder=alice_user,
    )
    return Corpus(
        discussion=discussion,
        email_post=email_post,
        formula_post=formula_post,
        unanalysed_post=unanalysed_post,
        stale_post=stale_post,
        hidden_post=hidden_post,
        removed_post=removed_post,
        reply_under_hidden=reply_under_hidden,
        reply=reply,
        theme=theme,
        hidden_theme=hidden_theme,
        code=code,
    )


def add_posts(community, discussion, n: int, *, theme: Theme | None = None, code: Code | None = None) -> None:
    """n more analysed posts by n new participants, each in the theme and coded, to show query
    counts do not grow with rows."""
    for i in range(n):
        author = MembershipFactory(
            community=community, pseudonym=f"Extra {discussion.pk}-{i}-{timezone.now().timestamp()}"
        )
        post = PostFactory(discussion=discussion, author=author, body=f"Extra post {i}: the app is slow.")
        analyse(post)
        if theme is not None:
            ThemePost.objects.create(theme=theme, post=post, is_quote=True, quote_rank=10 + i)
        if code is not None:
            start = post.body.index("the app")
            CodedExcerpt.objects.create(
                post=post, code=code, start=start, end=start + 15, text="the app is slow"
            )


CHECKOUT_BODY = "Call Kim Shop on 020 7946 0000, the till queue at checkout was slow."
CHECKOUT_REDACTED = "Call [NAME] on [PHONE], the till queue at checkout was slow."


def build_checkout(corpus: Corpus) -> tuple[Discussion, Post]:
    """A second discussion with one in-store shopper's post from ten days ago that names Acme and
    its competitor Southgate, in the app theme (so the theme's counts change with the filters)
    and in a theme of its own: every filter tells it apart from the corpus' posts."""
    community = corpus.discussion.community
    discussion = DiscussionFactory(community=community, title="Checkout")
    shopper = MembershipFactory(
        community=community,
        role=Role.PARTICIPANT,
        user=UserFactory(username="kim", first_name="Kim", last_name="Shop", email="kim@example.com"),
        pseudonym="Steady Wren",
        segments=["in-store"],
    )
    post = PostFactory(
        discussion=discussion,
        author=shopper,
        body=CHECKOUT_BODY,
        created_at=timezone.now() - timedelta(days=10),
    )
    analyse(
        post,
        redacted=CHECKOUT_REDACTED,
        mentions=[
            {"brand": "Acme", "is_competitor": False, "sentiment": "negative", "phrase": "Acme"},
            {"brand": "Southgate", "is_competitor": True, "sentiment": "neutral", "phrase": "Southgate"},
        ],
    )
    ThemePost.objects.create(theme=corpus.theme, post=post)
    queue = Theme.objects.create(community=community, key="queue", label="till queues", post_count=1)
    ThemePost.objects.create(theme=queue, post=post, is_quote=True, quote_rank=0)
    return discussion, post
