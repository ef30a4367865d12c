"""Writes for analysis: per-post records, runs, themes, codebook.

The NLP code (`research.analysis`) is imported lazily inside the functions that
need it, so importing this module (web processes, admin) never loads spaCy.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from community.models import Community, Discussion, Post, PostStatus
from community.percentages import whole_percents_of
from community.roster import Roster, roster_for
from research.analysis.types import (
    SENTIMENTS,
    BrandLexicon,
    CodeSpec,
    PostEnrichment,
    PreviousTheme,
    ThemeDoc,
    ThemeResult,
)
from research.imports import ImportRow
from research.models import (
    SUMMARY_FIELDS,
    WARM_UP_REASON,
    AnalysisRun,
    Code,
    PostAnalysis,
    RunKind,
    RunState,
    Theme,
    ThemePost,
    ThemeScope,
    summary_columns,
)
from research.redaction import everyday_words_spared

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

_ANALYSIS_FIELDS = [
    "analyzer_version",
    "text_hash",
    "analysable",
    "reason",
    "sentiment",
    "sentiment_score",
    "aspects",
    "dimensions",
    "mentions",
    "key_phrases",
    "terms",
    "relevance",
    "relevance_phrase",
    "redacted_text",
    "sentence_count",
    "analysed_at",
    *SUMMARY_FIELDS,
]


# --- The seam to the pure NLP code (tests replace these with fakes) ---


def analyzer_version() -> str:
    from research.analysis.enrich import ANALYZER_VERSION

    return ANALYZER_VERSION


def _enrich_texts(
    texts: list[str],
    *,
    lexicon: BrandLexicon,
    domain: dict[str, float] | None = None,
    parsed: dict[str, Any] | None = None,
) -> list[PostEnrichment]:
    from research.analysis.enrich import enrich_texts
    from research.analysis.pipeline import BrandNamesSpared, get_nlp
    from research.analysis.reuse import ReusingNLP

    nlp = get_nlp(settings.VERBATIM["SPACY_MODEL"])
    if parsed:
        nlp = ReusingNLP(nlp, parsed)  # texts lexicon learning just parsed are not parsed again
    # The model tags shops named like people as PERSON ("Nook's stuff"): their names stay readable.
    nlp = BrandNamesSpared(nlp, lexicon.brand_terms + lexicon.competitor_terms)
    return enrich_texts(
        texts, lexicon=lexicon, nlp=nlp, batch_size=settings.VERBATIM["ANALYSIS_NLP_BATCH"], domain=domain
    )


def _build_themes(
    docs: Sequence[ThemeDoc],
    *,
    codes: Sequence[CodeSpec],
    previous: Sequence[PreviousTheme],
    max_themes: int | None,
    brands: Sequence[str] = (),
) -> list[ThemeResult]:
    from research.analysis.themes import build_themes

    return build_themes(docs, codes=codes, previous=previous, max_themes=max_themes, seed=0, brands=brands)


def _assign_to_themes(docs: Sequence[ThemeDoc], themes: Sequence[ThemeResult]) -> dict[str, list[str]]:
    from research.analysis.themes import assign_to_themes

    return assign_to_themes(docs, themes)


def _theme_scores(docs: Sequence[ThemeDoc], themes: Sequence[ThemeResult]) -> dict[str, dict[str, float]]:
    from research.analysis.themes import theme_scores

    return theme_scores(docs, themes)


# --- Per-post analysis ---


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def community_lexicon(community: Community) -> BrandLexicon:
    return BrandLexicon(
        brand_terms=tuple(t for t in community.brand_terms() if t),
        competitor_terms=tuple(t for t in (community.competitor_brands or []) if t),
    )


@dataclass
class AnalyzeResult:
    written: int = 0
    unchanged: int = 0
    skipped_unpublished: int = 0


def _domain_fingerprint(community: Community) -> str:
    """The fingerprint of the community's learned lexicon ("" for none); read with the posts."""
    try:
        return community.domain_lexicon.fingerprint
    except Community.domain_lexicon.RelatedObjectDoesNotExist:
        return ""


def _plain(items: Sequence) -> list[dict]:
    # The signal dataclasses hold only str/float/bool fields; a shallow copy of each is the
    # JSON we store, at a fraction of the cost of dataclasses.asdict's recursive deep copy.
    return [dict(vars(item)) if not isinstance(item, dict) else dict(item) for item in items]


def _analysis_from(
    enrichment: PostEnrichment, *, post: Post, digest: str, version: str, now: datetime
) -> PostAnalysis:
    dimensions, mentions = _plain(enrichment.dimensions), _plain(enrichment.mentions)
    return PostAnalysis(
        post_id=post.pk,
        community_id=post.community_id,
        analyzer_version=version,
        text_hash=digest,
        analysable=enrichment.analysable,
        reason=enrichment.reason[:40],
        sentiment=enrichment.sentiment,
        sentiment_score=float(enrichment.sentiment_score),
        aspects=_plain(enrichment.aspects),
        dimensions=dimensions,
        mentions=mentions,
        key_phrases=list(enrichment.key_phrases),
        terms=list(enrichment.terms),
        relevance=enrichment.relevance,
        relevance_phrase=enrichment.relevance_phrase,
        redacted_text=enrichment.redacted_text,
        sentence_count=enrichment.sentence_count,
        analysed_at=now,
        **summary_columns(dimensions=dimensions, mentions=mentions),
    )


def posts_analyze(
    *,
    post_ids: Iterable[int],
    run: AnalysisRun | None = None,
    progress: Progress | None = None,
    parsed: dict[str, Any] | None = None,
) -> AnalyzeResult:
    """Analyse the published posts among `post_ids` whose text or analyzer version changed, or
    whose discussion joined or left the analysis.

    Works in chunks: each chunk is one read of posts, one of their records, one
    `nlp.pipe` pass and one bulk insert plus one bulk update. Unchanged posts
    (same text hash and version) are not written at all. A community with a learned
    lexicon (research.domain_services) has its fingerprint in the version. `parsed`
    (text -> spaCy Doc, from `domain_lexicon_learn(keep_parses=True)`) spares parsing again.

    A post in a discussion left out of analysis (`Discussion.in_analysis` off: a warm-up) is
    recorded as not analysable (`WARM_UP_REASON`), with no sentiment, signals or terms, so it
    leaves every result; it is still parsed, because clients read its redacted copy.
    """
    from research.domain_services import analysis_version, domain_lexicons

    ids = sorted(set(post_ids))
    base_version = analyzer_version()
    chunk_size = settings.VERBATIM["ANALYSIS_CHUNK"]
    result = AnalyzeResult()
    lexicons: dict[int, BrandLexicon] = {}
    domains: dict[int, tuple[str, dict[str, float]]] = {}
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start : start + chunk_size]
        # Stamped before the text is read: an edit landing while we analyse has a later
        # edited_at than this record's analysed_at, so the reconciler still redoes it.
        read_at = timezone.now()
        posts = list(
            Post.objects.filter(pk__in=chunk, status=PostStatus.PUBLISHED)
            .select_related("community__domain_lexicon", "author__user", "discussion")
            .only(
                "id",
                "body",
                "community_id",
                "discussion__in_analysis",
                "community__domain_lexicon__fingerprint",
                "community__brand_name",
                "community__brand_aliases",
                "community__competitor_brands",
                "author__is_imported",
                "author__user__first_name",
                "author__user__last_name",
            )
        )
        result.skipped_unpublished += len(chunk) - len(posts)
        existing = {
            a.post_id: a
            for a in PostAnalysis.objects.filter(post_id__in=[p.pk for p in posts]).only(
                "id", "post_id", "text_hash", "analyzer_version", "reason"
            )
        }
        todo: dict[int, list[tuple[Post, str]]] = defaultdict(list)
        for post in posts:
            digest = text_hash(post.body)
            record = existing.get(post.pk)
            version = analysis_version(base_version, _domain_fingerprint(post.community))
            if (
                record is not None
                and record.text_hash == digest
                and record.analyzer_version == version
                and (record.reason == WARM_UP_REASON) != post.discussion.in_analysis
            ):
                result.unchanged += 1
                continue
            todo[post.community_id].append((post, digest))
            if post.community_id not in lexicons:
                lexicons[post.community_id] = community_lexicon(post.community)
        to_create: list[PostAnalysis] = []
        to_update: list[PostAnalysis] = []
        client_sources: dict[int, tuple[str, frozenset[tuple[int, int]], Roster]] = {}
        wanted = [c for c in todo if c not in domains and _domain_fingerprint(todo[c][0][0].community)]
        if wanted:
            domains.update(domain_lexicons(wanted))
        for community_id, items in todo.items():
            # Stamped with the fingerprint of the words actually used, read with them.
            fingerprint, words = domains.get(community_id, ("", None))
            version = analysis_version(base_version, fingerprint)
            # Passed only when there is one: stand-ins for the NLP seam need not know of it.
            extra: dict[str, Any] = {"domain": words} if words else {}
            if parsed:
                extra["parsed"] = parsed
            enrichments = _enrich_texts([p.body for p, _ in items], lexicon=lexicons[community_id], **extra)
            # Members' names the name finder missed ("Welcome Priya!") never reach the stored redaction;
            # one that is an everyday word stays where the parse reads it as the word ("Will report back").
            roster = roster_for(community_id)
            spared = everyday_words_spared(
                roster, [e.redacted_text if e.analysable else "" for e in enrichments]
            )
            for (post, digest), enrichment, spare in zip(items, enrichments, spared, strict=True):
                if not post.discussion.in_analysis:
                    # Not evidence, like a post with nothing to analyse; its redaction stays for clients.
                    enrichment = PostEnrichment(
                        analysable=False, reason=WARM_UP_REASON, redacted_text=enrichment.redacted_text
                    )
                record = _analysis_from(enrichment, post=post, digest=digest, version=version, now=read_at)
                client_sources[post.pk] = (record.redacted_text, spare, roster)
                record.redacted_text = roster.redact(record.redacted_text, spare=spare)
                old = existing.get(post.pk)
                if old is None:
                    to_create.append(record)
                else:
                    record.pk = old.pk
                    to_update.append(record)
        if to_create or to_update:
            with transaction.atomic():
                # ignore_conflicts: a concurrent worker may have written the same post meanwhile.
                PostAnalysis.objects.bulk_create(to_create, ignore_conflicts=True)
                if to_update:
                    PostAnalysis.objects.bulk_update(to_update, _ANALYSIS_FIELDS)
                _store_client_text(
                    posts=[p for items in todo.values() for p, _ in items],
                    records=to_create + to_update,
                    sources=client_sources,
                )
        result.written += len(to_create) + len(to_update)
        done = min(start + chunk_size, len(ids))
        if run is not None:
            analysis_run_progress(run=run, done=done)
        if progress is not None:
            progress(done, len(ids))
    return result


def _store_client_text(
    *,
    posts: Sequence[Post],
    records: Sequence[PostAnalysis],
    sources: dict[int, tuple[str, frozenset[tuple[int, int]], Roster]],
) -> None:
    """Clients read the analysis' redaction (it also finds people's names), rendered like any post.

    `sources`: per post, the analysis' redaction before the roster, the everyday-word names its
    parse spared, and the roster. The author's own names are redacted on top, as community does
    for the first, regex-only version (see community.services.posts.render_client_html). One bulk
    UPDATE per chunk.
    """
    from community.markdown import render_markdown

    # An unanalysable text has no redaction; a warm-up's post keeps its own (clients still read it).
    redacted = {r.post_id: r.redacted_text for r in records if r.redacted_text}
    changed = []
    for post in posts:
        text = redacted.get(post.pk)
        if text is None or post.pk not in sources:
            continue
        source, spare, roster = sources[post.pk]
        if text == post.body and not spare:
            # Nothing beyond what the regex redaction written at posting time already covers: that
            # version stays (and rendering is most of this cost). A spared word ("Will report back")
            # was redacted then, as posting has no parse.
            continue
        author = post.author
        names = () if author.is_imported else (author.user.first_name, author.user.last_name)
        post.client_body_html = render_markdown(roster.redact_for_clients(source, names=names, spare=spare))
        changed.append(post)
    Post.objects.bulk_update(changed, ["client_body_html"], batch_size=500)


def posts_drop_from_results(*, post_ids: Iterable[int], erase: bool = False) -> int:
    """Take posts out of every theme (hidden, removed, deleted, back to pending).

    Their analysis record stays for a post that may be restored; `erase` deletes
    it too (the author deleted the post). Returns how many memberships went.
    """
    ids = list(set(post_ids))
    with transaction.atomic():
        theme_ids = set(ThemePost.objects.filter(post_id__in=ids).values_list("theme_id", flat=True))
        deleted, _ = ThemePost.objects.filter(post_id__in=ids).delete()
        if erase:
            PostAnalysis.objects.filter(post_id__in=ids).delete()
        themes_recount(theme_ids=theme_ids)
    return deleted


# --- Runs and their progress ---


def analysis_run_start(*, community: Community, kind: str, total: int) -> AnalysisRun:
    run = AnalysisRun.objects.create(
        community=community, kind=kind, state=RunState.RUNNING, total=total, started_at=timezone.now()
    )
    _broadcast_run(run)
    return run


def analysis_run_progress(*, run: AnalysisRun, done: int) -> None:
    run.done = done
    run.save(update_fields=["done"])
    _broadcast_run(run)


def analysis_run_finish(*, run: AnalysisRun, error: str = "") -> None:
    run.state = RunState.FAILED if error else RunState.DONE
    run.error = error[:2000]
    if not error:
        run.done = run.total
    run.finished_at = timezone.now()
    run.save(update_fields=["state", "error", "done", "finished_at"])
    _broadcast_run(run)


def run_group_name(community_id: int) -> str:
    return f"research.community.{community_id}"


def _broadcast_run(run: AnalysisRun) -> None:
    """Push progress to the community's research page (best effort; a page may not be listening)."""
    try:
        from asgiref.sync import async_to_sync
        from channels.layers import get_channel_layer

        layer = get_channel_layer()
        if layer is None:
            return
        async_to_sync(layer.group_send)(
            run_group_name(run.community_id),
            {
                "type": "analysis.progress",
                "run_id": run.pk,
                "kind": run.kind,
                "state": run.state,
                "done": run.done,
                "total": run.total,
                "percent": run.percent,
            },
        )
    except Exception:  # progress display must never break an analysis run
        logger.warning("Could not broadcast progress of run %s", run.pk, exc_info=True)


def analysis_run_for_posts(
    *,
    community: Community,
    post_ids: Sequence[int] | None = None,
    progress: Progress | None = None,
    parsed: dict[str, Any] | None = None,
) -> AnalysisRun:
    """Analyse `post_ids` (default: every published post of the community needing it) as a recorded run."""
    from research.selectors import posts_needing_analysis

    if post_ids is None:
        post_ids = posts_needing_analysis(community=community, version=analyzer_version())
    run = analysis_run_start(community=community, kind=RunKind.POSTS, total=len(post_ids))
    try:
        posts_analyze(post_ids=post_ids, run=run, progress=progress, parsed=parsed)
    except Exception as exc:
        analysis_run_finish(run=run, error=f"{type(exc).__name__}: {exc}")
        raise
    analysis_run_finish(run=run)
    return run


# --- Themes ---


@dataclass(frozen=True)
class Scope:
    """Which posts a set of themes covers."""

    kind: str = ThemeScope.COMMUNITY
    discussion_id: int | None = None
    segment: str = ""
    date_from: datetime | None = None
    date_to: datetime | None = None

    @property
    def key(self) -> str:
        if self.kind == ThemeScope.DISCUSSION:
            return f"discussion:{self.discussion_id}"
        if self.kind == ThemeScope.SEGMENT:
            return f"segment:{self.segment}"
        if self.kind == ThemeScope.DATES:
            start = self.date_from.isoformat() if self.date_from else ""
            end = self.date_to.isoformat() if self.date_to else ""
            return f"dates:{start}..{end}"
        return "community"

    @classmethod
    def build(
        cls,
        *,
        discussion: Discussion | None = None,
        segment: str = "",
        date_from: datetime | None = None,
        date_to: datetime | None = None,
    ) -> Scope:
        given = sum(1 for v in (discussion, segment, date_from or date_to) if v)
        if given > 1:
            raise ValueError("A theme scope is one of: a discussion, a segment or a date range.")
        if discussion is not None:
            return cls(kind=ThemeScope.DISCUSSION, discussion_id=discussion.pk)
        if segment:
            return cls(kind=ThemeScope.SEGMENT, segment=segment[:120])
        if date_from or date_to:
            if date_from and date_to and date_from > date_to:
                raise ValueError("date_from must be before date_to.")
            return cls(kind=ThemeScope.DATES, date_from=date_from, date_to=date_to)
        return cls()

    @classmethod
    def of(cls, theme: Theme) -> Scope:
        return cls(
            kind=theme.scope,
            discussion_id=theme.discussion_id,
            segment=theme.segment,
            date_from=theme.date_from,
            date_to=theme.date_to,
        )

    def contains(self, *, discussion_id: int, segments: Sequence[str], created_at: datetime) -> bool:
        if self.kind == ThemeScope.DISCUSSION:
            return discussion_id == self.discussion_id
        if self.kind == ThemeScope.SEGMENT:
            return self.segment in (segments or [])
        if self.kind == ThemeScope.DATES:
            if self.date_from and created_at < self.date_from:
                return False
            return not (self.date_to and created_at > self.date_to)
        return True


def _scope_docs(
    *, community: Community, scope: Scope, post_ids: Sequence[int] | None = None
) -> list[ThemeDoc]:
    """ThemeDocs of the published, analysable posts in scope, ordered by post id (determinism)."""
    from research.selectors import analysed_posts, evidence_q

    # Customers' words only: a moderator's prompt is neither a theme's evidence nor a quote of it.
    qs = analysed_posts(community=community).filter(evidence_q())
    if post_ids is not None:
        qs = qs.filter(post_id__in=post_ids)
    if scope.kind == ThemeScope.DISCUSSION:
        qs = qs.filter(post__discussion_id=scope.discussion_id)
    elif scope.kind == ThemeScope.DATES:
        if scope.date_from:
            qs = qs.filter(post__created_at__gte=scope.date_from)
        if scope.date_to:
            qs = qs.filter(post__created_at__lte=scope.date_to)
    rows = qs.values_list(
        "post_id",
        "post__author_id",
        "post__author__segments",
        "redacted_text",
        "terms",
        "sentiment",
        "post__discussion__title",
        "post__discussion__prompt",
    ).order_by("post_id")
    docs = []
    # One string per discussion, shared by its posts: the question they answer.
    prompts: dict[tuple[str, str], str] = {}
    for post_id, author_id, segments, redacted, terms, sentiment, title, prompt in rows:
        # Segments are a JSON list; filtering here keeps the query the same on SQLite and PostgreSQL.
        if scope.kind == ThemeScope.SEGMENT and scope.segment not in (segments or []):
            continue
        docs.append(
            ThemeDoc(
                key=str(post_id),
                participant=str(author_id),
                text=redacted,
                terms=tuple(terms or ()),
                sentiment=sentiment,
                prompt=prompts.setdefault((title, prompt), f"{title}\n\n{prompt}".strip()),
            )
        )
    return docs


def _code_specs(community: Community) -> list[CodeSpec]:
    return [
        CodeSpec(
            key=f"code:{code.pk}",
            name=code.name,
            description=code.description,
            examples=tuple(str(e) for e in (code.examples or []) if e),
        )
        for code in Code.objects.filter(community=community).order_by("pk")
    ]


def _code_id(code_key: str | None) -> int | None:
    if code_key and code_key.startswith("code:"):
        try:
            return int(code_key.split(":", 1)[1])
        except ValueError:
            return None
    return None


def theme_summary(*, post_count: int, participant_count: int, sentiment_mix: dict[str, int]) -> str:
    counts = [int(sentiment_mix.get(s, 0) or 0) for s in SENTIMENTS]
    # The three parts of one whole, said together: they add up to 100.
    percents = whole_percents_of(counts) if sum(counts) else [0] * len(counts)
    shares = ", ".join(f"{pc}% {s}" for s, n, pc in zip(SENTIMENTS, counts, percents, strict=True) if n)
    people = "participant" if participant_count == 1 else "participants"
    posts = "post" if post_count == 1 else "posts"
    return f"{post_count} {posts} from {participant_count} {people}" + (f"; {shares}." if shares else ".")


def themes_refresh(
    *,
    community: Community,
    discussion: Discussion | None = None,
    segment: str = "",
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    max_themes: int | None = None,
    run: AnalysisRun | None = None,
) -> list[Theme]:
    """Rebuild the themes of one scope from the current analyses, keeping theme identity.

    Existing themes go to the builder as `previous`, so a theme that persists keeps
    its key and row, and with them the researcher's rename, hide and merge. Themes
    the builder no longer finds are retired (kept, not shown) rather than deleted.
    """
    scope = Scope.build(discussion=discussion, segment=segment, date_from=date_from, date_to=date_to)
    return _themes_refresh_scope(community=community, scope=scope, max_themes=max_themes, run=run)


def _themes_refresh_scope(
    *, community: Community, scope: Scope, max_themes: int | None = None, run: AnalysisRun | None = None
) -> list[Theme]:
    from research.analysis.themes import CuratedTheme

    docs = _scope_docs(community=community, scope=scope)
    existing = {t.key: t for t in Theme.objects.filter(community=community, scope_key=scope.key)}
    members: dict[int, list[str]] = defaultdict(list)
    for theme_id, post_id in ThemePost.objects.filter(theme__in=existing.values()).values_list(
        "theme_id", "post_id"
    ):
        members[theme_id].append(str(post_id))
    split_rules = sorted((t for t in existing.values() if t.split_post_ids), key=lambda t: t.pk)
    split_ids = {t.pk for t in split_rules}
    # The builder never sees a researcher's split: it gets the parent whole, as it last found it.
    for rule in reversed(split_rules):
        if rule.split_from_id is not None:
            members[rule.split_from_id].extend(members.get(rule.pk, []))
    previous = [
        # A theme a researcher renamed, summarised or hid is matched to its successor preferentially.
        (CuratedTheme if t.researcher_label or t.researcher_summary or t.is_hidden else PreviousTheme)(
            key=t.key,
            terms=tuple(t.terms or ()),
            doc_keys=tuple(sorted(set(members.get(t.pk, [])))),
            # The analysis' own label (a researcher's rename is kept apart and always wins).
            label=t.label,
        )
        for t in sorted(existing.values(), key=lambda t: t.key)
        if t.pk not in split_ids
        # A retired theme only matters if a researcher touched it; its rename should come back with it.
        if t.retired_at is None or t.researcher_label or t.is_hidden or t.merged_into_id
    ]
    if max_themes is None:
        # 0 in settings means "let the builder choose how many".
        max_themes = settings.VERBATIM["THEMES_MAX"] or None
    lexicon = community_lexicon(community)
    results = _build_themes(
        docs,
        codes=_code_specs(community),
        previous=previous,
        max_themes=max_themes,
        brands=(*lexicon.brand_terms, *lexicon.competitor_terms),
    )
    known_docs = {d.key for d in docs}
    author_of = {d.key: d.participant for d in docs}
    sentiment_of = {d.key: d.sentiment for d in docs}
    now = timezone.now()

    with transaction.atomic():
        kept: list[Theme] = []
        seen: set[int] = set()
        plans: list[tuple[Theme, ThemeResult]] = []
        to_create: list[Theme] = []
        for result in results:
            theme = existing.get(result.key)
            if theme is None and result.matched_previous:
                theme = existing.get(result.matched_previous)
            if theme is not None and theme.pk in seen:
                theme = None  # two results claiming one row: the second becomes a new theme
            doc_keys = [k for k in result.doc_keys if k in known_docs]
            mix = Counter(sentiment_of[k] for k in doc_keys)
            participant_count = len({author_of[k] for k in doc_keys})
            fields = {
                "label": result.label[:200],
                "terms": list(result.terms),
                "post_count": len(doc_keys),
                "participant_count": participant_count,
                "sentiment_mix": {s: mix.get(s, 0) for s in SENTIMENTS},
                "code_id": _code_id(result.code_key),
                "summary": theme_summary(
                    post_count=len(doc_keys),
                    participant_count=participant_count,
                    sentiment_mix=dict(mix),
                ),
                "retired_at": None,
                "updated_at": now,
            }
            if theme is None:
                key = result.key if result.key not in existing else f"{result.key}-{len(existing)}"
                theme = Theme(
                    community=community,
                    scope=scope.kind,
                    scope_key=scope.key,
                    discussion_id=scope.discussion_id,
                    segment=scope.segment,
                    date_from=scope.date_from,
                    date_to=scope.date_to,
                    key=key[:64],
                    **fields,
                )
                to_create.append(theme)
            else:
                for name, value in fields.items():
                    setattr(theme, name, value)
                seen.add(theme.pk)
                kept.append(theme)
            plans.append((theme, result))
        Theme.objects.bulk_create(to_create)
        if kept:
            Theme.objects.bulk_update(kept, [*_THEME_REFRESH_FIELDS])
        retired = [t for t in existing.values() if t.pk not in seen and t.pk not in split_ids]
        for theme in retired:
            theme.retired_at = theme.retired_at or now
            theme.post_count = 0
            theme.participant_count = 0
            theme.sentiment_mix = {}
            # No posts now: the last run's sentence ("28 posts from 17 participants") would be stale.
            theme.summary = ""
            theme.updated_at = now
        if retired:
            Theme.objects.bulk_update(
                retired,
                ["retired_at", "post_count", "participant_count", "sentiment_mix", "summary", "updated_at"],
            )
        split_members, split_rows = _split_memberships(
            rules=split_rules, plans=plans, docs={d.key: d for d in docs}, now=now
        )
        ThemePost.objects.filter(theme__in=list(existing.values())).delete()
        rows: list[tuple[int, int, bool, int | None]] = list(split_rows)
        for theme, result in plans:
            ranks = {k: i for i, k in enumerate(result.quote_keys) if k in known_docs}
            for key in dict.fromkeys(split_members.get(theme.pk, result.doc_keys)):
                if key in known_docs:
                    rank = ranks.get(key)
                    rows.append((theme.pk, int(key), rank is not None, rank))
        _insert_memberships(rows)
        if split_rules:
            themes_recount(theme_ids=split_members)
        _reapply_merges(community=community, scope_key=scope.key)
    if run is not None:
        analysis_run_progress(run=run, done=run.done + 1)
    return [theme for theme, _ in plans]


SPLIT_TERMS_MAX = 20
SPLIT_QUOTES_MAX = 5


def split_terms(chosen: Sequence[ThemeDoc], rest: Sequence[ThemeDoc]) -> list[str]:
    """The `chosen` posts' terms that are at least as common among them as among the `rest`, those
    that set them apart first: what they share with the rest still counts, but for less. Terms
    with "~" are left out, as incremental assignment does."""
    if not chosen:
        return []
    inside = Counter(t for d in chosen for t in set(d.terms) if "~" not in t)
    outside = Counter(t for d in rest for t in set(d.terms) if "~" not in t)
    n_rest = max(len(rest), 1)
    lifts = [(inside[t] / len(chosen) - outside[t] / n_rest, inside[t], t) for t in inside]
    lifts.sort(key=lambda x: (-x[0], -x[1], x[2]))
    return [t for lift, _, t in lifts if lift >= 0][:SPLIT_TERMS_MAX]


def _rival(key: str, terms: Sequence[str]) -> ThemeResult:
    return ThemeResult(
        key=key,
        label=key,
        terms=list(terms),
        doc_keys=[],
        participant_count=0,
        sentiment_mix={},
        quote_keys=[],
    )


def _closest_in_family(
    scores: dict[str, float], *, parent_key: str | None, split_keys: Sequence[str]
) -> str | None:
    """Of a parent and its splits, the one a post is closest to; ties go to the parent, then the older split."""
    best, best_score = parent_key, scores.get(parent_key, 0.0) if parent_key else float("-inf")
    for key in split_keys:
        if scores.get(key, 0.0) > best_score:
            best, best_score = key, scores.get(key, 0.0)
    return best


def _split_memberships(
    *, rules: Sequence[Theme], plans: Sequence[tuple[Theme, ThemeResult]], docs: dict[str, ThemeDoc], now
) -> tuple[dict[int, list[str]], list[tuple[int, int, bool, int | None]]]:
    """Re-apply researchers' splits to what a refresh found.

    Each split keeps the posts the researcher moved into it, its parent keeps those the researcher
    left there, and the parent's other posts go to whichever of the family they are closest to
    (the measure incremental assignment uses). Returns the memberships of every parent and split
    by theme id, and the membership rows of the splits (with their quotes). Saves the splits' terms
    and retires a split none of whose posts is left.
    """
    if not rules:
        return {}, []
    planned = {theme.pk: [k for k in dict.fromkeys(result.doc_keys) if k in docs] for theme, result in plans}
    terms = {theme.pk: list(result.terms) for theme, result in plans}
    old_quotes: dict[int, list[str]] = defaultdict(list)
    for theme_id, post_id in (
        ThemePost.objects.filter(theme__in=list(rules), is_quote=True)
        .order_by("theme_id", "quote_rank", "post_id")
        .values_list("theme_id", "post_id")
    ):
        old_quotes[theme_id].append(str(post_id))
    parent_quotes = {theme.pk: list(result.quote_keys) for theme, result in plans}
    members: dict[int, list[str]] = {}
    families: dict[int | None, list[Theme]] = defaultdict(list)
    for rule in rules:
        families[rule.split_from_id].append(rule)
    # A split of a split is newer than its parent, so parents in id order are settled before their splits.
    for parent_id in sorted(families, key=lambda pk: (pk is not None, pk or 0)):
        splits = families[parent_id]
        pool = members.get(parent_id, planned.get(parent_id, [])) if parent_id is not None else []
        owner: dict[str, Theme] = {}
        for split in splits:  # a later split's decision wins over an earlier one
            for post_id in split.split_post_ids:
                if str(post_id) in docs:
                    owner[str(post_id)] = split
        kept = {str(p) for split in splits for p in split.split_kept_post_ids} - set(owner)
        rest = [docs[k] for k in pool if k not in owner]
        for split in splits:
            chosen = [docs[k] for k, s in owner.items() if s is split]
            split.terms = split_terms(chosen, rest) or list(split.terms or [])
        candidates = [k for k in pool if k not in owner and k not in kept]
        if candidates and parent_id is not None:
            parent_key = f"theme:{parent_id}"
            split_of = {f"theme:{split.pk}": split for split in splits}
            parent_terms = terms.get(parent_id)
            if parent_terms is None:
                parent_terms = next((list(r.terms) for r in rules if r.pk == parent_id), [])
            rivals = [_rival(parent_key, parent_terms)] + [_rival(k, s.terms) for k, s in split_of.items()]
            scores = _theme_scores([docs[k] for k in candidates], rivals)
            for k in candidates:
                closest = _closest_in_family(
                    scores.get(k, {}), parent_key=parent_key, split_keys=list(split_of)
                )
                if closest in split_of:
                    owner[k] = split_of[closest]
        for split in splits:
            members[split.pk] = sorted((k for k, s in owner.items() if s is split), key=int)
        if parent_id is not None:
            members[parent_id] = [k for k in pool if k not in owner]
    rows: list[tuple[int, int, bool, int | None]] = []
    for split in rules:
        keys = members[split.pk]
        inside = set(keys)
        quotes = [k for k in old_quotes.get(split.pk, []) if k in inside]
        quotes += [k for k in parent_quotes.get(split.split_from_id, []) if k in inside and k not in quotes]
        ranks = {k: i for i, k in enumerate(quotes[:SPLIT_QUOTES_MAX])}
        rows.extend((split.pk, int(k), k in ranks, ranks.get(k)) for k in keys)
        split.retired_at = None if keys else (split.retired_at or now)
        split.updated_at = now
    Theme.objects.bulk_update(list(rules), ["terms", "retired_at", "updated_at"])
    return members, rows


def _insert_memberships(rows: list[tuple[int, int, bool, int | None]]) -> None:
    """Insert (theme_id, post_id, is_quote, quote_rank) rows with executemany.

    A refresh of a large community writes tens of thousands of memberships; building
    a model instance per row made bulk_create most of the refresh's database time.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(ThemePost._meta.db_table)
    columns = ", ".join(quote(c) for c in ("theme_id", "post_id", "is_quote", "quote_rank"))
    sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s)"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


_THEME_REFRESH_FIELDS = (
    "label",
    "terms",
    "post_count",
    "participant_count",
    "sentiment_mix",
    "code_id",
    "summary",
    "retired_at",
    "updated_at",
)


def _reapply_merges(*, community: Community, scope_key: str) -> None:
    """A merged theme's posts count for the theme it was merged into."""
    merged = list(
        Theme.objects.filter(
            community=community, scope_key=scope_key, merged_into__isnull=False, retired_at__isnull=True
        ).values_list("pk", "merged_into_id")
    )
    if not merged:
        return
    targets = {target for _, target in merged}
    for source, target in merged:
        post_ids = ThemePost.objects.filter(theme_id=source).values_list("post_id", flat=True)
        # ignore_conflicts: a post already in the target keeps its own (not copied) membership.
        ThemePost.objects.bulk_create(
            [ThemePost(theme_id=target, post_id=pid, from_merge=True) for pid in post_ids],
            ignore_conflicts=True,
        )
    themes_recount(theme_ids=targets)


def themes_refresh_community(*, community: Community, run: AnalysisRun | None = None) -> list[Theme]:
    """Refresh the community-wide themes and every other scope researchers have asked for."""
    # Cleared first: posts arriving while this refresh runs must be able to ask for the next one.
    cache.delete(_refresh_pending_key(community.pk))
    scopes = {Scope().key: Scope()}
    for theme in (
        Theme.objects.filter(community=community)
        .exclude(scope_key="community")
        .order_by("scope_key", "pk")
        .distinct()
    ):
        scopes.setdefault(theme.scope_key, Scope.of(theme))
    if run is not None and run.total != len(scopes):
        run.total = len(scopes)
        run.save(update_fields=["total"])
    themes: list[Theme] = []
    for scope in scopes.values():
        themes.extend(_themes_refresh_scope(community=community, scope=scope, run=run))
    return themes


def analysis_run_for_themes(*, community: Community, run: AnalysisRun | None = None) -> AnalysisRun:
    """A full theme refresh recorded as a run: `run` is one queued earlier (a moderator's
    "Refresh analysis now"), which starts here; without it a new run is recorded."""
    if run is None:
        run = analysis_run_start(community=community, kind=RunKind.THEMES, total=1)
    else:
        run.state, run.started_at, run.total, run.done = RunState.RUNNING, timezone.now(), 1, 0
        run.save(update_fields=["state", "started_at", "total", "done"])
        _broadcast_run(run)
    try:
        themes_refresh_community(community=community, run=run)
    except Exception as exc:
        analysis_run_finish(run=run, error=f"{type(exc).__name__}: {exc}")
        raise
    analysis_run_finish(run=run)
    return run


def analysis_refresh_request(*, community: Community) -> tuple[AnalysisRun, bool]:
    """Queue a full refresh of the community's analysis now, as the schedule does (posts still
    awaiting analysis, then every theme scope), recorded at once as a queued run the Analysis page
    follows. Debounced: while a run is queued or running, that run is returned and nothing is
    queued. Returns the run and whether it is new."""
    from research.run_selectors import analysis_runs_active
    from research.tasks import queue_task, refresh_themes

    with transaction.atomic():
        # Two moderators clicking at once: the second waits on this lock, then finds the first's run.
        list(Community.objects.select_for_update().filter(pk=community.pk).values_list("pk", flat=True))
        active = analysis_runs_active(community=community)
        if active:
            return active[-1], False
        run = AnalysisRun.objects.create(community=community, kind=RunKind.THEMES, state=RunState.QUEUED)

        def send() -> None:
            try:
                queue_task(refresh_themes, community.pk, run.pk)
            except Exception as exc:
                # The broker is unreachable (or, in-process, the refresh itself failed): the run
                # must not stay "queued" and hold off every later refresh.
                logger.exception("Could not run the refresh of community %s", community.pk)
                run.refresh_from_db(fields=["state"])
                if not run.is_finished:
                    analysis_run_finish(
                        run=run, error=f"Could not queue the refresh: {type(exc).__name__}: {exc}"
                    )

        transaction.on_commit(send)
    return run, True


def themes_recount(*, theme_ids: Iterable[int]) -> None:
    """Recompute counts, sentiment mix and summary from the memberships of published posts."""
    from research.selectors import evidence_q

    ids = list(set(theme_ids))
    if not ids:
        return
    posts: dict[int, set[int]] = defaultdict(set)
    authors: dict[int, set[int]] = defaultdict(set)
    mixes: dict[int, Counter] = defaultdict(Counter)
    for theme_id, post_id, author_id, sentiment in ThemePost.objects.filter(
        evidence_q(), theme_id__in=ids, post__status=PostStatus.PUBLISHED
    ).values_list("theme_id", "post_id", "post__author_id", "post__analysis__sentiment"):
        posts[theme_id].add(post_id)
        authors[theme_id].add(author_id)
        mixes[theme_id][sentiment or "neutral"] += 1
    now = timezone.now()
    themes = list(Theme.objects.filter(pk__in=ids))
    for theme in themes:
        mix = mixes[theme.pk]
        theme.post_count = len(posts[theme.pk])
        theme.participant_count = len(authors[theme.pk])
        theme.sentiment_mix = {s: mix.get(s, 0) for s in SENTIMENTS}
        theme.summary = theme_summary(
            post_count=theme.post_count, participant_count=theme.participant_count, sentiment_mix=dict(mix)
        )
        theme.updated_at = now
    Theme.objects.bulk_update(
        themes, ["post_count", "participant_count", "sentiment_mix", "summary", "updated_at"]
    )


def themes_assign_posts(*, post_ids: Iterable[int]) -> int:
    """Put newly analysed posts into the existing themes of every scope they fall in, without a refit.

    Returns the number of memberships written. Posts that are not published or
    not analysable are only taken out of themes.
    """
    ids = sorted(set(post_ids))
    if not ids:
        return 0
    posts = list(
        Post.objects.filter(pk__in=ids)
        .select_related("author")
        .only("id", "community_id", "discussion_id", "created_at", "status", "author__segments")
    )
    written = 0
    with transaction.atomic():
        # An edited post may move between themes; start from a clean slate for these posts.
        old_theme_ids = set(ThemePost.objects.filter(post_id__in=ids).values_list("theme_id", flat=True))
        ThemePost.objects.filter(post_id__in=ids).delete()
        touched: set[int] = set(old_theme_ids)
        by_community: dict[int, list[Post]] = defaultdict(list)
        for post in posts:
            if post.status == PostStatus.PUBLISHED:
                by_community[post.community_id].append(post)
        for community_id, community_posts in by_community.items():
            themes = list(
                Theme.objects.filter(community_id=community_id, retired_at__isnull=True).order_by(
                    "scope_key", "key"
                )
            )
            if not themes:
                continue
            community = Community(pk=community_id)
            docs = {
                d.key: d
                for d in _scope_docs(
                    community=community, scope=Scope(), post_ids=[p.pk for p in community_posts]
                )
            }
            by_scope: dict[str, list[Theme]] = defaultdict(list)
            for theme in themes:
                by_scope[theme.scope_key].append(theme)
            # (theme, post) -> copied by a merge only; a direct membership wins over a copy.
            rows: dict[tuple[int, int], bool] = {}
            for scope_themes in by_scope.values():
                scope = Scope.of(scope_themes[0])
                scope_docs = [
                    docs[str(p.pk)]
                    for p in community_posts
                    if str(p.pk) in docs
                    and scope.contains(
                        discussion_id=p.discussion_id, segments=p.author.segments, created_at=p.created_at
                    )
                ]
                if not scope_docs:
                    continue
                by_key = {t.key: t for t in scope_themes}
                results = [_theme_as_result(t) for t in scope_themes]
                assignment = _assign_to_themes(scope_docs, results)
                if any(t.split_post_ids for t in scope_themes):
                    assignment = _respect_splits(
                        assignment, docs=scope_docs, themes=scope_themes, results=results
                    )
                for doc_key, theme_keys in assignment.items():
                    for theme_key in dict.fromkeys(theme_keys):
                        theme = by_key.get(theme_key)
                        if theme is None:
                            continue
                        rows[(theme.pk, int(doc_key))] = False
                        touched.add(theme.pk)
                        if theme.merged_into_id:
                            rows.setdefault((theme.merged_into_id, int(doc_key)), True)
                            touched.add(theme.merged_into_id)
            ThemePost.objects.bulk_create(
                [
                    ThemePost(theme_id=theme_id, post_id=post_id, from_merge=copied)
                    for (theme_id, post_id), copied in rows.items()
                ],
                ignore_conflicts=True,
            )
            written += len(rows)
        themes_recount(theme_ids=touched)
    return written


def _respect_splits(
    assignment: dict[str, list[str]],
    *,
    docs: Sequence[ThemeDoc],
    themes: Sequence[Theme],
    results: Sequence[ThemeResult],
) -> dict[str, list[str]]:
    """A researcher's split holds for new and edited posts: a post the researcher moved stays in the
    split, one they left stays out of it, and any other post joins at most one of a parent and its
    splits, the one it is closest to (ties go to the parent)."""
    by_pk = {t.pk: t for t in themes}
    families: dict[int | None, list[Theme]] = defaultdict(list)
    for theme in sorted(themes, key=lambda t: t.pk):
        if theme.split_post_ids:
            families[theme.split_from_id if theme.split_from_id in by_pk else None].append(theme)
    pinned = {t.pk: {str(p) for p in t.split_post_ids} for family in families.values() for t in family}
    kept = {t.pk: {str(p) for p in t.split_kept_post_ids} for family in families.values() for t in family}
    scores = _theme_scores(docs, results)
    out: dict[str, list[str]] = {}
    for doc in docs:
        keys = set(assignment.get(doc.key, []))
        for parent_id, splits in families.items():
            parent = by_pk.get(parent_id) if parent_id is not None else None
            owner = next((s for s in reversed(splits) if doc.key in pinned[s.pk]), None)
            if owner is None:
                present = [s for s in splits if s.key in keys and doc.key not in kept[s.pk]]
                if not present:
                    keys.difference_update(s.key for s in splits)
                    continue
                closest = _closest_in_family(
                    scores.get(doc.key, {}),
                    parent_key=parent.key if parent is not None and parent.key in keys else None,
                    split_keys=[s.key for s in present],
                )
                owner = next((s for s in present if s.key == closest), None)
            keys.difference_update(s.key for s in splits if s is not owner)
            if owner is not None:
                keys.add(owner.key)
                if parent is not None:
                    keys.discard(parent.key)
        out[doc.key] = sorted(keys)
    return out


def _theme_as_result(theme: Theme) -> ThemeResult:
    return ThemeResult(
        key=theme.key,
        label=theme.label,
        terms=list(theme.terms or []),
        doc_keys=[],
        participant_count=theme.participant_count,
        sentiment_mix=dict(theme.sentiment_mix or {}),
        quote_keys=[],
        code_key=f"code:{theme.code_id}" if theme.code_id else None,
    )


def _refresh_pending_key(community_id: int) -> str:
    return f"research:theme-refresh-pending:{community_id}"


def themes_refresh_soon(*, community_id: int) -> bool:
    """Debounce full theme refreshes: at most one queued per community per debounce window.

    Returns whether a refresh was queued. New posts meanwhile join existing themes
    by `themes_assign_posts`, so nothing waits on the refresh to be counted.
    """
    from research.tasks import refresh_themes

    delay = settings.VERBATIM["THEME_REFRESH_DEBOUNCE_SECONDS"]
    if not cache.add(_refresh_pending_key(community_id), timezone.now().isoformat(), timeout=delay * 4):
        return False
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # In-process mode has no timer: a full refit on every post would stall the request,
        # so the refresh waits for `analyze` or the scheduler; new posts are already assigned.
        return False
    refresh_themes.apply_async(args=[community_id], countdown=delay)
    return True


# --- Curation (researchers' edits that refreshes must preserve) ---


def theme_rename(*, theme: Theme, label: str) -> Theme:
    label = label.strip()
    if len(label) > 200:
        raise ValueError("label: at most 200 characters.")
    theme.researcher_label = label
    theme.updated_at = timezone.now()
    theme.save(update_fields=["researcher_label", "updated_at"])
    return theme


def theme_set_hidden(*, theme: Theme, hidden: bool) -> Theme:
    theme.is_hidden = hidden
    theme.updated_at = timezone.now()
    theme.save(update_fields=["is_hidden", "updated_at"])
    return theme


def theme_merge(*, theme: Theme, into: Theme) -> Theme:
    """Merge `theme` into `into` (same community and scope): its posts count for `into` from now on."""
    if theme.pk == into.pk or theme.community_id != into.community_id or theme.scope_key != into.scope_key:
        raise ValueError("merged_into: a theme can only be merged into another theme of the same scope.")
    if into.merged_into_id:
        raise ValueError("merged_into: that theme is itself merged; merge into its target instead.")
    with transaction.atomic():
        Theme.objects.filter(merged_into=theme).update(merged_into=into)
        theme.merged_into = into
        theme.updated_at = timezone.now()
        theme.save(update_fields=["merged_into", "updated_at"])
        _reapply_merges(community=theme.community, scope_key=theme.scope_key)
    return theme


def code_create(
    *, community: Community, name: str, description: str = "", examples: Sequence[str] = (), created_by=None
) -> Code:
    name = name.strip()
    if not name or len(name) > 120:
        raise ValueError("name: 1 to 120 characters.")
    cleaned = [e.strip() for e in examples if e and e.strip()]
    if len(cleaned) > 50:
        raise ValueError("examples: at most 50 example phrases.")
    return Code.objects.create(
        community=community,
        name=name,
        description=description.strip(),
        examples=cleaned,
        created_by=created_by,
    )


# --- Import of posts from elsewhere ---


@dataclass
class ImportResult:
    posts: int = 0
    members_created: int = 0
    discussions_created: int = 0
    post_ids: list[int] | None = None


def _imported_username(community: Community, author: str) -> str:
    username = f"imported-{community.pk}-{author}"
    if len(username) > 150:
        username = f"imported-{community.pk}-{hashlib.sha256(author.encode()).hexdigest()}"
    return username


def posts_import(*, community: Community, rows: Sequence[ImportRow]) -> ImportResult:
    """Create imported members, discussions (by import key) and posts for validated rows, all or nothing.

    Members get an inactive user with an unusable password: they exist to own
    their posts, never to log in. Ids already imported into the community are
    refused (raises ValueError naming the lines) so a file is never half-applied twice.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from community.markdown import render_markdown
    from community.models import Membership, Role, generate_pseudonym
    from community.pii import redact_contact_details

    user_model = get_user_model()
    result = ImportResult()
    with transaction.atomic():
        already = set(
            Post.objects.filter(community=community, imported_id__in=[r.id for r in rows]).values_list(
                "imported_id", flat=True
            )
        )
        if already:
            clashes = [f"line {r.line}: id {r.id!r} was already imported" for r in rows if r.id in already]
            raise ValueError("\n".join(clashes))

        usernames = {r.author: _imported_username(community, r.author) for r in rows}
        members = {
            m.user.username: m
            for m in Membership.objects.filter(community=community, user__username__in=usernames.values())
            .select_related("user")
            .only("id", "user__username")
        }
        new_authors = [a for a, u in usernames.items() if u not in members]
        if new_authors:
            # One unusable hash for everybody: these accounts can never log in.
            unusable = make_password(None)
            users = user_model.objects.bulk_create(
                [
                    user_model(username=usernames[a], password=unusable, is_active=False, first_name=a[:150])
                    for a in new_authors
                ]
            )
            taken = set(Membership.objects.filter(community=community).values_list("pseudonym", flat=True))
            new_members = []
            for user in users:
                pseudonym = generate_pseudonym(taken)
                taken.add(pseudonym)
                new_members.append(
                    Membership(
                        user=user,
                        community=community,
                        role=Role.PARTICIPANT,
                        pseudonym=pseudonym,
                        is_imported=True,
                    )
                )
            for member in Membership.objects.bulk_create(new_members):
                members[member.user.username] = member
            result.members_created = len(new_members)

        discussions = {
            d.import_key: d
            for d in Discussion.objects.filter(
                community=community, import_key__in={r.discussion for r in rows}
            )
        }
        new_keys = sorted({r.discussion for r in rows} - set(discussions))
        if new_keys:
            position = (
                Discussion.objects.filter(community=community)
                .order_by("-position")
                .values_list("position", flat=True)
                .first()
                or 0
            )
            created = Discussion.objects.bulk_create(
                [
                    Discussion(
                        community=community,
                        title=key[:200],
                        import_key=key,
                        is_draft=False,
                        position=position + i + 1,
                    )
                    for i, key in enumerate(new_keys)
                ]
            )
            discussions.update({d.import_key: d for d in created})
            result.discussions_created = len(created)

        now = timezone.now()
        posts = Post.objects.bulk_create(
            [
                Post(
                    community=community,
                    discussion=discussions[r.discussion],
                    author=members[usernames[r.author]],
                    body=r.text,
                    body_html=render_markdown(r.text),
                    # Until analysed, clients read the regex redaction (imported members have no names).
                    client_body_html=render_markdown(redact_contact_details(r.text)),
                    status=PostStatus.PUBLISHED,
                    created_at=r.created_at or now,
                    imported_id=r.id,
                )
                for r in rows
            ],
            batch_size=1000,
        )
        result.posts = len(posts)
        result.post_ids = [p.pk for p in posts]
    return result
