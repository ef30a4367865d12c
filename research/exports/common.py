"""What a reader may see of a post: the one place exports and the API decide names and text.

The post filters every insight shares (published posts, segments, brand mentions) are reads:
they live in `research.selectors`."""

from __future__ import annotations

import hashlib

from community.models import Membership, Post

# Shown to clients instead of a post the analyzer has not redacted yet (or since an edit):
# the original may hold names, emails or phone numbers a client must never read.
PENDING_REDACTION = "[text withheld until personal details are removed]"

# Spreadsheet apps run cells starting with these as formulas (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def sees_originals(reader: Membership) -> bool:
    """Only researchers read real names and the original words."""
    return reader.is_moderator


def _hash(text: str) -> str:
    # Same digest as research.services.text_hash; duplicated to keep exports free of services.
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def post_text_for(reader: Membership, post: Post) -> str:
    """The post's words as `reader` may read them. `post.analysis` should be select_related."""
    if sees_originals(reader):
        return post.body
    analysis = getattr(post, "analysis", None) if _has_analysis(post) else None
    if analysis is None or analysis.text_hash != _hash(post.body):
        # No redaction yet, or the post was edited since: the stored redaction is not of this text.
        return PENDING_REDACTION if post.body.strip() else ""
    if not analysis.redacted_text and post.body.strip():
        return PENDING_REDACTION
    return analysis.redacted_text


def _has_analysis(post: Post) -> bool:
    try:
        return post.analysis is not None
    except Post.analysis.RelatedObjectDoesNotExist:
        return False


def analysis_of(post: Post):
    """The post's PostAnalysis or None, without raising."""
    return post.analysis if _has_analysis(post) else None


def author_name_for(reader: Membership, author: Membership) -> str:
    """Moderators see real names (with the pseudonym); everyone else the pseudonym.
    `author.user` should be select_related when the reader is a moderator."""
    return author.display_name_for(reader)


def phrase_for(reader: Membership, post: Post, phrase: str) -> str:
    """A phrase cut from the original text (e.g. the relevance phrase): clients get it only when
    it survives redaction word for word, so no personal detail can leak through it."""
    if not phrase or sees_originals(reader):
        return phrase
    text = post_text_for(reader, post)
    return phrase if text != PENDING_REDACTION and phrase in text else ""


def safe_cell(value):
    """Neutralise spreadsheet formulas in text cells with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value
