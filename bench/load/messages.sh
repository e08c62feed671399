#!/usr/bin/env bash
# The message step of bench/load/run.sh alone, for quick comparisons: a release `aurora serve`
# on SQLite with 10,000 products, 100 conversations, persisted `POST …/messages` at full speed
# (32 connections), two 12 s runs after a 3 s warm-up. SQL="…" runs statements against the
# fresh database before the server starts, to try a variant without rebuilding, e.g.
#
#   ./bench/load/messages.sh
#   SQL="UPDATE messages_text_indexed SET last_rowid = 1000000000000" ./bench/load/messages.sh
#                                   # the same build with full-text indexing switched off
#   AURORA_BIN=/tmp/aurora-before ./bench/load/messages.sh
#                                   # another build (copied aside), without building this one
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v oha >/dev/null || { echo "oha is missing: cargo install oha --locked" >&2; exit 1; }
[ -n "${AURORA_BIN:-}" ] || cargo build --release -q -p aurora
# shellcheck source=bench/server.sh
source bench/server.sh
bench_env "${PORT:-18096}"
export AURORA_RATE_LIMIT_VISITOR_PER_MINUTE=4000000000
export AURORA_RATE_LIMIT_IP_PER_MINUTE=4000000000
python3 bench/load/catalog.py 10000 >"$WORK/catalog.jsonl"
"$AURORA" migrate >/dev/null 2>&1
"$AURORA" catalog import "$WORK/catalog.jsonl" >/dev/null 2>&1
if [ -n "${SQL:-}" ]; then
  python3 -c "
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript(sys.argv[2])
db.commit()" "$WORK/bench.db" "$SQL"
fi
bench_serve
bench_conversations
post() {
  oha --no-tui "$@" -c 32 -m POST -H "X-Aurora-Visitor: $TOKEN" -T application/json \
    -d '{"text":"rose gold rings under $800"}' --urls-from-file "$WORK/messages.urls"
}
post --output-format quiet -z 3s >/dev/null
for run in 1 2; do
  echo "run $run: $(post -z 12s | grep 'Requests/sec' | awk '{print $2}') messages/s"
done
