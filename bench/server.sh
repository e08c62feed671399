# What the benchmark scripts share, sourced by each: a temp dir that is removed on exit, the
# release `aurora serve` on SQLite in it (stopped on exit), and waiting until it is ready.
#   source bench/server.sh; bench_env PORT; …set up the database…; bench_serve
# After it: $AURORA (the binary), $WORK (the temp dir), $BASE (the server's URL), $SERVER (its pid).

# AURORA_BIN=path runs that build instead (to compare two builds, each copied aside).
AURORA=${AURORA_BIN:-$PWD/target/release/aurora}
WORK=$(mktemp -d)
SERVER=""
bench_cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  rm -rf "$WORK"
}
trap bench_cleanup EXIT

# The settings every run shares, for a server on 127.0.0.1:$1.
bench_env() {
  BASE="http://127.0.0.1:$1"
  export AURORA_DATABASE_URL="sqlite://$WORK/bench.db"
  export AURORA_SECRET_KEY="bench-secret-key-0123456789-abcdefghijklmnopqrstuv"
  export AURORA_LISTEN="127.0.0.1:$1"
  export AURORA_LOG=warn
}

# Starts `aurora serve` (its log in $WORK/server.log) and waits until it is ready.
bench_serve() {
  "$AURORA" serve >"$WORK/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 300); do
    curl -fs "$BASE/api/health/ready" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -fs "$BASE/api/health/ready" >/dev/null
}

# 100 conversations of one visitor on the running server: $TOKEN (the visitor's) and
# $WORK/messages.urls (each conversation's messages URL).
bench_conversations() {
  local started
  started=$(curl -fs -X POST -H 'content-type: application/json' -d '{}' "$BASE/api/support/conversations")
  TOKEN=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["visitor_token"])' <<<"$started")
  for _ in $(seq 100); do
    curl -fs -X POST -H 'content-type: application/json' -H "X-Aurora-Visitor: $TOKEN" -d '{}' \
      "$BASE/api/support/conversations" |
      python3 -c "import json,sys; print('$BASE/api/support/conversations/' + json.load(sys.stdin)['conversation_id'] + '/messages')"
  done >"$WORK/messages.urls"
}
