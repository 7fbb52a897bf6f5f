#!/usr/bin/env bash
# Routing benchmark: guaranteed thresholds (precision 0.95, delta 0.05) on the shared sets.
# Each set: train on training data minus a calibration split, calibrate on that split,
# report realised coverage and precision on the test split, plus CLINC150's out-of-scope
# protocol (oos_train in training, val+oos_val to calibrate, test+oos_test to evaluate).
#
# usage: bash bench/routing.sh [path/to/frontline]
set -euo pipefail
source "$(dirname "$0")/common.sh" routing "${1:-}"

$PY - "$DATA" "$WORK" <<'PYEOF'
import csv, json, random, sys
data, work = sys.argv[1], sys.argv[2]
def write(name, rows):
    with open(f"{work}/{name}.csv", "w", newline="") as f:
        w = csv.writer(f); w.writerow(["text", "label"]); w.writerows(rows)
def split(rows, share, seed=1):
    rows = list(rows); random.Random(seed).shuffle(rows); k = int(len(rows) * (1 - share))
    return rows[:k], rows[k:]
b = list(csv.reader(open(f"{data}/banking77/train.csv")))[1:]
tr, cal = split(b, 0.2); write("banking77_train", tr); write("banking77_cal", cal)
write("banking77_test", list(csv.reader(open(f"{data}/banking77/test.csv")))[1:])
j = json.load(open(f"{data}/clinc150/data_full.json"))
write("clinc150_train", j["train"] + j["oos_train"]); write("clinc150_cal", j["val"] + j["oos_val"])
write("clinc150_test", j["test"] + j["oos_test"])
d = f"{data}/it-tickets-kaggle-endava"
test = list(csv.reader(open(f"{d}/lunalykaya_test_split.csv")))[1:]
seen = set(r[0] for r in test)
rest = [r for r in list(csv.reader(open(f"{d}/all_tickets_processed_improved_v3.csv")))[1:] if r[0] not in seen]
tr, cal = split(rest, 0.2); write("tickets_train", tr); write("tickets_cal", cal); write("tickets_test", test)
PYEOF

printf '%-10s %6s %9s %9s %9s %9s %8s %10s %10s %9s %8s %8s %8s\n' set n_test threshold coverage precision emp_tau \
  closed in_scope oos_recall llm_saved viol_g viol_emp cov_g
for set in banking77 clinc150 tickets; do
  oos=(); [ "$set" = clinc150 ] && oos=(--oos-label oos)
  "$FL" -q train --data "$WORK/${set}_train.csv" --text text --label label --model "$WORK/$set.flm" --threads 2
  "$FL" -q calibrate --model "$WORK/$set.flm" --data "$WORK/${set}_cal.csv" --text text --label label \
    --precision 0.95 --delta 0.05 "${oos[@]}" > "$WORK/$set.cal.json"
  "$FL" -q eval-routing --model "$WORK/$set.flm" --data "$WORK/${set}_test.csv" --text text --label label \
    --json "${oos[@]}" > "$WORK/$set.eval.json"
  # Violation rate: 1000 random 50/50 calibration/test re-splits of calibration + test data.
  { cat "$WORK/${set}_cal.csv"; tail -n +2 "$WORK/${set}_test.csv"; } > "$WORK/${set}_pool.csv"
  "$FL" -q routing-study --model "$WORK/$set.flm" --data "$WORK/${set}_pool.csv" --text text --label label \
    --precision 0.95 --delta 0.05 --resplits 1000 > "$WORK/$set.study.json"
  $PY - "$set" "$WORK/$set.cal.json" "$WORK/$set.eval.json" "$WORK/$set.study.json" <<'PYEOF'
import json, sys
name, cal, ev, st = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3])), json.load(open(sys.argv[4]))
f = cal["fields"][0]
print(f"{name:<10} {ev['n']:>6} {ev['threshold']:>9.4f} {ev['coverage']:>9.3f} {ev['precision']:>9.4f} "
      f"{f['empirical']['tau']:>9.4f} {ev.get('closed_set_accuracy', float('nan')):>8.4f} "
      f"{ev.get('in_scope_accuracy', float('nan')):>10.4f} "
      f"{ev.get('oos_recall', float('nan')):>10.4f} {ev['cost_saved']:>9.3f} {st['violation_rate']:>8.3f} "
      f"{st['empirical_violation_rate']:>8.3f} {st['mean_coverage']:>8.3f}")
PYEOF
done
echo "threshold: guaranteed (precision >= 0.95 with prob. >= 0.95 over the calibration split);"
echo "emp_tau = the empirical (no-guarantee) threshold, for comparison; closed/in_scope/oos_recall: CLINC150 OOS"
echo "protocol (closed: in-scope accuracy without the out-of-scope rule; in_scope: with it)."
echo "llm_saved: estimated LLM spend saved vs sending every item to the LLM (default prices; escalations to the LLM)."
echo "viol_g / viol_emp: share of 1000 random calibration/test re-splits where the realised test precision fell"
echo "below 0.95 for the guaranteed / empirical threshold (delta = 0.05); cov_g: mean guaranteed coverage."
