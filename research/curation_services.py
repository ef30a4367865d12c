"""Researchers' writes: theme summaries and splits, the codebook (CRUD, CSV import) and coded excerpts.

Rename, hide and merge live in `research.services` (theme_rename, theme_set_hidden,
theme_merge); everything here keeps to the same rules: keyword-only, validated,
all or nothing, and researcher edits stored in fields refreshes never overwrite.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from community.models import Community, Post, PostStatus
from research.models import Code, CodedExcerpt, Theme, ThemePost
from research.selectors import published_q
from research.services import Scope, _scope_docs, code_create, split_terms, theme_rename, themes_recount

SUMMARY_MAX = 4000
THEME_NAME_MAX = 200
# A code's limits; the codebook form (`research.forms.CodeForm`) names them beside the fields.
CODE_NAME_MAX = 120
CODE_DESCRIPTION_MAX = 2000
CODE_EXAMPLES_MAX = 50
CODE_EXAMPLE_MAX = 300
CODEBOOK_MAX_ROWS = 500
CODEBOOK_MAX_BYTES = 512 * 1024
CODEBOOK_COLUMNS = ("name", "description", "examples")
EXAMPLE_SEPARATOR = ";"


class CurationError(ValueError):
    """A rejected edit; the message names the field and the limit."""


def theme_summary_set(*, theme: Theme, summary: str) -> Theme:
    summary = summary.strip()
    if len(summary) > SUMMARY_MAX:
        raise CurationError(f"summary: at most {SUMMARY_MAX} characters; this one has {len(summary)}.")
    theme.researcher_summary = summary
    theme.updated_at = timezone.now()
    theme.save(update_fields=["researcher_summary", "updated_at"])
    return theme


def _clean_theme_name(*, theme: Theme, name: str, own: Theme | None) -> str:
    """A theme name as typed, refused when too long or already used (ignoring case) by another
    theme of the same scope; `own` is the theme being renamed, which may keep its name."""
    name = name.strip()
    if len(name) > THEME_NAME_MAX:
        raise CurationError(f"Name: at most {THEME_NAME_MAX} characters; this one has {len(name)}.")
    if not name:
        return name
    same_name = Q(researcher_label__iexact=name) | (Q(researcher_label="") & Q(label__iexact=name))
    clash = (
        Theme.objects.filter(
            community_id=theme.community_id, scope_key=theme.scope_key, retired_at__isnull=True
        )
        .filter(same_name)
        .exclude(pk=own.pk if own else None)
        .first()
    )
    if clash is not None:
        raise CurationError(
            f"Name: another theme here is already called “{clash.display_label}”. "
            "Choose a different name, or merge the two themes."
        )
    return name


def theme_name_set(*, theme: Theme, name: str) -> Theme:
    """Rename a theme as the researcher sees fit; empty goes back to the name analysis gave it."""
    name = _clean_theme_name(theme=theme, name=name, own=theme)
    if not name:
        _clean_theme_name(theme=theme, name=theme.label, own=theme)
    return theme_rename(theme=theme, label=name)


@dataclass
class SplitPlan:
    """What a split would do, for the researcher to confirm before anything moves."""

    label: str
    moving: list[int]
    staying: int


def theme_split_plan(*, theme: Theme, post_ids: Sequence[int], label: str) -> SplitPlan:
    """Validate a split without writing: the label, the posts that move and how many stay."""
    label = _clean_theme_name(theme=theme, name=label, own=None)
    if not label:
        raise CurationError("Name: give the new theme a name.")
    if theme.merged_into_id:
        raise CurationError("theme: it is merged into another theme; unmerge it before splitting it.")
    ids = sorted({int(p) for p in post_ids})
    if not ids:
        raise CurationError("posts: select at least one post to move.")
    members = set(ThemePost.objects.filter(theme=theme).values_list("post_id", flat=True))
    if set(ids) - members:
        raise CurationError("posts: some selected posts are not in this theme.")
    if len(ids) == len(members):
        raise CurationError("posts: leave at least one post in the original theme (or rename it instead).")
    return SplitPlan(label=label, moving=ids, staying=len(members) - len(ids))


def theme_split(*, theme: Theme, post_ids: Sequence[int], label: str) -> Theme:
    """Move the selected posts of `theme` into a new theme of the same scope, labelled by the researcher.

    The split is kept as a rule that refreshes and new posts respect (see
    `research.services._split_memberships`): the moved posts stay in the new theme, the others
    stay in `theme`, and later posts join whichever of the two their terms are closer to. The new
    theme's terms are those that set the moved posts apart from the ones left behind.
    """
    with transaction.atomic():
        # Locks the parent's memberships so a concurrent refresh or split cannot move them under us.
        list(ThemePost.objects.select_for_update().filter(theme=theme).values_list("pk", flat=True))
        plan = theme_split_plan(theme=theme, post_ids=post_ids, label=label)
        moving = set(plan.moving)
        members = sorted(ThemePost.objects.filter(theme=theme).values_list("post_id", flat=True))
        kept = [p for p in members if p not in moving]
        docs = {
            d.key: d for d in _scope_docs(community=theme.community, scope=Scope.of(theme), post_ids=members)
        }
        terms = split_terms(
            [docs[str(p)] for p in plan.moving if str(p) in docs],
            [docs[str(p)] for p in kept if str(p) in docs],
        )
        now = timezone.now()
        new = Theme.objects.create(
            community_id=theme.community_id,
            scope=theme.scope,
            scope_key=theme.scope_key,
            discussion_id=theme.discussion_id,
            segment=theme.segment,
            date_from=theme.date_from,
            date_to=theme.date_to,
            key=f"split-{uuid.uuid4().hex[:20]}",
            label=plan.label,
            researcher_label=plan.label,
            terms=terms or list(theme.terms or []),
            split_from=theme,
            split_post_ids=plan.moving,
            split_kept_post_ids=kept,
            created_at=now,
            updated_at=now,
        )
        ThemePost.objects.filter(theme=theme, post_id__in=plan.moving).update(theme=new, from_merge=False)
        themes_recount(theme_ids=[theme.pk, new.pk])
    new.refresh_from_db()
    return new


def theme_unmerge(*, theme: Theme) -> Theme:
    """Undo a merge: `theme` is listed on its own again and its posts stop counting for the target
    (posts the target found by itself, or got from another theme still merged into it, stay)."""
    if not theme.merged_into_id:
        raise CurationError("theme: it is not merged into another theme.")
    with transaction.atomic():
        target_id = theme.merged_into_id
        theme.merged_into = None
        theme.updated_at = timezone.now()
        theme.save(update_fields=["merged_into", "updated_at"])
        still_merged = ThemePost.objects.filter(theme__merged_into_id=target_id).values("post_id")
        ThemePost.objects.filter(
            theme_id=target_id,
            from_merge=True,
            post_id__in=ThemePost.objects.filter(theme=theme).values("post_id"),
        ).exclude(post_id__in=still_merged).delete()
        themes_recount(theme_ids=[target_id, theme.pk])
    theme.refresh_from_db()
    return theme


# --- Codebook ---


def _clean_code_fields(name: str, description: str, examples: Sequence[str]) -> tuple[str, str, list[str]]:
    name = (name or "").strip()
    if not name or len(name) > CODE_NAME_MAX:
        raise CurationError(f"name: 1 to {CODE_NAME_MAX} characters.")
    description = (description or "").strip()
    if len(description) > CODE_DESCRIPTION_MAX:
        raise CurationError(f"description: at most {CODE_DESCRIPTION_MAX} characters.")
    cleaned = [e.strip() for e in examples if e and e.strip()]
    if len(cleaned) > CODE_EXAMPLES_MAX:
        raise CurationError(f"examples: at most {CODE_EXAMPLES_MAX} example phrases.")
    if any(len(e) > CODE_EXAMPLE_MAX for e in cleaned):
        raise CurationError(f"examples: each at most {CODE_EXAMPLE_MAX} characters.")
    return name, description, cleaned


def code_add(
    *, community: Community, name: str, description: str = "", examples: Sequence[str] = (), created_by=None
) -> Code:
    name, description, cleaned = _clean_code_fields(name, description, examples)
    if Code.objects.filter(community=community, name__iexact=name).exists():
        raise CurationError(f"name: a code called “{name}” already exists.")
    return code_create(
        community=community, name=name, description=description, examples=cleaned, created_by=created_by
    )


def code_update(*, code: Code, name: str, description: str = "", examples: Sequence[str] = ()) -> Code:
    name, description, cleaned = _clean_code_fields(name, description, examples)
    if Code.objects.filter(community_id=code.community_id, name__iexact=name).exclude(pk=code.pk).exists():
        raise CurationError(f"name: a code called “{name}” already exists.")
    code.name, code.description, code.examples = name, description, cleaned
    code.save(update_fields=["name", "description", "examples"])
    return code


def code_delete(*, code: Code) -> None:
    code.delete()


@dataclass
class CodebookImportResult:
    created: int = 0
    updated: int = 0


def codebook_import_csv(*, community: Community, data: bytes, created_by=None) -> CodebookImportResult:
    """Import `name,description,examples` rows (examples separated by ';').

    Every row is validated first; any error (reported with its line number) rejects the whole
    file, so nothing is half-saved. Existing codes with the same name are updated.
    """
    if len(data) > CODEBOOK_MAX_BYTES:
        raise CurationError(f"file: at most {CODEBOOK_MAX_BYTES // 1024} KB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CurationError("file: must be UTF-8 encoded CSV.") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "name" not in header:
        raise CurationError(
            "file: the first line must be a header with a “name” column (and optionally description, examples)."
        )
    unknown = [h for h in header if h not in CODEBOOK_COLUMNS]
    if unknown:
        raise CurationError(
            f"file: unknown column(s) {', '.join(unknown)}; allowed: {', '.join(CODEBOOK_COLUMNS)}."
        )
    reader.fieldnames = header
    errors: list[str] = []
    rows: list[tuple[str, str, list[str]]] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if len(rows) + len(errors) >= CODEBOOK_MAX_ROWS:
            errors.append(f"line {line}: at most {CODEBOOK_MAX_ROWS} codes per file.")
            break
        if None in row:
            errors.append(f"line {line}: more fields than columns in the header.")
            continue
        examples = (row.get("examples") or "").split(EXAMPLE_SEPARATOR)
        try:
            cleaned = _clean_code_fields(row.get("name") or "", row.get("description") or "", examples)
        except CurationError as exc:
            errors.append(f"line {line}: {exc}")
            continue
        key = cleaned[0].lower()
        if key in seen:
            errors.append(f"line {line}: name: “{cleaned[0]}” repeats line {seen[key]}.")
            continue
        seen[key] = line
        rows.append(cleaned)
    if errors:
        raise CurationError(
            "\n".join(errors[:20]) + (f"\n… and {len(errors) - 20} more." if len(errors) > 20 else "")
        )
    if not rows:
        raise CurationError("file: no codes found below the header.")
    result = CodebookImportResult()
    with transaction.atomic():
        existing = {c.name.lower(): c for c in Code.objects.select_for_update().filter(community=community)}
        for name, description, examples in rows:
            code = existing.get(name.lower())
            if code is None:
                code_create(
                    community=community,
                    name=name,
                    description=description,
                    examples=examples,
                    created_by=created_by,
                )
                result.created += 1
            else:
                code.name, code.description, code.examples = name, description, examples
                code.save(update_fields=["name", "description", "examples"])
                result.updated += 1
    return result


# --- Coded excerpts ---


def excerpt_create(
    *, post: Post, code: Code, start: int, end: int, text: str | None = None, coder=None
) -> CodedExcerpt:
    """Tag post.body[start:end] with `code`. Offsets are validated against the post's current text;
    when the client also sends the selected text, it must match (a stale page is refused)."""
    if code.community_id != post.community_id:
        raise CurationError("code: not in this community's codebook.")
    _require_published(post)
    length = len(post.body)
    if not (0 <= start < end <= length):
        raise CurationError(f"start/end: must satisfy 0 ≤ start < end ≤ {length} (the post's length).")
    span = post.body[start:end]
    if not span.strip():
        raise CurationError("start/end: the selection is only whitespace.")
    if text is not None and text != span:
        raise CurationError(
            "text: the selection does not match the post's current text; reload and select again."
        )
    # Per coder: two researchers coding the same passage is agreement to measure, not a repeat.
    same = CodedExcerpt.objects.filter(post=post, code=code, start=start, end=end, coder=coder)
    if coder is not None and same.exists():
        raise CurationError(_already_coded(code))
    try:
        with transaction.atomic():
            return CodedExcerpt.objects.create(
                post=post, code=code, start=start, end=end, text=span, coder=coder
            )
    except IntegrityError:
        # Coded at the same moment from another page or tab: the unique constraint kept one.
        if coder is not None and same.exists():
            raise CurationError(_already_coded(code)) from None
        raise


def _already_coded(code: Code) -> str:
    return f"You have already coded this passage as {code.name}."


def _require_published(post: Post) -> None:
    """Only published posts are coded: the codebook's counts and the .qdpx export both read
    excerpts on published posts only (`research.selectors.published_q`), so an excerpt on a
    removed, hidden or deleted post would be counted nowhere."""
    if post.status != PostStatus.PUBLISHED:
        state = PostStatus(post.status).label.lower()
        raise CurationError(f"post: only published posts can be coded; this one is {state}.")
    if post.parent_id and not Post.objects.filter(published_q(), pk=post.pk).exists():
        raise CurationError(
            "post: only published posts can be coded; this one replies to a post that is no longer published."
        )


def excerpt_delete(*, excerpt: CodedExcerpt) -> None:
    excerpt.delete()
