#!/usr/bin/env bash
# Service load benchmark: wrk against frontline serve on loopback, both in this run.
# /v1/classify (one model call) and /v1/tickets (the whole cascade, with the decision
# committed to SQLite before the answer). Model: the built-in sample (made here, no
# shared data needed). Target: >= 5,000 classify req/s with p99 < 5 ms on 2 cores.
#
# usage: bash bench/serve.sh [path/to/frontline]   (env: DURATION=10s CONNECTIONS=8)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
FL="${1:-$ROOT/build/frontline}"
PY=/usr/bin/python3
command -v wrk >/dev/null || { echo "skipping: wrk not installed (scripts/install-deps.sh)"; exit 0; }
WORK=$(mktemp -d /tmp/frontline-serve.XXXXXX)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-8}

$PY "$ROOT/scripts/gen_sample.py" --out "$WORK/s" --n 3000 --seed 11 --split 0.3 --format csv >/dev/null 2>&1
"$FL" -q train --data "$WORK/s/train.csv" --text subject,body --label category,priority --model "$WORK/m.flm" >/dev/null
for f in category priority; do
  "$FL" -q calibrate --model "$WORK/m.flm" --data "$WORK/s/test.csv" --text subject,body --label $f >/dev/null
done
KEY=$("$FL" keys create --data-dir "$WORK/d" --scope admin --name bench 2>/dev/null | tail -1)
PORT=$((20000 + RANDOM % 20000))
"$FL" -q serve --data-dir "$WORK/d" --model "$WORK/m.flm" --port $PORT --rate-limit 0 2>"$WORK/serve.log" &
SERVER=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

cat > "$WORK/classify.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"text":"my vpn disconnects every few minutes since the update, error 809"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
LUA
# Every ticket a new id (per thread counter), so each request runs the cascade and commits.
cat > "$WORK/tickets.lua" <<LUA
local n = 0
local tid = math.random(1, 1000000000)
request = function()
  n = n + 1
  local body = '{"id":"W-' .. tid .. '-' .. n .. '","subject":"printer jam","body":"the printer on floor 3 jams on every job"}'
  return wrk.format("POST", "/v1/tickets", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer $KEY"}, body)
end
LUA

echo "frontline serve on loopback, wrk -t2 -c$CONNECTIONS -d$DURATION, $(nproc) cores (server and wrk share them)"
printf '%-16s %10s %10s %10s %10s\n' route "req/s" "p50 ms" "p99 ms" "non-2xx"
for route in classify tickets; do
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/$route.lua" "http://127.0.0.1:$PORT/v1/$route" > "$WORK/$route.txt"
  $PY - "$route" "$WORK/$route.txt" <<'PYEOF'
import re, sys
route, text = sys.argv[1], open(sys.argv[2]).read()
def ms(label):
    m = re.search(r"\s%s\s+([\d.]+)(us|ms|s)" % re.escape(label), text)
    v, unit = float(m.group(1)), m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
print(f"{'/v1/' + route:<16} {rps:>10.0f} {ms('50%'):>10.2f} {ms('99%'):>10.2f} {int(bad.group(1)) if bad else 0:>10}")
PYEOF
done
