#!/usr/bin/env bash
# The HTTP load benchmark (issue #4), outside CI: one release `aurora serve` on SQLite with a
# 10,000-product catalog, driven by oha (`cargo install oha`) on the same machine.
#
#   ./bench/load/run.sh            # 10 s per run; DURATION=30s for steadier figures
#
# It measures, one after the other so they do not compete:
#   ceiling   GET /api/health: the same binary and middleware, no work (the ceiling)
#   search    GET /api/support/products, 500 different filter sets (category, metals, price
#             range, ready to ship, sort), so no answer is served from anything warm but the index
#   messages  POST /api/support/conversations/{id}/messages ("rose gold rings under $800") over
#             100 conversations, each reply persisted (2 rows and the conversation's state)
# each at full speed (CONNECTIONS connections), then search, messages and a question the demo's
# knowledge file answers at a fixed 1,000 requests per second, and prints requests per second, p50 and p99, and each throughput as a
# ratio of the ceiling's. The ceiling is measured before and after the others and averaged: on
# a shared VM it drifts by 10-20% between runs. Rate limits are raised for the run; everything lives in a temp dir.
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
PRODUCTS=${PRODUCTS:-10000}
PORT=${PORT:-18089}

command -v oha >/dev/null || { echo "oha is missing: cargo install oha --locked" >&2; exit 1; }
cargo build --release -q -p aurora
# shellcheck source=bench/server.sh
source bench/server.sh
bench_env "$PORT"
export AURORA_RATE_LIMIT_VISITOR_PER_MINUTE=4000000000
export AURORA_RATE_LIMIT_IP_PER_MINUTE=4000000000

python3 bench/load/catalog.py "$PRODUCTS" > "$WORK/catalog.jsonl"
"$AURORA" migrate >/dev/null 2>&1
"$AURORA" catalog import "$WORK/catalog.jsonl" 2>&1 | tail -1
"$AURORA" knowledge import crates/core/src/demo/knowledge.md 2>&1 | tail -1

bench_serve

# 100 conversations of one visitor, and 500 search URLs.
bench_conversations
python3 - "$BASE" >"$WORK/search.urls" <<'PY'
import random, sys
rng = random.Random(7)
metals = ["yellow_gold", "white_gold", "rose_gold", "platinum", "silver"]
for _ in range(500):
    low = rng.choice([0, 100, 200, 500, 1000])
    query = {
        "category": rng.choice(["rings", "necklaces", "earrings", "bracelets"]),
        "metals": ",".join(rng.sample(metals, rng.randint(1, 2))),
        "min_price": low,
        "max_price": low + rng.choice([300, 800, 2000, 5000]),
        "sort": rng.choice(["relevance", "price_asc", "price_desc"]),
    }
    if rng.random() < 0.5:
        query["ready_to_ship"] = "true"
    print(sys.argv[1] + "/api/support/products?" + "&".join(f"{k}={v}" for k, v in query.items()))
PY
MESSAGE='{"text":"rose gold rings under $800"}'
# A question the knowledge file answers (the demo's 17 sections).
QUESTION='{"text":"how long does shipping take to canada?"}'

# One oha run → "rps p50_ms p99_ms non_2xx" (JSON output, parsed with python).
measure() {
  local out="$WORK/oha.json"
  oha --no-tui --output-format json -o "$out" "$@" >/dev/null
  python3 - "$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["summary"]; p = r["latencyPercentiles"]
codes = r.get("statusCodeDistribution", {})
bad = sum(n for code, n in codes.items() if not code.startswith("2"))
print(f'{s["requestsPerSec"]:.0f} {p["p50"]*1000:.2f} {p["p99"]*1000:.2f} {bad}')
PY
}

echo "Load benchmark: $PRODUCTS products, SQLite, $(nproc) cores, $DURATION per run, $CONNECTIONS connections"
# Warm up (first requests fill caches and the connection pool).
oha --no-tui --output-format quiet -z 2s -c "$CONNECTIONS" --urls-from-file "$WORK/search.urls" >/dev/null

read -r C_RPS C_P50 C_P99 C_BAD < <(measure -z "$DURATION" -c "$CONNECTIONS" "$BASE/api/health")
read -r S_RPS S_P50 S_P99 S_BAD < <(measure -z "$DURATION" -c "$CONNECTIONS" --urls-from-file "$WORK/search.urls")
read -r M_RPS M_P50 M_P99 M_BAD < <(measure -z "$DURATION" -c "$CONNECTIONS" -m POST \
  -H "X-Aurora-Visitor: $TOKEN" -T application/json -d "$MESSAGE" --urls-from-file "$WORK/messages.urls")
read -r C2_RPS C2_P50 C2_P99 C2_BAD < <(measure -z "$DURATION" -c "$CONNECTIONS" "$BASE/api/health")
read -r SF_RPS SF_P50 SF_P99 SF_BAD < <(measure -z "$DURATION" -c "$CONNECTIONS" -q 1000 --urls-from-file "$WORK/search.urls")
read -r MF_RPS MF_P50 MF_P99 MF_BAD < <(measure -z "$DURATION" -c "$CONNECTIONS" -q 1000 -m POST \
  -H "X-Aurora-Visitor: $TOKEN" -T application/json -d "$MESSAGE" --urls-from-file "$WORK/messages.urls")
read -r QF_RPS QF_P50 QF_P99 QF_BAD < <(measure -z "$DURATION" -c "$CONNECTIONS" -q 1000 -m POST \
  -H "X-Aurora-Visitor: $TOKEN" -T application/json -d "$QUESTION" --urls-from-file "$WORK/messages.urls")

STORED=$(python3 - "$WORK/bench.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("select count(*) from messages").fetchone()[0])
PY
)
RSS=$(awk '/VmHWM/ {print $2 / 1024}' "/proc/$SERVER/status")
# The WAL file keeps its largest size: how far it grew between checkpoints.
WAL=$(stat -c %s "$WORK/bench.db-wal" | awk '{printf "%.1f", $1 / 1048576}')

python3 - <<PY
rows = [
    ("ceiling  GET /api/health (before)", $C_RPS, $C_P50, $C_P99, $C_BAD, "-"),
    ("ceiling  GET /api/health (after)", $C2_RPS, $C2_P50, $C2_P99, $C2_BAD, "-"),
    ("search   GET /api/support/products (500 filter sets)", $S_RPS, $S_P50, $S_P99, $S_BAD, "40%"),
    ("messages POST …/messages (persisted)", $M_RPS, $M_P50, $M_P99, $M_BAD, "10,000/s"),
    ("search   at 1,000 req/s", $SF_RPS, $SF_P50, $SF_P99, $SF_BAD, "p99 < 10 ms"),
    ("messages at 1,000 req/s", $MF_RPS, $MF_P50, $MF_P99, $MF_BAD, "p99 < 10 ms"),
    ("questions (knowledge answers) at 1,000 req/s", $QF_RPS, $QF_P50, $QF_P99, $QF_BAD, "p99 < 10 ms"),
]
ceiling = ($C_RPS + $C2_RPS) / 2
print(f'{"run":54} {"req/s":>8} {"p50 ms":>8} {"p99 ms":>8} {"of ceiling":>11} {"non-2xx":>8}  target')
print(f'(ceiling: the mean of the two ceiling runs, {ceiling:,.0f} req/s)')
for name, rps, p50, p99, bad, target in rows:
    print(f'{name:54} {rps:>8,} {p50:>8.2f} {p99:>8.2f} {rps / ceiling:>10.0%} {bad:>8}  {target}')
print(f"messages stored: $STORED; server peak RSS: $RSS MiB; SQLite WAL file: $WAL MiB")
PY
