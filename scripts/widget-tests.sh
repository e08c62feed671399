#!/usr/bin/env bash
# The widget's tests: its committed build is up to date, its size budgets hold, its types check,
# its unit tests, then the browser tests (Playwright + axe, Debian's Chromium) against the real
# `aurora demo` binary. Installs Chromium when run as root on Debian/Ubuntu; otherwise says
# exactly what is missing. Node packages come from the lockfiles (npm ci); no browser download.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
missing=()

say "Checking tools (widget)"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=("Node.js 20.11+ with npm (Debian: apt-get install -y nodejs npm; or https://nodejs.org)")
elif ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=11)?0:1)'; then
  missing+=("Node.js 20.11 or newer (found $(node --version))")
fi
CHROMIUM="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
if [ -z "$CHROMIUM" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
    CHROMIUM="$(command -v chromium)"
  else
    missing+=("Chromium for the browser tests: as root on Debian, apt-get install -y chromium (or set CHROMIUM=/path/to/chromium). Playwright's own browser download is not used.")
  fi
fi
command -v cargo >/dev/null || [ -x target/debug/aurora ] || missing+=("the aurora binary: install Rust (https://rustup.rs), then cargo build -p aurora")
if [ ${#missing[@]} -gt 0 ]; then
  echo "Missing:" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 1
fi
export CHROMIUM PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

say "npm ci (widget/, tests/e2e/)"
(cd widget && npm ci --no-audit --no-fund --loglevel=error)
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)

say "widget/dist is what widget/src builds to"
(cd widget && npm run --silent check-build)

say "Widget size budgets (gzipped)"
(cd widget && npm run --silent size)

say "Widget types (tsc --noEmit)"
(cd widget && npm run --silent typecheck)

say "Widget unit tests"
(cd widget && npm test --silent)

if command -v cargo >/dev/null; then
  say "cargo build -p aurora (the binary the browser tests run)"
  cargo build -p aurora --locked
fi

say "Browser tests: Playwright + axe in $CHROMIUM against target/debug/aurora demo"
(cd tests/e2e && npx playwright test)

say "Widget tests passed"
