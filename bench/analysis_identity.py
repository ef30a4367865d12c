"""Check that the analysis output is byte-identical to a reference version of its code.

    .venv/bin/python bench/analysis_identity.py [--ref HEAD] [--limit N] [--show 5]

A speed-up of the per-post analysis must not change a single record. This runs two
implementations over the same parsed posts and compares what they produce:

- the reference: `research/analysis/enrich.py` and the functions named in
  REF_SENTIMENT_FUNCTIONS of `research/analysis/sentiment.py` as they are at --ref
  (read with `git show`, nothing in the work tree is touched); every other sentiment
  function is the current one, so only the code under test differs;
- the current code in the work tree.

Compared, per post: every sentiment valence (token and exact float, by repr) and the
whole `PostEnrichment` (its repr, so -0.0 and 0.0 differ). Posts: the shared corpora
(SHARED_DIR, default ../shared: semeval14 and mams restaurant posts), the demo
community's posts, probe answers and live-session lines, and posts of 2 to 4 of those
sentences joined (cross-sentence contrast). Every post is run with the demo's brand
lexicon, and every other one also with a small learned-lexicon stand-in. Each model
parse is shared by both sides; the per-doc memos in `doc.user_data` are cleared
between them (the current side is handed the text, as `enrich_texts` does). Also
compared: `check_text`'s verdict on every post and on a few texts it turns away, and
each Doc's text against the text parsed (what handing the text over relies on).
Exit status 1 on any difference.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import os
import random
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REF_SENTIMENT_FUNCTIONS = ("_clause_weights", "sentence_valences")
# A stand-in for a community's learned adjective valences, to run that path too.
# Texts check_text turns away (or nearly), beside the corpora's English posts.
NOT_ANALYSABLE = (
    "",
    "   ",
    "123 456",
    "!!!",
    "x" * 30_000,
    "Привет, как дела у тебя сегодня?",
    "日本語のテキストです",
    "Hola, el servicio es muy bueno y la comida también",
    "Le service est pas mal mais les prix sont trop élevés pour nous",
    "café crème brûlée, ñandú, straße 😡",
)
DOMAIN_STAND_IN = {"crispy": 1.2, "soggy": -1.5, "bland": -1.2, "stale": -1.5, "pushy": -1.0, "comfy": 1.0}


def _git_show(ref: str, path: str) -> str:
    return subprocess.run(
        ["git", "show", f"{ref}:{path}"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def _reference(ref: str, sa: types.ModuleType, enrich_file: str = "") -> tuple[types.ModuleType, dict]:
    """The reference enrich module, and the reference sentiment functions to patch into `sa`."""
    enrich = types.ModuleType("research.analysis._identity_ref_enrich")
    if enrich_file:
        enrich.__file__, source = enrich_file, Path(enrich_file).read_text(encoding="utf-8")
    else:
        enrich.__file__, source = (
            f"<{ref}:research/analysis/enrich.py>",
            _git_show(ref, "research/analysis/enrich.py"),
        )
    exec(compile(source, enrich.__file__, "exec"), enrich.__dict__)
    tree = ast.parse(_git_show(ref, "research/analysis/sentiment.py"))
    wanted = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in REF_SENTIMENT_FUNCTIONS]
    missing = set(REF_SENTIMENT_FUNCTIONS) - {n.name for n in wanted}
    if missing:
        raise SystemExit(f"not in {ref}'s sentiment.py: {sorted(missing)}")
    # Run in a copy of the current module's namespace: the old bodies call the current helpers.
    namespace = dict(vars(sa))
    exec(compile(ast.Module(body=wanted, type_ignores=[]), f"<{ref}:sentiment.py>", "exec"), namespace)
    return enrich, {name: namespace[name] for name in REF_SENTIMENT_FUNCTIONS}


def _demo_texts() -> list[str]:
    from community.demo import live_script, threads

    out: list[str] = []

    def walk(msg) -> None:
        out.append(msg.body)
        if msg.original:
            out.append(msg.original)
        for reply in msg.replies:
            walk(reply)

    for thread_list in threads.THREADS.values():
        for msg in thread_list:
            walk(msg)
    out.extend(p.answer for p in threads.PROBES if p.answer)
    for step in live_script.STEPS:
        if step and step[0] in ("say", "answer") and isinstance(step[-1], str):
            out.append(step[-1])
    return out


def _texts(shared: Path, limit: int | None, seed: int) -> list[str]:
    texts: list[str] = []
    for name in ("semeval14_restaurants", "mams_restaurants"):
        with (shared / "data" / f"{name}.posts.jsonl").open(encoding="utf-8") as f:
            texts.extend(json.loads(line)["text"] for line in f if line.strip())
    texts.extend(_demo_texts())
    texts = list(dict.fromkeys(t for t in texts if t.strip()))
    rng = random.Random(seed)
    joined = [" ".join(rng.sample(texts, rng.randint(2, 4))) for _ in range(len(texts) // 4)]
    texts.extend(joined)
    if limit:
        texts = rng.sample(texts, min(limit, len(texts)))
    return texts


def _clear_memos(doc) -> None:
    for key in [k for k in doc.user_data if isinstance(k, str) and k.startswith("vb_")]:
        del doc.user_data[key]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ref", default="HEAD", help="git revision of the reference code (default HEAD)")
    parser.add_argument(
        "--ref-enrich",
        default="",
        metavar="FILE",
        help="use this file as the reference enrich.py (e.g. --ref's with other, wanted changes applied)",
    )
    parser.add_argument("--limit", type=int, default=0, help="check only this many posts (sampled)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--show", type=int, default=5, help="differences to print in full")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from community.demo import content
    from research.analysis import enrich, sentiment
    from research.analysis.pipeline import get_nlp
    from research.analysis.types import BrandLexicon

    ref_enrich, ref_functions = _reference(args.ref, sentiment, args.ref_enrich)
    new_functions = {name: getattr(sentiment, name) for name in ref_functions}
    lexicon = BrandLexicon(
        brand_terms=(content.COMMUNITY["brand_name"], *content.COMMUNITY["brand_aliases"]),
        competitor_terms=tuple(content.COMMUNITY["competitor_brands"]),
    )
    shared = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
    texts = _texts(shared, args.limit, args.seed)
    nlp = get_nlp()
    print(
        f"reference: enrich.py {args.ref_enrich or 'at ' + args.ref}, "
        f"sentiment.{', sentiment.'.join(ref_functions)} at {args.ref}"
    )
    print(f"{len(texts):,} posts; parsing ...", flush=True)

    # Which texts are analysed at all: the reference's reasons against the current ones.
    checks = [*texts, *NOT_ANALYSABLE]
    reasons_differing = sum(ref_enrich.check_text(t) != enrich.check_text(t) for t in checks)
    checked = differing = text_kept = 0
    cpu = {"reference": 0.0, "current": 0.0}
    # The current enrich_doc may take the text the Doc was parsed from, as enrich_texts passes it.
    takes_text = "text" in inspect.signature(enrich.enrich_doc).parameters
    for n, doc in enumerate(nlp.pipe(texts, batch_size=64)):
        text_kept += doc.text == texts[n]  # spaCy keeps the text whole: what passing it relies on
        extra = {"text": texts[n]} if takes_text else {}
        for domain in (None, DOMAIN_STAND_IN) if n % 2 else (None,):
            out = {}
            for side, module, functions, kwargs in (
                ("reference", ref_enrich, ref_functions, {}),
                ("current", enrich, new_functions, extra),
            ):
                for name, fn in functions.items():
                    setattr(sentiment, name, fn)
                try:
                    _clear_memos(doc)
                    started = time.process_time()
                    valences = [
                        (v.token_i, repr(v.value)) for v in sentiment.doc_valences(doc, domain=domain)
                    ]
                    _clear_memos(doc)
                    record = repr(module.enrich_doc(doc, lexicon=lexicon, domain=domain, **kwargs))
                    cpu[side] += time.process_time() - started
                finally:
                    for name, fn in new_functions.items():
                        setattr(sentiment, name, fn)
                out[side] = (valences, record)
            checked += 1
            if out["reference"] != out["current"]:
                differing += 1
                if differing <= args.show:
                    print(f"\nDIFFERENT (domain={'on' if domain else 'off'}): {doc.text[:200]!r}")
                    for n_part, part in enumerate(("valences", "record")):
                        old, new = out["reference"][n_part], out["current"][n_part]
                        if old != new:
                            print(f"  {part} reference: {old}\n  {part} current:   {new}")
    print(
        f"{checked:,} enrichments compared ({len(texts):,} posts), {differing} different; "
        f"Doc.text equal to the text parsed: {text_kept:,}/{len(texts):,}; "
        f"check_text reasons different: {reasons_differing}/{len(checks):,}; "
        f"CPU in valences + enrich_doc: reference {cpu['reference']:.1f} s, current {cpu['current']:.1f} s"
    )
    return 1 if differing or reasons_differing or text_kept != len(texts) else 0


if __name__ == "__main__":
    raise SystemExit(main())
