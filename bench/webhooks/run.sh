#!/usr/bin/env bash
# The webhook ingest benchmark (issue #13), outside CI: one release `aurora serve` on SQLite
# with a 100,000-product catalog, sent signed Shopify webhooks (orders/create, fulfillments/create
# and one in ten products/update) by bench/src/bin/webhook_load.rs on the same machine, as fast
# as it answers. Prints the ingest rate (answered), the end-to-end rate (applied by the inbox
# processor, products reloaded into the search index at most once per catalog poll) and the
# answers' p50/p99, against the issue's 2,000 deliveries a second.
#
#   ./bench/webhooks/run.sh          # DELIVERIES=40000 CONNECTIONS=32 PRODUCTS=100000
set -euo pipefail
cd "$(dirname "$0")/../.."

DELIVERIES=${DELIVERIES:-40000}
CONNECTIONS=${CONNECTIONS:-32}
PRODUCTS=${PRODUCTS:-100000}
PORT=${PORT:-18090}
SECRET="bench-shopify-webhook-secret"

cargo build --release -q -p aurora -p aurora-bench --bin aurora --bin webhook_load
# shellcheck source=bench/server.sh
source bench/server.sh
bench_env "$PORT"
export AURORA_SHOPIFY_WEBHOOK_SECRET="$SECRET"

python3 bench/load/catalog.py "$PRODUCTS" > "$WORK/catalog.jsonl"
"$AURORA" migrate >/dev/null 2>&1
"$AURORA" catalog import "$WORK/catalog.jsonl" 2>&1 | tail -1

bench_serve

./target/release/webhook_load "$BASE" "$SECRET" "$DELIVERIES" "$CONNECTIONS" "$PRODUCTS"
echo "server peak RSS: $(grep VmHWM /proc/$SERVER/status | awk '{print $2/1024 " MB"}')"
grep -c '"level":"ERROR"' "$WORK/server.log" | xargs echo "server errors logged:"
