"""Keeping stored client text redacted under the community's current roster.

Analysis is skipped while a post's text and the analyzer version are unchanged,
so a name that joins the roster later (a new member, a renamed user, or this
feature's first deploy) would stay in text analysed before. `posts_redact_again`
re-applies the roster to what is stored, without re-running the NLP: redaction
only ever adds [NAME] markers, so applying it twice changes nothing. It runs
when the roster changes (community.roster.roster_changed), from the periodic
reconciler, and from `manage.py redact_again`; each community remembers the
roster fingerprint last applied, so an unchanged roster costs one cache read.

An erasure cannot wait for that: from the moment it commits, the erased member's name
is no longer a member's, and the client copies of other people's posts that name them
must already be redacted by the erased-name hashes. `posts_redact_erased` re-applies the
roster to just those posts inside the erasure's transaction (community.roster.names_erased).

A member's name that is also an everyday word ("Will", "May", "Hope") is spared where the
sentence's parse uses it as that word ("Will report back", "In May I..."): `everyday_words_spared`
parses just the texts holding such a name, capitalised. The erasure's pass has no parse (it runs
in the web request) and redacts them all, the safer error.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from community.markdown import render_markdown
from community.models import Post
from community.roster import Roster, roster_build, roster_for
from research.models import PostAnalysis

_APPLIED_KEY = "research:roster-applied:{}"
_T = TypeVar("_T")


def everyday_words_spared(roster: Roster, texts: Sequence[str]) -> list[frozenset[tuple[int, int]]]:
    """Per text, the (start, end) of members' everyday-word names the parse reads as the word,
    for `Roster.redact`'s `spare`. Only texts holding such a name, capitalised, are parsed."""
    spared: list[frozenset[tuple[int, int]]] = [frozenset()] * len(texts)
    candidates = {n: roster.everyday_spans(text) for n, text in enumerate(texts) if text}
    todo = [n for n, spans in candidates.items() if spans]
    if not todo:
        return spared
    from research.analysis.pipeline import everyday_word_spans, get_nlp

    nlp = get_nlp(settings.VERBATIM["SPACY_MODEL"])
    docs = nlp.pipe((texts[n] for n in todo), batch_size=settings.VERBATIM["ANALYSIS_NLP_BATCH"])
    for n, doc in zip(todo, docs, strict=True):
        spared[n] = everyday_word_spans(doc, candidates[n])
    return spared


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def posts_redact_again(*, community_id: int, force: bool = False) -> int:
    """Redact the roster's names out of the community's stored analyses and client copies.

    Returns how many rows changed. Unless `force`, does nothing when the roster is the one last
    applied. Each change is a conditional UPDATE on the text it was computed from, so an
    analysis or edit landing meanwhile is never overwritten with older text.
    """
    roster = roster_for(community_id)
    key = _APPLIED_KEY.format(community_id)
    if not force and cache.get(key) == roster.fingerprint:
        return 0
    changed = _redact_analyses(community_id, roster, parse=True) + _redact_client_copies(
        community_id, roster, parse=True
    )
    cache.set(key, roster.fingerprint, None)
    return changed


def posts_redact_erased(*, community_id: int, post_ids: list[int]) -> int:
    """Redact the roster (read from the database, so it holds what the caller's transaction just
    wrote) out of the stored analyses and client copies of `post_ids`; returns how many changed.
    Theme labels and summaries are words of that text: a change refreshes them after commit."""
    if not post_ids:
        return 0
    roster = roster_build(community_id)
    changed = 0
    for start in range(0, len(post_ids), 500):
        chunk = post_ids[start : start + 500]
        changed += _redact_analyses(community_id, roster, chunk) + _redact_client_copies(
            community_id, roster, chunk
        )
    if changed:
        transaction.on_commit(lambda: _refresh_themes(community_id))
    return changed


def _refresh_themes(community_id: int) -> None:
    from research import services

    services.themes_refresh_soon(community_id=community_id)


def _redact_analyses(
    community_id: int, roster: Roster, post_ids: list[int] | None = None, *, parse: bool = False
) -> int:
    changed = 0
    rows = PostAnalysis.objects.filter(community_id=community_id)
    if post_ids is not None:
        rows = rows.filter(post_id__in=post_ids)
    rows = rows.values_list("pk", "redacted_text")
    for batch in _batches(rows.iterator(chunk_size=2000), 2000):
        texts = [text for _, text in batch]
        spared = everyday_words_spared(roster, texts) if parse else [()] * len(texts)
        for (pk, text), spare in zip(batch, spared, strict=True):
            redacted = roster.redact(text, spare=spare)
            if redacted != text:
                changed += PostAnalysis.objects.filter(pk=pk, redacted_text=text).update(
                    redacted_text=redacted
                )
    return changed


def _redact_client_copies(
    community_id: int, roster: Roster, post_ids: list[int] | None = None, *, parse: bool = False
) -> int:
    """Re-render the client copy of posts whose words hold a member's name, as
    research.services._store_client_text and community's render_client_html write it."""
    changed = 0
    posts = Post.objects.filter(community_id=community_id)
    if post_ids is not None:
        posts = posts.filter(pk__in=post_ids)
    posts = posts.select_related("author__user", "analysis").only(
        "id",
        "body",
        "client_body_html",
        "author__is_imported",
        "author__user__first_name",
        "author__user__last_name",
        "analysis__redacted_text",
        "analysis__text_hash",
    )
    for batch in _batches(posts.iterator(chunk_size=500), 500):
        named = [post for post in batch if roster.spans(post.body)]
        sources = [_client_source(post) for post in named]
        spared = everyday_words_spared(roster, sources) if parse else [()] * len(sources)
        for post, source, spare in zip(named, sources, spared, strict=True):
            author = post.author
            names = () if author.is_imported else (author.user.first_name, author.user.last_name)
            html = render_markdown(roster.redact_for_clients(source, names=names, spare=spare))
            if html != post.client_body_html:
                changed += Post.objects.filter(pk=post.pk, body=post.body).update(client_body_html=html)
    return changed


def _client_source(post: Post) -> str:
    """The analysis' redaction when it is of the post's current text, else the post itself."""
    analysis = getattr(post, "analysis", None)
    # Only an analysed text has a redaction (a warm-up's post keeps its own though not analysable).
    current = analysis is not None and analysis.redacted_text and analysis.text_hash == _hash(post.body)
    return analysis.redacted_text if current else post.body


def _batches(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    batch: list[_T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
