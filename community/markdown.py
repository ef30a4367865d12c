"""Markdown to safe HTML, for posts and discussion prompts.

Two layers: Python-Markdown with its raw-HTML handling switched off (so typed
`<script>` comes out as text), then nh3 with a short allow-list as the real
guarantee: whatever Markdown emits, only these tags, attributes and URL schemes
survive.
"""

from __future__ import annotations

import threading

import markdown as _markdown
import nh3

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
        html = md.convert(text)
    finally:
        md.reset()
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
    )
