"""Score the pure analysis code on a labelled corpus without Django.

    .venv/bin/python bench/eval_corpus.py POSTS.jsonl PRED.jsonl [--cache ENRICHED.jsonl]

Reads posts in the import format (../shared/data/README.md), runs enrich_texts
and build_themes exactly as the product does, and writes one line per post,
`{"id", "themes": [labels], "sentiment"}`, for ../shared/eval/score.py.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from research.analysis.domain_polarity import learn_domain_lexicon  # noqa: E402
from research.analysis.enrich import enrich_texts  # noqa: E402
from research.analysis.pipeline import get_nlp  # noqa: E402
from research.analysis.themes import build_themes  # noqa: E402
from research.analysis.types import BrandLexicon, ThemeDoc  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("posts")
    ap.add_argument("pred")
    ap.add_argument("--cache", help="reuse (or write) the enrichment of these posts")
    ap.add_argument("--max-themes", type=int, default=None)
    ap.add_argument(
        "--learn-domain",
        action="store_true",
        help="first learn the corpus's own adjective polarities (research.analysis.domain_polarity)",
    )
    a = ap.parse_args()

    with open(a.posts, encoding="utf-8") as f:
        posts = [json.loads(line) for line in f if line.strip()]
    cache = Path(a.cache) if a.cache else None
    if cache and cache.exists():
        with cache.open(encoding="utf-8") as f:
            enriched = [json.loads(line) for line in f]
        print(f"enrichment: read {len(enriched)} records from {cache}", file=sys.stderr)
    else:
        nlp = get_nlp()
        started = time.perf_counter()
        domain = None
        if a.learn_domain:
            learned = learn_domain_lexicon(nlp.pipe([p["text"] for p in posts], batch_size=64))
            domain = learned.words
            print(f"domain lexicon: {len(learned)} words, {learned.fingerprint}", file=sys.stderr)
        results = enrich_texts([p["text"] for p in posts], lexicon=BrandLexicon(), nlp=nlp, domain=domain)
        took = time.perf_counter() - started
        words = sum(len(p["text"].split()) for p in posts)
        print(
            f"enrichment: {len(posts)} posts, {words} words in {took:.1f} s "
            f"({len(posts) / took:.0f} posts/s, {words / took:.0f} words/s)",
            file=sys.stderr,
        )
        enriched = [r.to_json() for r in results]
        if cache:
            with cache.open("w", encoding="utf-8") as f:
                for row in enriched:
                    f.write(json.dumps(row) + "\n")

    docs = [
        ThemeDoc(
            key=p["id"],
            participant=p.get("author", ""),
            text=e["redacted_text"],
            terms=tuple(e["terms"]),
            sentiment=e["sentiment"],
        )
        for p, e in zip(posts, enriched, strict=True)
        if e["analysable"]
    ]
    started = time.perf_counter()
    themes = build_themes(docs, max_themes=a.max_themes)
    print(f"themes: {len(themes)} in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    for t in themes:
        print(
            f"  {t.label:40s} posts {len(t.doc_keys):5d} people {t.participant_count:4d} "
            f"{t.sentiment_mix} terms {t.terms[:8]}",
            file=sys.stderr,
        )
    label_of = {t.key: t.label for t in themes}
    membership: dict[str, list[str]] = {}
    for t in themes:
        for key in t.doc_keys:
            membership.setdefault(key, []).append(t.key)
    with open(a.pred, "w", encoding="utf-8") as f:
        for p, e in zip(posts, enriched, strict=True):
            labels = [label_of[k] for k in membership.get(p["id"], [])]
            f.write(json.dumps({"id": p["id"], "themes": labels, "sentiment": e["sentiment"]}) + "\n")


if __name__ == "__main__":
    main()
