#!/usr/bin/env bash
# Knowledge benchmark: StackFAQ retrieval quality (MAP, MRR, P@1, nDCG@10) of frontline's
# BM25F index; one document per FAQ thread (question as title, answers as body), the
# 1,249 user queries against it. No training on the queries.
#
# usage: bash bench/knowledge.sh [path/to/frontline]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA="$ROOT/../shared/data"
FL="${1:-$ROOT/build/frontline}"
PY=/usr/bin/python3
if [ ! -d "$DATA" ]; then echo "skipping: ../shared/data not found (looked for $DATA)"; exit 0; fi
[ -x "$FL" ] || { echo "error: $FL not found; run make build" >&2; exit 1; }
WORK=$(mktemp -d /tmp/frontline-knowledge.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

$PY - "$DATA/kb-retrieval-stackfaq" "$WORK" <<'PYEOF'
import csv, os, sys
src, work = sys.argv[1], sys.argv[2]
os.makedirs(f"{work}/faq")
for row in csv.DictReader(open(f"{src}/faq_items.tsv", newline="", encoding="utf-8"), delimiter="\t"):
    answers = row["answers_joined_by_|||"].split("|||")
    with open(f"{work}/faq/{row['faq_id']}.md", "w", encoding="utf-8") as f:
        f.write("# " + row["question"].strip() + "\n\n" + "\n\n".join(a.strip() for a in answers) + "\n")
with open(f"{work}/queries.txt", "w", encoding="utf-8") as q, open(f"{work}/gold.txt", "w") as g:
    for row in csv.DictReader(open(f"{src}/queries.tsv", newline="", encoding="utf-8"), delimiter="\t"):
        q.write(" ".join(row["query"].split()) + "\n"); g.write(row["relevant_faq_id"] + "\n")
PYEOF

run() {  # name, index flags...
  local name=$1; shift
  "$FL" -q index --out "$WORK/idx-$name" --max-chunk 1000000 "$@" "$WORK/faq"
  "$FL" -q search --index "$WORK/idx-$name" --json -k 100 --queries "$WORK/queries.txt" > "$WORK/$name.jsonl"
  $PY - "$name" "$WORK/$name.jsonl" "$WORK/gold.txt" <<'PYEOF'
import json, math, sys
name, results, gold = sys.argv[1], [json.loads(l) for l in open(sys.argv[2])], [l.strip() for l in open(sys.argv[3])]
ap = p1 = ndcg = 0.0
for r, g in zip(results, gold):
    ranked = []
    for h in r["hits"]:
        d = h["doc"].split("#")[0].rsplit(".", 1)[0]
        if d not in ranked: ranked.append(d)
    if g in ranked:
        k = ranked.index(g) + 1
        ap += 1 / k; p1 += k == 1; ndcg += 1 / math.log2(k + 1) if k <= 10 else 0
n = len(gold)
print(f"{name:<34} {ap/n:>7.4f} {ap/n:>7.4f} {p1/n:>7.4f} {ndcg/n:>8.4f}")
PYEOF
}
echo "StackFAQ: 125 threads, $(wc -l < "$WORK/queries.txt") queries, one relevant thread each"
printf '%-34s %7s %7s %7s %8s\n' configuration MAP MRR P@1 nDCG@10
run "bm25 plain (no stem, stop words)" --no-stem --keep-stopwords --title-weight 3
run "bm25 + stop words" --no-stem --title-weight 3
run "bm25f default (stem, stop, title x3)"
echo "(one relevant document per query, so MAP = MRR)"
