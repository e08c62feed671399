#!/usr/bin/env bash
# Runs every test of the project: formatting, clippy (warnings are errors), unit, contract
# (SQLite and PostgreSQL), HTTP and CLI tests. Installs what the tests need when run as root on
# Debian/Ubuntu; otherwise says exactly what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
missing=()

say "Checking tools"
command -v cargo >/dev/null || missing+=("Rust toolchain (cargo): https://rustup.rs")
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || missing+=("rustfmt: rustup component add rustfmt")
rustup component list --installed 2>/dev/null | grep -q '^clippy' || missing+=("clippy: rustup component add clippy")
if ! command -v psql >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq postgresql-client >/dev/null
  else
    missing+=("psql (Debian package postgresql-client), to detect the local PostgreSQL")
  fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "Missing:" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 1
fi

say "PostgreSQL"
if [ -z "${AURORA_TEST_POSTGRES_URL:-}" ] && psql "postgres://postgres@127.0.0.1:5432/postgres" -qAtc 'select 1' >/dev/null 2>&1; then
  export AURORA_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:5432/postgres"
fi
if [ -n "${AURORA_TEST_POSTGRES_URL:-}" ]; then
  echo "PostgreSQL tests run against ${AURORA_TEST_POSTGRES_URL}"
elif [ "${AURORA_REQUIRE_POSTGRES:-}" = 1 ]; then
  echo "ERROR: AURORA_REQUIRE_POSTGRES=1 but no PostgreSQL answers on 127.0.0.1:5432 (user postgres)" >&2
  exit 1
else
  printf '\n\033[1;31m!!! NO POSTGRESQL on 127.0.0.1:5432: the PostgreSQL half of every contract and HTTP test is SKIPPED.\n!!! Set AURORA_TEST_POSTGRES_URL=postgres://USER@HOST:PORT/postgres to run it.\033[0m\n\n'
fi

say "nginx (the tests of two instances behind deploy/nginx.conf)"
# shellcheck source=scripts/tools.sh
source scripts/tools.sh
if AURORA_TEST_NGINX="$(ensure_nginx)"; then
  export AURORA_TEST_NGINX
  echo "nginx: ${AURORA_TEST_NGINX}"
elif [ "${AURORA_REQUIRE_POSTGRES:-}" = 1 ]; then
  echo "ERROR: no nginx for the tests behind nginx (see above)" >&2
  exit 1
else
  printf '\n\033[1;31m!!! NO NGINX: the tests behind nginx are SKIPPED.\033[0m\n\n'
fi

say "cargo fmt --check"
cargo fmt --all --check

say "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

log=$(mktemp)
trap 'rm -f "$log"' EXIT

say "cargo test (unit, contract, HTTP, CLI)"
cargo test --workspace --locked 2>&1 | tee -a "$log"

say "OpenAPI: docs/api/openapi.json is valid OpenAPI 3.1 (cargo test checked it is current)"
"$(ensure_openapi_validator)" docs/api/openapi.json

say "Widget: build, size budgets, types, unit and browser tests"
bash scripts/widget-tests.sh 2>&1 | tee -a "$log"

say "Alert rules, Alertmanager config and Grafana queries (promtool, amtool)"
bash scripts/observability-tests.sh

say "All tests passed"
# One closing line for every runner above: cargo's "N passed" and Playwright's "N passed".
passed=$(grep -Eo '(test result: ok\. [0-9]+ passed|^ *[0-9]+ passed \()' "$log" | grep -Eo '[0-9]+ passed' | awk '{n += $1} END {print n + 0}')
echo "tests: ${passed} passed, 0 failed"
