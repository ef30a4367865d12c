#!/usr/bin/env bash
# CI quality gate: import, analyse and export each public corpus, then score it
# beside the classic peers (NMF/LDA for themes, VADER for sentiment).
#
#   scripts/eval_gate.sh            (from the repository root; SHARED_DIR defaults to ../shared)
#   SHARED_DIR=/path/to/shared scripts/eval_gate.sh
#   OUT_DIR=/tmp/my-eval scripts/eval_gate.sh   (another output folder, for runs side by side)
#
# Each corpus gets a fresh SQLite database under var/eval/. Prints the full
# score output; exits non-zero if any corpus fails its bound.
set -uo pipefail

cd "$(dirname "$0")/.."
ROOT="$(pwd)"
SHARED_DIR="${SHARED_DIR:-../shared}"
DATA_DIR="$SHARED_DIR/data"
SCORE="$SHARED_DIR/eval/score.py"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
OUT_DIR="${OUT_DIR:-$ROOT/var/eval}"
mkdir -p "$OUT_DIR"

if [[ ! -f "$SCORE" ]]; then
    echo "eval_gate: $SCORE not found (set SHARED_DIR)" >&2
    exit 2
fi

status=0
for corpus in semeval14_restaurants mams_restaurants; do
    posts="$DATA_DIR/$corpus.posts.jsonl"
    gold="$DATA_DIR/$corpus.gold.jsonl"
    pred="$OUT_DIR/$corpus.pred.jsonl"
    db="$OUT_DIR/$corpus.sqlite3"
    slug="eval-${corpus//_/-}"
    bounds=(--min-themes-vs-peer 1.0)
    if [[ "$corpus" == semeval14_restaurants ]]; then
        bounds+=(--min-sentiment-vs-vader 1.0)
    fi
    echo "=== $corpus ==="
    rm -f "$db" "$pred"
    export DATABASE_URL="sqlite:///$db"
    # Eager, in-process tasks: the gate needs no broker.
    unset REDIS_URL
    started=$(date +%s)
    if ! "$PYTHON" manage.py migrate --noinput -v 0 \
        || ! "$PYTHON" manage.py import_posts "$posts" --community "$slug" --create \
        || ! "$PYTHON" manage.py analyze --community "$slug" \
        || ! "$PYTHON" manage.py export_analysis --community "$slug" --format jsonl --output "$pred"; then
        echo "eval_gate: $corpus: the pipeline failed before scoring" >&2
        status=1
        continue
    fi
    echo "($corpus: import + analyse + export took $(( $(date +%s) - started ))s)"
    "$PYTHON" "$SCORE" "$gold" "$pred" --posts "$posts" --peers "${bounds[@]}"
    rc=$?
    if [[ $rc -ne 0 ]]; then
        echo "eval_gate: $corpus FAILED (score.py exit $rc)"
        status=1
    else
        echo "eval_gate: $corpus passed"
    fi
done
exit $status
