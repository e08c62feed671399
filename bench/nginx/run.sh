#!/usr/bin/env bash
# nginx in front of two instances (issue #17), outside CI: two release `aurora serve` on one
# PostgreSQL database (created here, dropped afterwards: the shared server is never
# reconfigured) behind deploy/nginx.conf, with nginx unpacked from Debian's package as the tests
# do. oha sends persisted messages over 100 conversations through nginx for DURATION seconds;
# halfway through, one instance is killed with SIGKILL. Prints throughput, failures (non-2xx and
# connection errors) and p50/p99, then the same with both instances up for comparison. Last,
# keyed messages as the widget sends them (each with its Idempotency-Key, retried under the same
# key on a failure or a 409 until answered) while the other instance is SIGKILLed: every
# conversation must then hold each keyed message exactly once.
#
#   ./bench/nginx/run.sh            # DURATION=20 CONNECTIONS=32
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-32}
ADMIN=${AURORA_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
PORTS=(18091 18092)
PROXY_PORT=18090

command -v oha >/dev/null || { echo "oha is missing: cargo install oha --locked" >&2; exit 1; }
cargo build --release -q -p aurora
# shellcheck source=scripts/tools.sh
source scripts/tools.sh
NGINX=$(ensure_nginx)
AURORA=$PWD/target/release/aurora
WORK=$(mktemp -d)
NAME="aurora_bench_nginx_$$"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS $NAME WITH (FORCE)" || true
  rm -rf "$WORK"
}
trap cleanup EXIT
psql -q "$ADMIN" -c "CREATE DATABASE $NAME"

export AURORA_DATABASE_URL="${ADMIN%/*}/$NAME"
export AURORA_SECRET_KEY="bench-secret-key-0123456789-abcdefghijklmnopqrstuv"
export AURORA_TRUSTED_PROXIES=127.0.0.1
export AURORA_RATE_LIMIT_VISITOR_PER_MINUTE=4000000000
export AURORA_RATE_LIMIT_IP_PER_MINUTE=4000000000
export AURORA_LOG=warn
# A request stranded by the kill holds its key this long; the widget retries after it.
export AURORA_IDEMPOTENCY_LEASE_SECONDS=5
python3 bench/load/catalog.py 10000 > "$WORK/catalog.jsonl"
"$AURORA" migrate >/dev/null 2>&1
"$AURORA" catalog import "$WORK/catalog.jsonl" 2>&1 | tail -1

# Starts the instance on port $1 (its pid in $STARTED) and waits until it is ready.
start_instance() {
  AURORA_LISTEN="127.0.0.1:$1" "$AURORA" serve >>"$WORK/server-$1.log" 2>&1 &
  STARTED=$!
  PIDS+=("$STARTED")
  for _ in $(seq 300); do curl -fs "http://127.0.0.1:$1/api/health/ready" >/dev/null && break; sleep 0.1; done
}
start_instance "${PORTS[0]}"; FIRST=$STARTED
start_instance "${PORTS[1]}"; SECOND=$STARTED
mkdir -p "$WORK/nginx"
sed -e "s|{{LISTEN}}|127.0.0.1:$PROXY_PORT|" \
    -e "s|{{UPSTREAMS}}|server 127.0.0.1:${PORTS[0]} max_fails=1 fail_timeout=5s; server 127.0.0.1:${PORTS[1]} max_fails=1 fail_timeout=5s;|" \
    -e "s|{{PREFIX}}|$WORK/nginx|" deploy/nginx.conf > "$WORK/nginx/nginx.conf"
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e stderr -g "daemon off;" 2>"$WORK/nginx.log" &
PIDS+=($!)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PROXY_PORT/api/health" >/dev/null && break; sleep 0.1; done

BASE="http://127.0.0.1:$PROXY_PORT"
started=$(curl -fs -X POST -H 'content-type: application/json' -d '{}' "$BASE/api/support/conversations")
TOKEN=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["visitor_token"])' <<<"$started")
for _ in $(seq 100); do
  curl -fs -X POST -H 'content-type: application/json' -H "X-Aurora-Visitor: $TOKEN" -d '{}' "$BASE/api/support/conversations" |
    python3 -c "import json,sys; print('$BASE/api/support/conversations/' + json.load(sys.stdin)['conversation_id'] + '/messages')"
done >"$WORK/messages.urls"
MESSAGE='{"text":"rose gold rings under $800"}'

# One oha run → "requests rps p50_ms p99_ms failed".
measure() {
  oha --no-tui --output-format json -o "$WORK/oha.json" -z "${DURATION}s" -c "$CONNECTIONS" -m POST \
    -H "X-Aurora-Visitor: $TOKEN" -T application/json -d "$MESSAGE" --urls-from-file "$WORK/messages.urls" >/dev/null
  python3 - "$WORK/oha.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["summary"]; p = r["latencyPercentiles"]
codes = r.get("statusCodeDistribution", {})
ok = sum(n for code, n in codes.items() if code.startswith("2"))
# oha stops the requests still in flight when the time is up: not failures.
errors = sum(n for e, n in r.get("errorDistribution", {}).items() if "deadline" not in e)
bad = sum(codes.values()) - ok + errors
if bad:
    print(f"failures: {dict(codes)} {r.get('errorDistribution', {})}", file=sys.stderr)
print(f'{ok + bad} {s["requestsPerSec"]:.0f} {p["p50"]*1000:.2f} {p["p99"]*1000:.2f} {bad}')
PY
}

echo "nginx in front of 2 instances on PostgreSQL, $(nproc) cores, ${DURATION} s per run, $CONNECTIONS connections"
oha --no-tui --output-format quiet -z 2s -c "$CONNECTIONS" "$BASE/api/health" >/dev/null
read -r B_N B_RPS B_P50 B_P99 B_BAD < <(measure)
( sleep "$((DURATION / 2))"; kill -9 "$FIRST" ) &
read -r K_N K_RPS K_P50 K_P99 K_BAD < <(measure)
wait "$FIRST" 2>/dev/null || true
start_instance "${PORTS[0]}"
( sleep "$((DURATION / 2))"; kill -9 "$SECOND" ) &
KEYED=$(python3 - "$BASE" "$DURATION" "$CONNECTIONS" <<'PY'
import json, sys, threading, time, urllib.error, urllib.request, uuid
base, seconds, shoppers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def call(method, path, body=None, headers=None):
    request = urllib.request.Request(base + path, method=method, headers={"content-type": "application/json", **(headers or {})},
                                     data=None if body is None else json.dumps(body).encode())
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response), response.headers
    except urllib.error.HTTPError as error:
        return error.code, None, error.headers
    except OSError:
        return 0, None, {}
results = []
def shopper():
    _, started, _ = call("POST", "/api/support/conversations", {})
    token, conversation = started["visitor_token"], started["conversation_id"]
    sent, attempts, refused, latencies = 0, 0, 0, []
    until = time.time() + seconds
    while time.time() < until:
        key, began = str(uuid.uuid4()), time.time()
        while True:
            attempts += 1
            status, _, headers = call("POST", f"/api/support/conversations/{conversation}/messages",
                                      {"text": "rose gold rings under $800"}, {"x-aurora-visitor": token, "idempotency-key": key})
            if status == 200:
                break
            refused += 1
            time.sleep(float(headers.get("retry-after") or 0.2) if status == 409 else 0.2)
        latencies.append(time.time() - began)
        sent += 1
    _, history, _ = call("GET", f"/api/support/conversations/{conversation}", headers={"x-aurora-visitor": token})
    results.append((sent, attempts, refused, len(history["messages"]) == 1 + 2 * sent, latencies))
threads = [threading.Thread(target=shopper) for _ in range(shoppers)]
for t in threads: t.start()
for t in threads: t.join()
sent = sum(r[0] for r in results); latencies = sorted(l for r in results for l in r[4])
exact = all(r[3] for r in results)
print(f"{sent} {sum(r[2] for r in results)} {latencies[int(len(latencies) * 0.99)] * 1000:.0f} {'yes' if exact else 'NO'}")
PY
)
read -r KEYED_SENT KEYED_RETRIED KEYED_P99 KEYED_EXACT <<<"$KEYED"
printf '%-52s %9s %8s %8s %8s %8s\n' run requests "req/s" "p50 ms" "p99 ms" failed
printf '%-52s %9s %8s %8s %8s %8s\n' "messages, both instances up" "$B_N" "$B_RPS" "$B_P50" "$B_P99" "$B_BAD"
printf '%-52s %9s %8s %8s %8s %8s\n' "messages, one instance SIGKILLed halfway" "$K_N" "$K_RPS" "$K_P50" "$K_P99" "$K_BAD"
echo "keyed messages, the other instance SIGKILLed halfway: $KEYED_SENT answered, $KEYED_RETRIED attempts retried" \
  "under the same key, p99 ${KEYED_P99} ms until answered; each kept exactly once: $KEYED_EXACT"
