#!/usr/bin/env bash
# make demo: generate the built-in sample, train the specialists, evaluate on a held-out
# split, write demo-out/report.html, print a summary table and a few predictions.
set -euo pipefail
FL=${1:-build/frontline}
OUT=${DEMO_OUT:-demo-out}
PY=/usr/bin/python3
cd "$(dirname "$0")/.."
[ -x "$FL" ] || { echo "demo: $FL not found; run 'make build' first" >&2; exit 1; }
mkdir -p "$OUT"
start=$(date +%s)

echo "== 1. Sample help-desk data (synthetic, generated here)"
$PY scripts/gen_sample.py --out "$OUT/sample" --n 4000 --seed 42 --split 0.2 >/dev/null
count_rows() { $PY -c 'import csv,sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1], newline=""))))' "$1"; }
echo "   $(count_rows "$OUT/sample/train.csv") training tickets, $(count_rows "$OUT/sample/test.csv") held out for testing ($OUT/sample/)"

echo "== 2. Train specialists: category, priority, queue"
"$FL" train --data "$OUT/sample/train.csv" --text subject,body --label category,priority,queue \
  --model "$OUT/model.flm"

echo "== 3. Evaluate on the held-out split"
"$FL" eval --model "$OUT/model.flm" --data "$OUT/sample/test.csv" --text subject,body \
  --label category,priority,queue --json --report "$OUT/report.html" > "$OUT/eval.json"
$PY - "$OUT/eval.json" <<'PYEOF'
import json, sys
reports = json.load(open(sys.argv[1]))
if isinstance(reports, dict):
    reports = [reports]
print(f"   {'field':<10} {'accuracy':>9} {'macro-F1':>9} {'ECE':>6} {'cov@0.95':>9} {'ms/ticket':>10}")
for r in reports:
    print(f"   {r['field']:<10} {r['accuracy']:>9.3f} {r['macro_f1']:>9.3f} {r['ece']:>6.3f} "
          f"{r['coverage_at_precision']['0.95']:>9.3f} {r['ms_per_item']:>10.3f}")
print("   cov@0.95 = share of tickets decided automatically while precision stays >= 0.95")
PYEOF
echo "   report: $OUT/report.html"

echo "== 4. A few predictions"
cat > "$OUT/examples.txt" <<'TXT'
Cannot connect to VPN from home, AnyConnect says login failed since this morning
URGENT: production database srv-db-07 is down for all users
Printer on 3rd floor keeps jamming, no rush
New starter joining Monday needs laptop and accounts
Suspicious email asking me to confirm my password, I clicked the link
TXT
"$FL" predict --model "$OUT/model.flm" --top-k 2 --input "$OUT/examples.txt" > "$OUT/examples.jsonl"
paste -d '\t' "$OUT/examples.txt" "$OUT/examples.jsonl" | $PY -c '
import json, sys
for line in sys.stdin:
    text, js = line.rstrip("\n").split("\t", 1)
    j = json.loads(js)
    f = j.get("fields", {})
    shown = f.items() if f else [("label", j)]
    parts = ["%s=%s (%.2f)" % (k, v["label"], v["confidence"]) for k, v in shown]
    print(f"   {text[:60]:<60}  " + ", ".join(parts))
'
echo "== 5. Thresholds with a guarantee: automate only what reaches the target precision"
$PY scripts/gen_sample.py --out "$OUT/calibration" --n 2000 --seed 43 --format csv >/dev/null 2>&1
for field in category queue priority; do
  "$FL" -q calibrate --model "$OUT/model.flm" --data "$OUT/calibration/tickets.csv" --text subject,body \
    --label "$field" --precision 0.90 --delta 0.05 >/dev/null
done
for field in category queue priority; do
  "$FL" -q eval-routing --model "$OUT/model.flm" --data "$OUT/sample/test.csv" --text subject,body \
    --label "$field" --json
done | $PY -c '
import json, sys
print("   %-10s %9s %9s %9s %19s" % ("field", "threshold", "automated", "precision", "escalated set size"))
for line in sys.stdin:
    e = json.loads(line)
    tau = "none" if e["threshold"] > 1 else "%.3f" % e["threshold"]
    print("   %-10s %9s %8.1f%% %9.3f %19.1f" % (e["field"], tau, 100 * e["coverage"], e["precision"], e["mean_set_size"]))
print("   target precision 0.90 with 95% confidence, thresholds calibrated on 2,000 other tickets;")
print("   what is not automated goes on with a short candidate list (conformal set, 90% coverage)")
'
echo "== 6. Triage a fresh batch: rules, then the specialist, then the LLM or a person"
$PY scripts/gen_sample.py --out "$OUT/batch" --n 1000 --seed 44 --format csv >/dev/null 2>&1
cat > "$OUT/triage.json" <<'JSON'
{
  "rules": [{"name": "org-wide-and-urgent", "field": "priority", "label": "P1",
             "any": ["all users are affected", "whole company", "production is down", "outage for the entire",
                     "every site is reporting", "nobody in the company", "outage:", "major incident"],
             "regex": "urgent|asap|critical|blocking me completely|hurry|can't process orders"}],
  "llm": {"endpoint": "https://api.openai.com/v1", "model": "gpt-4o-mini",
          "price_input_per_mtok": 0.15, "price_output_per_mtok": 0.60, "budget_per_day": 5},
  "fields": {"priority": {"descriptions": {"P1": "service down for many users", "P4": "cosmetic or no rush"}}}
}
JSON
# --dry-run: routes every field and prices the LLM calls it would make, calling nothing.
"$FL" -q triage --model "$OUT/model.flm" --in "$OUT/batch/tickets.csv" --out "$OUT/decisions.dry.jsonl" \
  --config "$OUT/triage.json" --dry-run --json > "$OUT/triage.dry.json"
for field in category queue priority; do
  "$FL" -q eval-routing --model "$OUT/model.flm" --data "$OUT/batch/tickets.csv" --text subject,body \
    --label "$field" --config "$OUT/triage.json" --json
done > "$OUT/batch.routing.jsonl"
$PY - "$OUT/batch/tickets.csv" "$OUT/decisions.dry.jsonl" "$OUT/batch.routing.jsonl" <<'PYEOF'
import csv, json, sys
gold = {r["id"]: r for r in csv.DictReader(open(sys.argv[1], newline=""))}
decisions = [json.loads(l) for l in open(sys.argv[2])]
costs = {j["field"]: j for j in map(json.loads, open(sys.argv[3]))}
print("   %-9s %10s %9s %6s %6s %9s %12s" % ("field", "automated", "precision", "rule", "llm", "llm spend", "vs all-LLM"))
for field in ["category", "queue", "priority"]:
    auto = right = rule = llm = 0
    spend = 0.0
    for d in decisions:
        x = d["decisions"][field]
        spend += x["cost"]
        if x["tier"] in ("slm", "rule"):
            auto += 1
            right += x["value"] == gold[d["id"]][field]
        rule += x["tier"] == "rule"
        llm += x["tier"] == "llm"
    c = costs[field]
    print("   %-9s %9.1f%% %9s %6d %6d %9.4f %11.0f%% saved" % (
        field, 100.0 * auto / len(decisions), "%.3f" % (right / auto) if auto else "-", rule, llm, spend,
        100 * c["cost_saved"]))
print("   1,000 new tickets; precision measured against their labels. LLM spend is estimated from prompt")
print("   sizes at $0.15/$0.60 per million tokens (--dry-run calls nothing); 'vs all-LLM' compares with")
print("   sending every ticket to the LLM with the full label list.")
PYEOF
# A real run: without an LLM, unsure fields wait for a person in the review queue.
rm -rf "$OUT/data"
"$FL" -q triage --model "$OUT/model.flm" --in "$OUT/batch/tickets.csv" --out "$OUT/decisions.jsonl" \
  --data-dir "$OUT/data" --json > "$OUT/triage.json.out"
$PY -c '
import json, sys
s = json.load(open(sys.argv[1]))
total = s["slm"] + s["human"] + s["rule"] + s["llm"]
print("   stored in %s/data/frontline.db: %d field decisions, %d automated, %d waiting for review" % (sys.argv[2], total, s["slm"] + s["rule"], s["human"]))
' "$OUT/triage.json.out" "$OUT"
echo "   next: $FL review list --data-dir $OUT/data   (accept or correct; corrections feed the next train --feedback)"
echo "== 7. The privacy guard: what an LLM would see"
ticket="Hi Maria, since this morning my laptop 10.20.30.40 (CORP\\mlopez) can't reach srv-db-07.corp.example.com. Call me on +44 20 7946 0958 or mail maria.lopez@example.com. The script still has password=Hunter2!x in it. Regards, Johan Berg"
echo "   before: $ticket"
echo '{"guard": {"internal_domains": ["corp.example.com"]}}' > "$OUT/guard.json"
printf '%s\n' "$ticket" | "$FL" -q redact --config "$OUT/guard.json" --mapping "$OUT/mapping.json" > "$OUT/redacted.txt"
sed 's/^/   after:  /' "$OUT/redacted.txt"
answer="Hello <PERSON_1>, please reboot <HOSTNAME_1> and we will call you on <PHONE_1>."
echo "   an answer that uses the placeholders:  $answer"
echo "$answer" | "$FL" -q restore --mapping "$OUT/mapping.json" | sed 's/^/   restored locally:  /'
echo "   (in triage the mapping is kept per ticket in the local store and never sent)"
echo "== 8. Knowledge: the runbook, a suggested answer and similar resolved tickets for new tickets"
$PY scripts/gen_kb.py --out "$OUT/kb" >/dev/null
"$FL" -q index --out "$OUT/kb-index" "$OUT/kb"
"$FL" -q index --out "$OUT/tickets-index" "$OUT/sample/train.csv"
# The answer gate: calibrated on the training tickets, where the right runbook is any of
# the ticket category's (their file names start with it).
$PY - "$OUT/sample/train.csv" "$OUT/gate-queries.txt" "$OUT/gate-gold.txt" <<'PYEOF'
import csv, sys
with open(sys.argv[2], "w") as q, open(sys.argv[3], "w") as g:
    for r in csv.DictReader(open(sys.argv[1], newline="")):
        q.write(" ".join((r["subject"] + " " + r["body"]).split()) + "\n"); g.write(r["category"] + "-\n")
PYEOF
"$FL" -q calibrate-answer --index "$OUT/kb-index" --queries "$OUT/gate-queries.txt" --gold "$OUT/gate-gold.txt" \
  --precision 0.85 | sed 's/^/   /'
$PY - "$OUT/batch/tickets.csv" "$OUT/queries.txt" <<'PYEOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))[:4]
with open(sys.argv[2], "w") as f:
    for r in rows:
        f.write(" ".join((r["subject"] + " " + r["body"]).split())[:300] + "\n")
PYEOF
"$FL" -q answer --index "$OUT/kb-index" --json --queries "$OUT/queries.txt" > "$OUT/answers.jsonl"
"$FL" -q search --index "$OUT/tickets-index" --json -k 2 --queries "$OUT/queries.txt" > "$OUT/similar.jsonl"
$PY - "$OUT/queries.txt" "$OUT/answers.jsonl" "$OUT/similar.jsonl" <<'PYEOF'
import json, sys
qs = [l.strip() for l in open(sys.argv[1])]
answers = [json.loads(l) for l in open(sys.argv[2])]
sim = [json.loads(l) for l in open(sys.argv[3])]
for q, a, s in zip(qs, answers, sim):
    print("   ticket:   " + q[:100])
    print("   runbook:  %s  (confidence %.3f)" % (a["citation"], a["confidence"]))
    if a["offered"]:
        for line in a["answer"].splitlines()[:3]:
            print("   answer:   " + line)
    else:
        print("   answer:   (held back: below the calibrated gate %.3f)" % a["threshold"])
    for h in s["hits"]:
        print("   similar:  %s -> %s" % (h["title"][:50], h["snippet"][:90]))
PYEOF
# Incremental update: one runbook changes; only its chunks are re-indexed.
echo "- Escalate to the on-call network engineer when more than 50 users are affected." >> "$OUT/kb/network-1.md"
"$FL" index --out "$OUT/kb-index" --update "$OUT/kb" 2>&1 | sed 's/^info: /   /'
echo "== 9. The service: the same pipeline over HTTP, with the review dashboard"
echo "{\"knowledge\": {\"kb_index\": \"$OUT/kb-index\", \"tickets_index\": \"$OUT/tickets-index\"}}" > "$OUT/serve.json"
KEY=$("$FL" keys create --data-dir "$OUT/data" --scope admin --name demo 2>/dev/null | tail -1)
PORT=${DEMO_PORT:-8080}
SERVE=("$FL" serve --data-dir "$OUT/data" --model "$OUT/model.flm" --config "$OUT/serve.json" --port "$PORT")
echo "== done in $(($(date +%s) - start))s; open $OUT/report.html in a browser"
echo
echo "   demo admin key: $KEY"
echo "   dashboard:      http://127.0.0.1:$PORT/  (log in with the key; the review queue holds step 6's escalations)"
echo "   API example:    curl -s -H 'Authorization: Bearer $KEY' http://127.0.0.1:$PORT/v1/classify -d '{\"text\":\"vpn down\"}'"
if [ -t 0 ] && [ -t 1 ] && [ -z "${DEMO_NO_SERVE:-}" ]; then
  echo "   starting the service; Ctrl-C stops it"
  exec "${SERVE[@]}"
else
  echo "   start it with:  ${SERVE[*]}"
fi
