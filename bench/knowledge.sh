#!/usr/bin/env bash
# Knowledge benchmark: StackFAQ retrieval quality (MAP, MRR, P@1, nDCG@10) of frontline's
# BM25F index; one document per FAQ thread (question as title, answers as body), the
# 1,249 user queries against it. The defaults were chosen on the queries of even thread
# ids; MAP_test reports the odd ones.
#
# Then the Xapian comparison: index build MB/s and query latency p50/p99 on a synthetic
# 100k-document corpus (KNOWLEDGE_DOCS=N to change), and StackFAQ MAP of both engines.
#
# usage: bash bench/knowledge.sh [path/to/frontline]
set -euo pipefail
source "$(dirname "$0")/common.sh" knowledge "${1:-}"

$PY - "$DATA/kb-retrieval-stackfaq" "$WORK" <<'PYEOF'
import csv, os, sys
src, work = sys.argv[1], sys.argv[2]
os.makedirs(f"{work}/faq")
for row in csv.DictReader(open(f"{src}/faq_items.tsv", newline="", encoding="utf-8"), delimiter="\t"):
    answers = row["answers_joined_by_|||"].split("|||")
    with open(f"{work}/faq/{row['faq_id']}.md", "w", encoding="utf-8") as f:
        f.write("# " + row["question"].strip() + "\n\n" + "\n\n".join(a.strip() for a in answers) + "\n")
rows = list(csv.DictReader(open(f"{src}/queries.tsv", newline="", encoding="utf-8"), delimiter="\t"))
# All queries, and the halves by thread id: even = dev (where the defaults were chosen),
# odd = test.
for name, keep in (("queries", None), ("dev", 0), ("test", 1)):
    with open(f"{work}/{name}.txt", "w", encoding="utf-8") as q, open(f"{work}/{name}.gold", "w") as g:
        for row in rows:
            if keep is None or int(row["relevant_faq_id"]) % 2 == keep:
                q.write(" ".join(row["query"].split()) + "\n"); g.write(row["relevant_faq_id"] + ".md\n")
PYEOF

run() {  # name, "index flags", "search flags"
  local name=$1 index_flags=${2:-} search_flags=${3:-}
  "$FL" -q index --out "$WORK/idx" --max-chunk 1000000 $index_flags "$WORK/faq"
  for part in queries test; do
    "$FL" -q search --index "$WORK/idx" --json -k 100 --no-snippets $search_flags --queries "$WORK/$part.txt" > "$WORK/$part.jsonl"
  done
  $PY - "$name" "$WORK" <<'PYEOF'
import json, math, sys
name, work = sys.argv[1], sys.argv[2]
def metrics(part):
  results = [json.loads(l) for l in open(f"{work}/{part}.jsonl")]
  gold = [l.strip() for l in open(f"{work}/{part}.gold")]
  ap = p1 = ndcg = 0.0
  for r, g in zip(results, gold):
    ranked = []
    for h in r["hits"]:
      d = h["doc"].split("#")[0]
      if d not in ranked: ranked.append(d)
    if g in ranked:
      k = ranked.index(g) + 1
      ap += 1 / k; p1 += k == 1; ndcg += 1 / math.log2(k + 1) if k <= 10 else 0
  n = len(gold)
  return ap / n, p1 / n, ndcg / n
m, p1, nd = metrics("queries")
t = metrics("test")[0]
print(f"{name:<40} {m:>7.4f} {m:>7.4f} {p1:>7.4f} {nd:>8.4f} {t:>9.4f}")
PYEOF
}
echo "StackFAQ: 125 threads, $(wc -l < "$WORK/queries.txt") queries, one relevant thread each"
printf '%-40s %7s %7s %7s %8s %9s\n' configuration MAP MRR P@1 nDCG@10 MAP_test
run "bm25 plain (k1 1.2, b .75, title x3)" "--no-stem --keep-stopwords --k1 1.2 --b 0.75 --title-weight 3"
run "+ stop words" "--no-stem --k1 1.2 --b 0.75 --title-weight 3"
run "+ Porter stems" "--k1 1.2 --b 0.75 --title-weight 3"
run "defaults (k1 2.0, b .9, title x5)"
run "defaults + rerank top 20" "" "--rerank 20"
echo "(one relevant document per query, so MAP = MRR; MAP_test: queries of odd thread ids only —"
echo " the defaults were chosen on the even ones)"

# The grounding gate of suggested answers: calibrated on the dev half (target precision
# of offered answers, confidence 0.95), measured on the test half.
"$FL" -q index --out "$WORK/idx" --max-chunk 1000000 "$WORK/faq"
echo
echo "Suggested-answer gate (calibrate-answer on the dev half, answer on the test half):"
printf '%-10s %10s %12s %14s %14s\n' target threshold "dev offered" "test offered" "test precision"
for p in 0.80 0.90 0.95; do
  "$FL" -q calibrate-answer --index "$WORK/idx" --queries "$WORK/dev.txt" --gold "$WORK/dev.gold" --precision $p \
    > /dev/null
  "$FL" -q answer --index "$WORK/idx" --json --queries "$WORK/test.txt" > "$WORK/answers.jsonl"
  $PY - "$p" "$WORK" <<'PYEOF'
import json, sys
p, work = sys.argv[1], sys.argv[2]
gate = json.load(open(f"{work}/idx/answer-gate.json"))
answers = [json.loads(l) for l in open(f"{work}/answers.jsonl")]
gold = [l.strip() for l in open(f"{work}/test.gold")]
offered = [(a, g) for a, g in zip(answers, gold) if a["offered"]]
right = sum(a["doc"] == g for a, g in offered)
prec = f"{right / len(offered):.3f}" if offered else "-"
print(f"{p:<10} {gate['threshold']:>10.4f} {gate['coverage']:>12.3f} {len(offered) / len(answers):>14.3f} {prec:>14}")
PYEOF
done

# Speed and quality against Xapian, in one process on the same documents and queries.
XAPIAN_BENCH="$(dirname "$FL")/bench_knowledge_xapian"
echo
if [ -x "$XAPIAN_BENCH" ]; then
  echo "frontline vs Xapian $(pkg-config --modversion xapian-core 2>/dev/null) (bench/knowledge_xapian.cc):"
  "$XAPIAN_BENCH" --docs "${KNOWLEDGE_DOCS:-100000}" --queries 2000 \
    --stackfaq "$DATA/kb-retrieval-stackfaq" --work "$WORK/xapian"
else
  echo "skipping the Xapian comparison: $XAPIAN_BENCH not built (needs libxapian-dev: scripts/install-deps.sh)"
fi
