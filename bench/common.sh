# Sourced by the benchmark drivers: paths, the binary, the shared-data check and a work
# folder removed on exit. Sets ROOT, DATA, FL, PY, WORK. usage: source common.sh NAME [FL]
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$ROOT/../shared/data"
FL="${2:-}"; FL="${FL:-$ROOT/build/frontline}"
PY=/usr/bin/python3
if [ ! -d "$DATA" ]; then echo "skipping: ../shared/data not found (looked for $DATA)"; exit 0; fi
[ -x "$FL" ] || { echo "error: $FL not found; run make build" >&2; exit 1; }
WORK=$(mktemp -d "/tmp/frontline-$1.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
