"""Writes for a community's learned lexicon (research.analysis.domain_polarity).

One lexicon per community, learned from a deterministic sample of its published
participant posts: the latest DOMAIN_LEXICON_SAMPLE by id. Below
DOMAIN_LEXICON_MIN_POSTS there is too little evidence and the general lexicon
is used alone. Posts record the lexicon's fingerprint in their analyzer version
(see `analysis_version`), so a lexicon that changes makes them due again.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from community.models import Community, Post, PostStatus, Role
from research.models import DomainLexiconRecord, domain_version_suffix

logger = logging.getLogger(__name__)


def analysis_version(base: str, fingerprint: str | None) -> str:
    """The version stamped on a post analysed with this lexicon ("" or None: none)."""
    return f"{base}{domain_version_suffix(fingerprint)}" if fingerprint else base


@dataclass(frozen=True)
class LearnResult:
    changed: bool  # the stored lexicon's fingerprint changed: the community's posts are due again
    words: int
    sample: int
    parsed: bool  # False when the sample was too small or the same as last time
    # With `keep_parses`: text -> spaCy Doc of the sample, for the analysis that follows (parse once).
    parses: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


def _participant_posts(community: Community):
    return Post.objects.filter(
        community=community, status=PostStatus.PUBLISHED, author__role=Role.PARTICIPANT
    )


def _sample(community: Community) -> list[tuple[int, str]]:
    """(id, text) of the latest published participant posts, newest first (a deterministic sample)."""
    return list(
        _participant_posts(community)
        .order_by("-pk")
        .values_list("pk", "body")[: settings.VERBATIM["DOMAIN_LEXICON_SAMPLE"]]
    )


def _sample_digest(texts: list[str]) -> str:
    """Same texts, same analyzer: the same lexicon, so there is nothing to learn again."""
    from research.analysis.enrich import ANALYZER_VERSION

    digest = hashlib.sha256(ANALYZER_VERSION.encode())
    for text in texts:
        digest.update(b"\0" + text.encode("utf-8"))
    return digest.hexdigest()


def _learn(texts: list[str], keep: dict[str, Any] | None = None) -> dict[str, float]:
    """The learned words; `keep` (if given) receives text -> parse of the texts enrichment would parse."""
    from research.analysis.domain_polarity import learn_domain_lexicon
    from research.analysis.enrich import DEFAULT_MAX_CHARS
    from research.analysis.pipeline import get_nlp

    nlp = get_nlp(settings.VERBATIM["SPACY_MODEL"])
    # Very long posts are cut; the lexicon is learned from sentences anyway. Enrichment
    # refuses them ("too_long"), so their cut parses are never kept for it.
    docs = list(
        nlp.pipe((t[:DEFAULT_MAX_CHARS] for t in texts), batch_size=settings.VERBATIM["ANALYSIS_NLP_BATCH"])
    )
    if keep is not None:
        keep.update((t, doc) for t, doc in zip(texts, docs, strict=True) if len(t) <= DEFAULT_MAX_CHARS)
    return learn_domain_lexicon(docs).to_json()


def domain_lexicon_learn(
    community: Community, *, relearn_percent: int = 0, keep_parses: bool = False
) -> LearnResult:
    """Learn the community's lexicon from its latest posts and store it if it changed.

    With `relearn_percent`, a community with a lexicon learns again only once its new
    posts since then reach that percentage of the last sample (parsing the sample is
    the cost; a few new posts rarely move a significance test). With `keep_parses`, the
    result holds the sample's parses for `posts_analyze(parsed=...)` to reuse.
    """
    from research.analysis.domain_polarity import DomainLexicon

    record = DomainLexiconRecord.objects.filter(community=community).first()
    old_fingerprint = record.fingerprint if record is not None else ""
    if record is not None and relearn_percent and record.sample_digest:
        new_posts = _participant_posts(community).filter(pk__gt=record.newest_post_id).count()
        if 100 * new_posts < relearn_percent * record.learned_from:
            return LearnResult(
                changed=False, words=len(record.words), sample=record.learned_from, parsed=False
            )
    sample = _sample(community)
    texts = [text for _, text in sample]
    if len(texts) < settings.VERBATIM["DOMAIN_LEXICON_MIN_POSTS"]:
        if old_fingerprint:  # the community shrank (posts hidden or deleted): back to the general lexicon
            DomainLexiconRecord.objects.filter(pk=record.pk).update(
                words={}, fingerprint="", sample_digest="", learned_from=len(texts), learned_at=timezone.now()
            )
        return LearnResult(changed=bool(old_fingerprint), words=0, sample=len(texts), parsed=False)
    digest = _sample_digest(texts)
    if record is not None and record.sample_digest == digest:
        return LearnResult(changed=False, words=len(record.words), sample=len(texts), parsed=False)

    parses: dict[str, Any] = {}
    words = _learn(texts, keep=parses) if keep_parses else _learn(texts)
    # An empty lexicon is stored with no fingerprint: the posts' version stays the plain one.
    fingerprint = DomainLexicon.from_json(words).fingerprint if words else ""
    DomainLexiconRecord.objects.update_or_create(
        community=community,
        defaults={
            "words": words,
            "fingerprint": fingerprint,
            "learned_from": len(texts),
            "sample_digest": digest,
            "newest_post_id": sample[0][0],
            "learned_at": timezone.now(),
        },
    )
    changed = fingerprint != old_fingerprint
    if changed:
        logger.info(
            "Community %s: domain lexicon %r -> %r (%d words from %d posts)",
            community.pk,
            old_fingerprint,
            fingerprint,
            len(words),
            len(texts),
        )
    return LearnResult(changed=changed, words=len(words), sample=len(texts), parsed=True, parses=parses)


def domain_lexicons(community_ids: list[int]) -> dict[int, tuple[str, dict[str, float]]]:
    """(fingerprint, words) of each community with a non-empty learned lexicon; one query."""
    return {
        community_id: (fingerprint, words)
        for community_id, fingerprint, words in DomainLexiconRecord.objects.filter(
            community_id__in=community_ids
        )
        .exclude(fingerprint="")
        .values_list("community_id", "fingerprint", "words")
    }
