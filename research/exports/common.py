"""What a reader may see of a post: the one place exports and the API decide names and text.

Also the post filters every insight shares (published posts, brand mentions), kept here because
this module imports nothing of research's reads: the dashboard's selectors can use them too."""

from __future__ import annotations

import hashlib
import json

from django.db import connection
from django.db.models import Q, Value
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan

from community.models import Membership, Post, PostStatus
from research.models import brand_token

# Shown to clients instead of a post the analyzer has not redacted yet (or since an edit):
# the original may hold names, emails or phone numbers a client must never read.
PENDING_REDACTION = "[text withheld until personal details are removed]"

# Spreadsheet apps run cells starting with these as formulas (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def published_q(prefix: str = "") -> Q:
    """Published posts not under a hidden or removed parent, as a filter on `prefix` + post fields.

    The same rule as `community.selectors.published_posts`, usable across a join.
    """
    return Q(**{f"{prefix}status": PostStatus.PUBLISHED}) & (
        Q(**{f"{prefix}parent__isnull": True}) | Q(**{f"{prefix}parent__status": PostStatus.PUBLISHED})
    )


def mentions_brand_q(brand: str, field: str = "mentioned_brands") -> Q:
    """Analyses whose post names `brand`, as a Q on the `mentioned_brands` summary column at
    `field` (e.g. "post__analysis__mentioned_brands"), usable in filter() and Count(filter=...).

    The one brand match of the dashboard, the exports and the API, so they count the same posts.
    Exact: the analyzer stores each brand as the community spells it (its lexicon term), and a
    brand typed in another case is read as that spelling before it gets here
    (`research.exports.filters.filter_form`); a longer name ("Acme Stores") never matches "Acme".
    INSTR on SQLite, STRPOS on PostgreSQL: neither folds case, so both backends agree.
    """
    return Q(GreaterThan(StrIndex(field, Value(brand_token(brand))), 0))


def in_segment_q(segment: str, field: str = "author__segments") -> Q:
    """Members in `segment`, as a Q on the JSON list of segments at `field`: the one segment
    match of the dashboard, the exports and the API.

    The list is matched as JSON text with the segment's quotes, so "App" never matches "App
    users". SQLite keeps Django's JSON text, which escapes accented letters ("caf\\u00e9");
    PostgreSQL prints jsonb with the letters themselves: the token is written the same way.
    """
    token = json.dumps(segment, ensure_ascii=connection.vendor != "postgresql")
    return Q(**{f"{field}__icontains": token})


def brand_mentioned(brand: str, mentioned_brands: str | None) -> bool:
    """`mentions_brand_q` in Python, for rows already read (a `mentioned_brands` value)."""
    return brand_token(brand) in (mentioned_brands or "")


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
