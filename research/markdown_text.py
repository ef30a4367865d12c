"""Redacted post text (`PostAnalysis.redacted_text`, the author's Markdown with personal details
replaced) as readers see it: formatted like a post body, or as one line of plain text for a quote.

`redacted_html` renders it as the discussion page renders posts (community.markdown: Markdown,
then nh3), for pages showing whole posts. `plain_text` is the same rendering read as text: no
`*`, `**` or list markers, a link as its words, list items joined with " · ", for quote excerpts
that are cut by length (cut the plain text, never the Markdown, so no marker is left dangling).
Redaction markers such as [NAME] or [PHONE] are kept as typed: community.markdown shields them
(Markdown would otherwise read "[PHONE]: evenings" as a link reference and drop the line).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.utils.safestring import SafeString, mark_safe

from community.markdown import render_markdown

# A line of a paragraph that reads as a list item (Markdown makes a list only after a blank line).
_ITEM = re.compile(r"^(?:[-*+•]|\d{1,3}[.)])\s+")
# Emphasis left unpaired (its partner cut off, or typed alone) at a word's edge: "**the", "absurd.**";
# never between spaces ("5 ** 2") or inside a word.
_STRAY = re.compile(r"(?:(?<!\w)(?:\*{2,3}|_{2,3}|~~)(?=\S))|(?:(?<=\S)(?:\*{2,3}|_{2,3}|~~)(?!\w))")
_ENDS_SENTENCE = (".", ":", "!", "?", "…", ";", ",")
_BLOCKS = {"p", "li", "ul", "ol", "blockquote", "pre", "h3", "h4", "h5", "h6", "hr", "br"}


def redacted_html(text: str) -> SafeString:
    """Redacted Markdown as sanitised HTML (paragraphs, lists, emphasis, links), as posts show."""
    return mark_safe(render_markdown(text or ""))  # sanitised by nh3


class _Lines(HTMLParser):
    """Rendered HTML as (is a list item, text) lines, one per block or line break."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[bool, str]] = []
        self._parts: list[str] = []
        self._item = False

    def _end(self) -> None:
        text = " ".join("".join(self._parts).split())
        if text:
            item = self._item
            found = _ITEM.match(text)
            if found and not item:
                item, text = True, text[found.end() :]
            self.lines.append((item, text))
        self._parts = []
        self._item = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _BLOCKS:
            self._end()
        if tag == "li":
            self._item = True

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self._end()

    def handle_data(self, data: str) -> None:
        self._parts.append(data)

    def close(self) -> None:
        super().close()
        self._end()


def plain_text(text: str) -> str:
    """Redacted Markdown as one line of plain text: formatting removed, a link as its words, list
    items joined with " · " (after a sentence, with a space), nothing left that is HTML."""
    if not text or not text.strip():
        return ""
    parser = _Lines()
    parser.feed(render_markdown(text))
    parser.close()
    out = ""
    last_item = False
    for item, line in parser.lines:
        if out:
            joins_items = item or last_item
            out += " · " if joins_items and not out.endswith(_ENDS_SENTENCE) else " "
        out += line
        last_item = item
    return _STRAY.sub("", out)
