#!/usr/bin/env bash
# Installs every Debian package that frontline's build, tests, demo and benchmarks need.
# Idempotent: runs apt-get only when something is missing; uses sudo when not root.
set -euo pipefail

PACKAGES=(
  build-essential cmake g++ make pkg-config
  nlohmann-json3-dev libcli11-dev libsqlite3-dev
  libcpp-httplib-dev libssl-dev libpcre2-dev openssl
  libgtest-dev libgmock-dev
  python3 python3-fake-factory wamerican
  fasttext libxapian-dev wrk
  chromium clang-14
)
# Node for the browser test: Debian's, unless a node and npm are already installed.
command -v node >/dev/null || PACKAGES+=(nodejs)
command -v npm >/dev/null || PACKAGES+=(npm)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "install-deps: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The browser test drives Debian's chromium with playwright-core from the npm registry
# (pinned in tests/browser/package-lock.json; browser tests only).
BROWSER="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
if [ ! -d "$BROWSER/node_modules/playwright-core" ]; then
  echo "install-deps: npm ci in tests/browser (playwright-core)" >&2
  # Without the npm registry the browser test reports itself skipped; nothing else needs it.
  npm ci --prefix "$BROWSER" --no-audit --no-fund --loglevel=error >/dev/null ||
    echo "install-deps: warning: npm ci failed; the browser test will be skipped" >&2
fi
