"""Personal details in free text: the regex half of redaction.

Clients must never read a participant's email address, phone number, web
address or street address. This module finds those by pattern and is used
wherever community code shows text to clients before (or without) the spaCy
analysis, which adds person names from named-entity recognition on top
(research.analysis imports these patterns; community never imports research).
"""

from __future__ import annotations

import re

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
URL_RE = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"')\]]+"
    r"|\b[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.(?:com|org|net|io|co|uk|de|fr|app|info|biz|shop|store)(?:/[^\s<>\"')\]]*)?\b",
    re.IGNORECASE,
)
# International and national forms: +44 20 7946 0958, (555) 123-4567, 555.123.4567, 07700 900123.
PHONE_RE = re.compile(
    r"(?<![\w/])(?:\+\d{1,3}[\s.\-]?)?(?:\(\d{1,4}\)[\s.\-]?)?\d{2,6}(?:[\s.\-]\d{2,6}){1,4}(?![\w/])"
)
STREET_SUFFIXES = (
    "street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|"
    "square|sq|crescent|close|parkway|pkwy|highway|hwy|circle|cir|alley|row|gardens|grove|mews|walk|view"
)
# House number, one to four capitalised words, a street type: "221B Baker Street", "42 Elm Road, Apt 5".
# Only the street type ignores case, so "waited 20 minutes on the way" is not an address.
ADDRESS_RE = re.compile(
    r"\b\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][A-Za-z'\-]*\.?\s+){1,4}(?i:" + STREET_SUFFIXES + r")\b\.?"
    r"(?:,?\s+(?i:apt|apartment|suite|unit|flat|#)\.?\s*\w+)?"
)
PII_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("EMAIL", EMAIL_RE),
    ("URL", URL_RE),
    ("ADDRESS", ADDRESS_RE),
    ("PHONE", PHONE_RE),
)
PLACEHOLDERS = {
    "EMAIL": "[EMAIL]",
    "URL": "[URL]",
    "ADDRESS": "[ADDRESS]",
    "PHONE": "[PHONE]",
    "NAME": "[NAME]",
}


def _phone_like(text: str) -> bool:
    """Separate phone numbers from prices, years and dates the phone pattern also matches."""
    digits = sum(ch.isdigit() for ch in text)
    if digits < 7 or digits > 15:
        return False
    stripped = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", stripped):
        return False
    # "2019-2020" or "10.50" style numbers are not phone numbers.
    return not re.fullmatch(r"\d{1,4}[.\-/]\d{1,4}", stripped)


def merge_spans(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Drop spans overlapping an earlier or longer one; the result is sorted by start."""
    chosen: list[tuple[int, int, str]] = []
    for start, end, label in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if chosen and start < chosen[-1][1]:
            continue
        chosen.append((start, end, label))
    return chosen


def find_pii_spans(text: str) -> list[tuple[int, int, str]]:
    """Character spans of emails, URLs, street addresses and phone numbers, non-overlapping."""
    found: list[tuple[int, int, str]] = []
    for label, pattern in PII_PATTERNS:
        for match in pattern.finditer(text):
            value = match.group(0)
            if label == "PHONE" and not _phone_like(value):
                continue
            if label == "URL" and "@" in value:
                continue
            found.append((match.start(), match.end(), label))
    return merge_spans(found)


def name_spans(text: str, names: tuple[str, ...] | list[str]) -> list[tuple[int, int, str]]:
    """Spans of the given personal names (whole words, any case)."""
    spans = []
    for name in {n.strip() for n in names if n and len(n.strip()) >= 3}:
        for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text, flags=re.IGNORECASE):
            spans.append((match.start(), match.end(), "NAME"))
    return spans


def apply_redactions(text: str, spans: list[tuple[int, int, str]]) -> str:
    out, cursor = [], 0
    for start, end, label in merge_spans(spans):
        out.append(text[cursor:start])
        out.append(PLACEHOLDERS.get(label, "[REDACTED]"))
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def redact_contact_details(text: str, *, names: tuple[str, ...] | list[str] = ()) -> str:
    """`text` with emails, phones, URLs, street addresses and the given names replaced by markers."""
    if not text:
        return text
    return apply_redactions(text, find_pii_spans(text) + name_spans(text, names))
