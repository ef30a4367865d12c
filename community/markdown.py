"""Markdown to safe HTML, for posts and discussion prompts.

Two layers: Python-Markdown with its raw-HTML handling switched off (so typed
`<script>` comes out as text), then nh3 with a short allow-list as the real
guarantee: whatever Markdown emits, only these tags, attributes and URL schemes
survive.

Redaction markers ([NAME], [PHONE] ... from community.pii) are always text: clients and
participants read copies of posts with personal details replaced by them, and Markdown would
otherwise read a line such as "[PHONE]: evenings" as a link reference definition and drop it,
or "[NAME](...)" as a link. Their brackets are swapped for private-use characters before
Markdown runs and put back before nh3 sees the HTML.
"""

from __future__ import annotations

import re
import threading

import markdown as _markdown
import nh3

from community.pii import PLACEHOLDERS

ALLOWED_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Dropped together with their content rather than unwrapped.
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript"}

# The markers redaction writes (community.pii.apply_redactions falls back to [REDACTED]).
MARKERS = frozenset({*PLACEHOLDERS.values(), "[REDACTED]"})
_MARKER_NAMES = "|".join(sorted(re.escape(m[1:-1]) for m in MARKERS))
_MARKER_RE = re.compile(rf"\[({_MARKER_NAMES})\]")
# Private-use characters: Markdown gives them no meaning, and they are only turned back into
# brackets when they wrap a marker's name, so one typed by a member stays as typed.
_OPEN, _CLOSE = "\ue000", "\ue001"
_SHIELDED_RE = re.compile(rf"{_OPEN}({_MARKER_NAMES}){_CLOSE}")

_local = threading.local()


def _converter() -> _markdown.Markdown:
    # Markdown instances keep state between calls and are not thread-safe: one per thread, reset per use.
    md = getattr(_local, "md", None)
    if md is None:
        md = _markdown.Markdown(extensions=["sane_lists", "nl2br"], output_format="html")
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        _local.md = md
    return md


def render_markdown(text: str) -> str:
    """Sanitised HTML for `text` (Markdown). Safe to mark_safe() in templates."""
    if not text:
        return ""
    md = _converter()
    try:
        html = md.convert(_shield_markers(text))
    finally:
        md.reset()
    return nh3.clean(
        _unshield_markers(html),
        tags=ALLOWED_TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
    )


def _shield_markers(text: str) -> str:
    """`text` with the brackets of redaction markers hidden from Markdown (see the module's note)."""
    if "[" not in text:
        return text
    return _MARKER_RE.sub(rf"{_OPEN}\1{_CLOSE}", text)


def _unshield_markers(html: str) -> str:
    if _OPEN not in html:
        return html
    return _SHIELDED_RE.sub(r"[\1]", html)
