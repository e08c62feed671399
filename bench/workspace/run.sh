#!/usr/bin/env bash
# The workspace inbox benchmark (issue #14), outside CI: one release `aurora serve` on SQLite
# with 100,000 tickets (bench/src/bin/inbox_load.rs seeds them), the inbox's first page and
# filtered pages asked one request at a time, as a staff member would, with an API token that
# has tickets:read. Prints p50/p95/p99 per page and p95 against the issue's 100 ms ceiling.
#
#   ./bench/workspace/run.sh          # TICKETS=100000 REQUESTS=200
#   POSTGRES=postgres://postgres@127.0.0.1:5432 ./bench/workspace/run.sh
#                                     # the same on a new PostgreSQL database (dropped after)
set -euo pipefail
cd "$(dirname "$0")/../.."

TICKETS=${TICKETS:-100000}
REQUESTS=${REQUESTS:-200}
PORT=${PORT:-18091}

cargo build --release -q -p aurora -p aurora-bench --bin aurora --bin inbox_load --bin page_load
# shellcheck source=bench/server.sh
source bench/server.sh
bench_env "$PORT"
if [ -n "${POSTGRES:-}" ]; then
  DB="aurora_bench_$$"
  psql "$POSTGRES/postgres" -qc "CREATE DATABASE $DB"
  trap 'bench_cleanup; psql "$POSTGRES/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"' EXIT
  export AURORA_DATABASE_URL="$POSTGRES/$DB"
fi

"$AURORA" migrate >/dev/null 2>&1
./target/release/inbox_load seed "$AURORA_DATABASE_URL" "$TICKETS"
TOKEN=$("$AURORA" tokens create --scope tickets:read --name bench 2>/dev/null)
if [ -n "${POSTGRES:-}" ]; then
  psql "$AURORA_DATABASE_URL" -qc "VACUUM ANALYZE tickets"
  echo "database: $(psql "$AURORA_DATABASE_URL" -qAtc "select pg_size_pretty(pg_database_size(current_database()))")"
else
  echo "database: $(du -h "$WORK/bench.db" | cut -f1)"
fi

bench_serve

./target/release/page_load "$BASE" "$TOKEN" "$REQUESTS" 100 \
  "inbox, first page (HTML)=/dashboard" \
  "inbox, first page (JSON)=/api/dashboard/tickets" \
  "filtered: stylist, new, newest first=/dashboard?kind=stylist&status=new&sort=newest" \
  "filtered: text \`ava\`, any status=/dashboard?q=ava&status=any" \
  "filtered: unassigned, page 40=/dashboard?assignee=none&page=40" \
  "filtered: one month, resolved=/dashboard?status=resolved&from=2026-06-01&to=2026-06-30"
echo "server peak RSS: $(grep VmHWM /proc/$SERVER/status | awk '{print $2/1024 " MB"}')"
grep -c '"level":"ERROR"' "$WORK/server.log" | xargs echo "server errors logged:"
