"""A post on the coding page: shown as the site shows posts (Markdown, sanitised), coded on its source.

An excerpt's `start` and `end` count characters of `Post.body`, the Markdown the author typed:
that is what the .qdpx export hands to NVivo, ATLAS.ti and MAXQDA and what the server checks a
selection against. The page shows the rendered post instead (no asterisks, no link syntax), so
a selection is made in the rendered text and turned into source offsets through `runs`: stretches
of the rendered text (as the browser's `textContent` reads it) that are characters of the source,
in order, found by walking both once.

The walk: each rendered character is the next source character equal to it (any whitespace
equals any whitespace), skipping only characters that do not render as themselves: Markdown's
punctuation (`*`, `_`, `#`, `>`, `[`, a list's `-`, an ordered list's number) and whole
stretches that never show as their own text (a link's destination and title, a reference
definition, an image, an HTML entity). A rendered character with no such match (an entity's
`©`, a newline the HTML adds between blocks) belongs to no source character: a selection
starting or ending on it moves to the nearest character that has one. One pass over each text,
so a page of long posts costs milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.utils.safestring import SafeString, mark_safe

from community.markdown import render_markdown

# Source stretches that never render as their own characters: never matched, always skipped.
_HIDDEN = re.compile(
    r"!\[[^\]\n]*\]\([^)\n]*\)"  # an image (the sanitiser drops it, alt text and all)
    r"|\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)"  # a link's (url "title")
    r"|\]\[[^\]\n]*\]"  # a reference link's [ref]
    r"|^ {0,3}\[[^\]\n]+\]:[^\n]*"  # a reference definition line
    r"|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);",  # an entity (renders as one other character)
    re.MULTILINE,
)
# An ordered list item's number: skipped when Markdown made a list of it, matched when it stayed text.
_NUMBERS = re.compile(r"^[ \t]*[0-9]+[.)](?=[ \t])", re.MULTILINE)


class _Text(HTMLParser):
    """The text of sanitised HTML as a browser's `textContent` reads it (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def align(text: str, source: str) -> list[int | None]:
    """For each character of `text` (rendered), the index in `source` it shows, or None."""
    hidden = [False] * len(source)
    for match in _HIDDEN.finditer(source):
        hidden[match.start() : match.end()] = [True] * (match.end() - match.start())
    numbered = [False] * len(source)
    for match in _NUMBERS.finditer(source):
        numbered[match.start() : match.end()] = [True] * (match.end() - match.start())
    out: list[int | None] = []
    j = 0
    for ch in text:
        space = ch.isspace()
        k = j
        found = None
        while k < len(source):
            b = source[k]
            if not hidden[k] and (b == ch or (space and b.isspace())):
                found = k
                break
            if not hidden[k] and not numbered[k] and b.isalnum():
                break  # words never vanish: this character is not in the source here
            k += 1
        out.append(found)
        if found is not None:
            j = found + 1
    return out


@dataclass(frozen=True)
class CodingText:
    """A post as the coding page shows it and the map from what is shown back to its source."""

    html: SafeString
    text: str
    source: str
    positions: list[int | None] = field(repr=False)

    @property
    def runs(self) -> list[list[int]]:
        """[rendered start, source start, length] for each stretch shown character for character."""
        runs: list[list[int]] = []
        for i, k in enumerate(self.positions):
            if k is None:
                continue
            if runs and runs[-1][0] + runs[-1][2] == i and runs[-1][1] + runs[-1][2] == k:
                runs[-1][2] += 1
            else:
                runs.append([i, k, 1])
        return runs

    def source_span(self, start: int, end: int) -> tuple[int, int] | None:
        """The source offsets of the rendered characters [start, end), or None when no character
        there is one of the source's (only added whitespace)."""
        inside = [k for k in self.positions[start:end] if k is not None]
        return (inside[0], inside[-1] + 1) if inside else None

    def shown(self, start: int, end: int) -> str:
        """What the page shows of the source characters [start, end): an excerpt as its reader sees it."""
        inside = [i for i, k in enumerate(self.positions) if k is not None and start <= k < end]
        if not inside:
            return self.source[start:end]
        return self.text[inside[0] : inside[-1] + 1]


def coding_text(body: str, body_html: str = "") -> CodingText:
    """`body` as the coding page shows it: the stored rendering (`Post.body_html`, Markdown
    sanitised by nh3 when the post was written) or, without one, rendered here the same way."""
    html = body_html or render_markdown(body)
    text = html_text(html)
    return CodingText(
        html=mark_safe(html),  # sanitised by nh3 (community.markdown)
        text=text,
        source=body,
        positions=align(text, body),
    )
