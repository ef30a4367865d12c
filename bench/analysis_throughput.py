"""Analysis throughput, theme refresh time and worker memory, on one machine, in one run.

    .venv/bin/python bench/analysis_throughput.py [--posts 600] [--rounds 5] [--refresh-posts 20000]

Prints, on the same posts:
- raw spaCy `nlp.pipe` words per second for the configured model (the floor of the cost).
  The reference is `spacy.load(model)` as the package ships it, every component enabled
  (tok2vec, tagger, parser, attribute_ruler, lemmatizer, ner), piped with the worker's batch
  size in this same process, its Docs discarded. The analysis reads all of them (tags, parts
  of speech, the parse and sentences, lemmas, entities), so neither side disables any; the
  worker's pipeline only adds the `verbatim_pii` component;
- the end-to-end rate: posts already in the database -> PostAnalysis rows written
  (read, our pipeline components and rules, bulk writes), and its ratio to raw (goal >= 0.85).
  Both run over the same posts in --rounds alternating rounds (the posts' records are
  deleted, untimed, before each round, so every round writes them all); the ratio is taken
  per round, so load from other processes hits both sides alike, and the medians over the
  rounds are printed with their range. Rates are words (non-space tokens, counted once by the
  tokenizer, untimed) per second of wall time and per second of this process's CPU time
  (time.process_time): the CPU figures are what contention distorts least, and their ratio
  is our own cost on top of spaCy. The end-to-end CPU time is split into the spaCy pipeline
  (with verbatim_pii and the text checks), the per-post rules (enrich_doc) and the Django side;
- the time of a full theme refresh over --refresh-posts posts (goal <= 30 s);
- this process's peak resident memory (it plays the Celery worker).

Posts are synthesised from the shared evaluation corpora (SHARED_DIR, default
../shared): 1 to 3 sentences each for throughput; for the refresh, sentences
drawn with replacement, each analysed for real once. Uses a fresh SQLite file
under var/bench/ unless BENCH_DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup_django() -> None:
    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        db = bench_dir / "bench.sqlite3"
        db.unlink(missing_ok=True)
        url = f"sqlite:///{db}"
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _sentences(shared: Path) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for name in ("semeval14_restaurants", "mams_restaurants"):
        with (shared / "data" / f"{name}.posts.jsonl").open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    text = json.loads(line)["text"].strip()
                    if text and text not in seen:
                        seen.add(text)
                        out.append(text)
    return out


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _peak_mb() -> float:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _import(community, texts: list[str], *, authors: int, prefix: str) -> list[int]:
    from research.imports import ImportRow
    from research.services import posts_import

    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        ImportRow(
            line=i + 1,
            id=f"{prefix}-{i}",
            author=f"p{i % authors:04d}",
            discussion=f"d{i % 5}",
            text=text,
            created_at=start + timedelta(minutes=i),
        )
        for i, text in enumerate(texts)
    ]
    return posts_import(community=community, rows=rows).post_ids or []


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _spread(values: list[float], fmt: str) -> str:
    return f"{format(min(values), fmt)}-{format(max(values), fmt)}"


def _throughput(texts: list[str], post_ids: list[int], rounds: int, batch: int, model: str) -> None:
    """Raw spaCy and end to end on the same posts, alternating, `rounds` times.

    Load from other processes on a shared machine comes and goes within seconds, so each
    round measures both sides back to back (their order alternating) and the ratio is
    taken per round; the figures are the medians over the rounds, with their range.
    """
    import spacy

    from research import services
    from research.analysis import enrich
    from research.analysis.pipeline import get_nlp
    from research.models import PostAnalysis

    raw_nlp = spacy.load(model)
    get_nlp(model)  # the worker's pipeline, loaded once as in a worker
    warm = texts[:100]
    list(raw_nlp.pipe(warm, batch_size=batch))
    services._enrich_texts(warm, lexicon=services.BrandLexicon())
    # Words are counted once, untimed, by the tokenizer (no component re-tokenizes).
    words = sum(1 for text in texts for t in raw_nlp.make_doc(text) if not t.is_space)

    # CPU time inside the NLP seam and inside the per-post rules, to split the end-to-end cost.
    spent = {"enrich_texts": 0.0, "enrich_doc": 0.0}
    real_enrich_texts, real_enrich_doc = services._enrich_texts, enrich.enrich_doc

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            started = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] += time.process_time() - started

        return wrapper

    services._enrich_texts = timed("enrich_texts", real_enrich_texts)
    enrich.enrich_doc = timed("enrich_doc", real_enrich_doc)
    rows = []
    try:
        for r in range(rounds):
            PostAnalysis.objects.filter(post_id__in=post_ids).delete()  # untimed: every round writes all
            spent.update(enrich_texts=0.0, enrich_doc=0.0)
            measured = {}
            for side in ("raw", "e2e") if r % 2 == 0 else ("e2e", "raw"):
                wall, cpu = time.perf_counter(), time.process_time()
                if side == "raw":
                    for _ in raw_nlp.pipe(texts, batch_size=batch):
                        pass
                else:
                    written = services.posts_analyze(post_ids=post_ids).written
                    assert written == len(post_ids), written
                measured[side] = (time.perf_counter() - wall, time.process_time() - cpu)
            (raw_wall, raw_cpu), (e2e_wall, e2e_cpu) = measured["raw"], measured["e2e"]
            rows.append(
                {
                    "raw_wall": words / raw_wall,
                    "raw_cpu": words / raw_cpu,
                    "e2e_wall": words / e2e_wall,
                    "e2e_cpu": words / e2e_cpu,
                    "ratio_wall": raw_wall / e2e_wall,
                    "ratio_cpu": raw_cpu / e2e_cpu,
                    # Shares of the end-to-end CPU time.
                    "pipeline": (spent["enrich_texts"] - spent["enrich_doc"]) / e2e_cpu,
                    "rules": spent["enrich_doc"] / e2e_cpu,
                    "django": (e2e_cpu - spent["enrich_texts"]) / e2e_cpu,
                    "own_vs_raw": (e2e_cpu - raw_cpu) / raw_cpu,
                }
            )
            row = rows[-1]
            print(
                f"  round {r + 1}: raw {row['raw_wall']:6,.0f} w/s wall {row['raw_cpu']:6,.0f} w/CPU-s | "
                f"end to end {row['e2e_wall']:6,.0f} w/s wall {row['e2e_cpu']:6,.0f} w/CPU-s | "
                f"ratio {row['ratio_wall']:.2f} wall {row['ratio_cpu']:.2f} CPU",
                flush=True,
            )
    finally:
        services._enrich_texts, enrich.enrich_doc = real_enrich_texts, real_enrich_doc

    def med(key: str, fmt: str = ",.0f") -> str:
        values = [row[key] for row in rows]
        return f"{format(_median(values), fmt)} (range {_spread(values, fmt)})"

    print(f"medians over {rounds} rounds of {len(texts):,} posts, {words:,} words (non-space tokens) each:")
    print(f"  raw spaCy nlp.pipe:         {med('raw_wall')} words/s wall, {med('raw_cpu')} words/CPU-s")
    print(f"  end to end (DB -> records): {med('e2e_wall')} words/s wall, {med('e2e_cpu')} words/CPU-s")
    print(
        f"  ratio end to end / raw, per round: {med('ratio_wall', '.2f')} wall, "
        f"{med('ratio_cpu', '.2f')} CPU   (goal >= 0.85)"
    )
    print(
        f"  end-to-end CPU: spaCy pipeline incl. verbatim_pii and text checks {med('pipeline', '.0%')}, "
        f"per-post rules (enrich_doc) {med('rules', '.0%')}, Django side (read, hash, records, bulk writes) "
        f"{med('django', '.0%')}; end-to-end CPU above raw: {med('own_vs_raw', '.0%')}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=600, help="posts for the throughput comparison")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds of raw and end to end")
    parser.add_argument("--refresh-posts", type=int, default=20_000, help="posts for the theme refresh")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    _setup_django()
    import spacy
    from django.conf import settings

    from community.models import Community
    from research import services
    from research.models import PostAnalysis

    shared = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
    pool = _sentences(shared)
    rng = random.Random(args.seed)
    texts = [" ".join(rng.sample(pool, rng.randint(1, 3))) for _ in range(args.posts)]
    model = settings.VERBATIM["SPACY_MODEL"]
    batch = settings.VERBATIM["ANALYSIS_NLP_BATCH"]
    print(
        f"model {model}, spaCy {spacy.__version__}, batch {batch}, {len(pool)} corpus sentences, "
        f"{args.posts} posts, {os.cpu_count()} CPUs, load average {_load()}"
    )

    community = Community.objects.create(name="Bench", slug="bench", brand_name="Bench")
    post_ids = _import(community, texts, authors=300, prefix="t")
    _throughput(texts, post_ids, args.rounds, batch, model)
    print(f"worker peak memory after analysis: {_peak_mb():,.0f} MB; load average {_load()}")

    # 3. A full theme refresh over many posts (each sentence analysed once, for real).
    unique = sorted(set(pool))
    enrichments = dict(
        zip(unique, services._enrich_texts(unique, lexicon=services.BrandLexicon()), strict=True)
    )
    refresh_texts = [rng.choice(unique) for _ in range(args.refresh_posts)]
    big = Community.objects.create(name="Bench big", slug="bench-big", brand_name="Bench")
    big_ids = _import(big, refresh_texts, authors=1500, prefix="r")
    version = services.analyzer_version()
    now = datetime.now(UTC)
    from community.models import Post

    records = [
        services._analysis_from(
            enrichments[post.body], post=post, digest=services.text_hash(post.body), version=version, now=now
        )
        for post in Post.objects.filter(pk__in=big_ids).only("id", "body", "community_id")
    ]
    PostAnalysis.objects.bulk_create(records, batch_size=2000)
    # The first refresh in a process also imports scikit-learn/SciPy (a worker pays that once);
    # the second is what a warm worker's scheduled refresh costs, matching the previous themes.
    for name in ("cold: first in this worker, imports scikit-learn", "warm: matching previous themes"):
        wall, cpu = time.perf_counter(), time.process_time()
        themes = services.themes_refresh(community=big)
        print(
            f"full theme refresh, {len(big_ids):,} posts: {time.perf_counter() - wall:6.1f} s wall, "
            f"{time.process_time() - cpu:5.1f} CPU-s ({len(themes)} themes; {name}; goal <= 30 s)"
        )
    new_ids = big_ids[:200]
    started = time.perf_counter()
    services.themes_assign_posts(post_ids=new_ids)
    print(f"incremental assignment of {len(new_ids)} posts: {time.perf_counter() - started:6.2f} s")
    print(f"worker peak memory: {_peak_mb():,.0f} MB (getrusage ru_maxrss); load average {_load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
