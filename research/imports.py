"""Reading and validating post files for `import_posts` (no writes here).

The format is the one of the evaluation corpora: JSONL or CSV rows with
`id, author, discussion, text, created_at`. Every row is checked before anything
is written, and every bad row is reported with its line number.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.utils.dateparse import parse_datetime

FIELDS = ("id", "author", "discussion", "text", "created_at")
REQUIRED = ("id", "author", "discussion", "text")
MAX_LENGTHS = {"id": 120, "author": 100, "discussion": 120}


@dataclass(frozen=True)
class ImportRow:
    line: int
    id: str
    author: str
    discussion: str
    text: str
    created_at: datetime | None


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class ImportFileError(ValueError):
    """The file as a whole cannot be read (format, encoding, size)."""


def detect_format(path: Path, head: str) -> str:
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    return "jsonl" if head.lstrip().startswith("{") else "csv"


def _raw_rows(text: str, fmt: str) -> list[tuple[int, dict | None, str]]:
    """(line number, row dict or None, parse error) for every non-blank record."""
    out: list[tuple[int, dict | None, str]] = []
    if fmt == "jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                out.append((number, None, f"not valid JSON ({exc.msg} at column {exc.colno})"))
                continue
            if not isinstance(value, dict):
                out.append((number, None, "each line must be a JSON object"))
                continue
            out.append((number, value, ""))
        return out
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [f for f in REQUIRED if f not in header]
    if missing:
        raise ImportFileError(
            f"line 1: the CSV header must name the columns {', '.join(FIELDS)}; missing {', '.join(missing)}."
        )
    start = reader.line_num + 1
    for row in reader:
        # A quoted text may span lines: report the line where the record starts.
        if any((v or "").strip() for v in row.values() if isinstance(v, str)):
            if None in row:
                out.append((start, None, f"more values than the {len(header)} header columns"))
            else:
                out.append((start, row, ""))
        start = reader.line_num + 1
    return out


def _parse_created_at(value) -> datetime | None:
    parsed = parse_datetime(value.strip()) if isinstance(value, str) else None
    if parsed is None:
        raise ValueError
    # Files from spreadsheets often lack an offset; those times are taken as UTC.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def validate_rows(raw: list[tuple[int, dict | None, str]]) -> tuple[list[ImportRow], list[RowError]]:
    max_chars = settings.VERBATIM["POST_MAX_CHARS"]
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    first_line_of: dict[str, int] = {}
    for line, data, parse_error in raw:
        if data is None:
            errors.append(RowError(line, parse_error))
            continue
        problems: list[str] = []
        values: dict[str, str] = {}
        for name in REQUIRED:
            value = data.get(name)
            if isinstance(value, int | float) and not isinstance(value, bool) and name == "id":
                value = str(value)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{name} is missing or empty")
                continue
            # Ids are kept byte for byte (the export must give back exactly what came in).
            values[name] = value if name in ("text", "id") else value.strip()
            limit = MAX_LENGTHS.get(name)
            if limit and len(values[name]) > limit:
                problems.append(f"{name} is longer than {limit} characters")
        text = values.get("text", "")
        if len(text) > max_chars:
            problems.append(f"text is longer than {max_chars} characters (POST_MAX_CHARS)")
        created_at = None
        if data.get("created_at") not in (None, ""):
            try:
                created_at = _parse_created_at(data.get("created_at"))
            except ValueError:
                problems.append(
                    f"created_at {str(data.get('created_at'))[:40]!r} is not an ISO 8601 date-time "
                    "(e.g. 2026-01-05T09:00:00Z)"
                )
        post_id = values.get("id")
        if post_id is not None:
            if post_id in first_line_of:
                problems.append(f"id {post_id!r} is already used on line {first_line_of[post_id]}")
            else:
                first_line_of[post_id] = line
        if problems:
            errors.append(RowError(line, "; ".join(problems)))
            continue
        rows.append(
            ImportRow(
                line=line,
                id=values["id"],
                author=values["author"],
                discussion=values["discussion"],
                text=text,
                created_at=created_at,
            )
        )
    return rows, errors


def read_import_file(path: Path) -> tuple[list[ImportRow], list[RowError]]:
    """Parse and validate the whole file; raises ImportFileError if it cannot be read at all."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file.") from None
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path}: not UTF-8 text (byte {exc.start}).") from None
    fmt = detect_format(path, text[:200])
    raw = _raw_rows(text, fmt)
    limit = settings.VERBATIM["IMPORT_MAX_ROWS"]
    if len(raw) > limit:
        raise ImportFileError(f"{path}: {len(raw)} rows; at most {limit} per file (IMPORT_MAX_ROWS).")
    if not raw:
        raise ImportFileError(f"{path}: no rows to import.")
    return validate_rows(raw)
