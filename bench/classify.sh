#!/usr/bin/env bash
# Classification benchmark: frontline vs fastText (default and strong configs) on
# banking77, clinc150 (in-scope) and the Endava IT tickets (Kaggle topic labels).
#
# usage: bash bench/classify.sh [path/to/frontline]      (make bench passes build/frontline)
#
# Environment:
#   BENCH_SETS="banking77 clinc150 tickets"  data sets to run (default: all three)
#   FRONTLINE_TRAIN_ARGS="..."               extra flags for `frontline train`
#   BENCH_THREADS=2                          threads for both tools (default 2: fair comparison)
#   BENCH_SKIP_FRONTLINE=1                   run only the fastText baselines
#   FASTTEXT=/usr/bin/fasttext               fastText binary (skipped with a message if absent)
#   BENCH_KEEP_WORK=1                        keep the temporary work dir (converted data, logs)
#
# Data is read from ../shared/data next to the repository (never copied into the repo).
# Results: a table on stdout, bench/out/classify.txt and bench/out/classify.json.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
DATA_DIR="$ROOT/../shared/data"
PY=/usr/bin/python3

if [ ! -d "$DATA_DIR" ]; then
  echo "skipping: ../shared/data not found (looked for $DATA_DIR)"
  exit 0
fi
DATA_DIR="$(cd "$DATA_DIR" && pwd)"

if [ ! -x "$PY" ]; then
  echo "error: $PY not found (the benchmark helpers need the system Python 3)" >&2
  exit 1
fi

# --- frontline binary
FRONTLINE="${1:-$ROOT/build/frontline}"
if [ "${BENCH_SKIP_FRONTLINE:-0}" = "1" ]; then
  echo "note: BENCH_SKIP_FRONTLINE=1 — running the fastText baselines only" >&2
  FRONTLINE=""
elif [ ! -f "$FRONTLINE" ] || [ ! -x "$FRONTLINE" ]; then
  echo "error: frontline binary not found or not executable: $FRONTLINE" >&2
  echo "       build it first (make build), pass its path as the first argument," >&2
  echo "       or set BENCH_SKIP_FRONTLINE=1 to run only the fastText baselines" >&2
  exit 1
else
  FRONTLINE="$(cd "$(dirname "$FRONTLINE")" && pwd)/$(basename "$FRONTLINE")"
  if ! "$FRONTLINE" train --help >/dev/null 2>&1; then
    echo "error: '$FRONTLINE train --help' failed — this frontline build has no train command yet" >&2
    echo "       (set BENCH_SKIP_FRONTLINE=1 to run only the fastText baselines)" >&2
    exit 1
  fi
fi

# --- fastText binary
FASTTEXT="${FASTTEXT:-$(command -v fasttext || true)}"
if [ -z "$FASTTEXT" ] || [ ! -x "$FASTTEXT" ]; then
  echo "warning: fasttext not found (Debian package 'fasttext', see scripts/install-deps.sh);" \
       "skipping the fastText baselines" >&2
  FASTTEXT=""
fi
if [ -z "$FRONTLINE" ] && [ -z "$FASTTEXT" ]; then
  echo "error: neither frontline nor fasttext to benchmark" >&2
  exit 1
fi

SETS="${BENCH_SETS:-banking77 clinc150 tickets}"
THREADS="${BENCH_THREADS:-2}"
OUT_DIR="$BENCH_DIR/out"
mkdir -p "$OUT_DIR"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/frontline-bench.XXXXXX")"
cleanup() {
  if [ "${BENCH_KEEP_WORK:-0}" = "1" ]; then
    echo "work files kept in $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

"$PY" "$BENCH_DIR/classify.py" \
  --data-dir "$DATA_DIR" \
  --work-dir "$WORK" \
  --out-dir "$OUT_DIR" \
  --frontline "$FRONTLINE" \
  --fasttext "$FASTTEXT" \
  --sets "$SETS" \
  --threads "$THREADS" \
  "--frontline-train-args=${FRONTLINE_TRAIN_ARGS:-}"
