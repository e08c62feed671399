#!/usr/bin/env bash
# The shared rate limits' benchmark (issue #17), outside CI: bench/src/bin/limits_load.rs
# counts shopper requests against their limits on the machine's PostgreSQL, in a database of its
# own created here and dropped afterwards (the shared server is never reconfigured). Prints
# requests counted per second, p50 and p99, and the ratio against the shopper API's target of
# 10,000 messages a second.
#
#   ./bench/limits/run.sh            # CONNECTIONS=64 SECONDS=10 POOL=16
set -euo pipefail
cd "$(dirname "$0")/../.."

ADMIN=${AURORA_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
NAME="aurora_bench_limits_$$"
cargo build --release -q -p aurora-bench --bin limits_load
psql -q "$ADMIN" -c "CREATE DATABASE $NAME"
trap 'psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS $NAME WITH (FORCE)"' EXIT
AURORA_DATABASE_URL="${ADMIN%/*}/$NAME" ./target/release/limits_load
