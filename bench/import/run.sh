#!/usr/bin/env bash
# The import benchmarks, outside CI: a release `aurora catalog import` of 100,000 products
# into a fresh SQLite database, in Shopify's current export format and in WooCommerce's (issue
# #12), and `aurora orders import` of a 100,000-row Shopify orders export (issue #13, ceiling
# 100 MB peak), each timed with its peak memory (`/usr/bin/time -v`), then imported again (an
# update of everything).
#
#   ./bench/import/run.sh            # PRODUCTS=100000 ORDER_ROWS=100000
#   ONLY=orders ./bench/import/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
PRODUCTS=${PRODUCTS:-100000}
ORDER_ROWS=${ORDER_ROWS:-100000}
ONLY=${ONLY:-all}
cargo build --release -q -p aurora
AURORA=$PWD/target/release/aurora
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export AURORA_LOG=warn

measure() { # label file [what]
  local log="$WORK/time.log"
  /usr/bin/time -v "$AURORA" "${3:-catalog}" import "$2" >"$WORK/out.log" 2>"$log" || { cat "$WORK/out.log" "$log"; exit 1; }
  local wall rss
  wall=$(grep "Elapsed (wall clock)" "$log" | awk '{print $NF}')
  rss=$(grep "Maximum resident set size" "$log" | awk '{print $NF}')
  printf '%-34s %10s wall  %7.1f MB peak  %s\n' "$1" "$wall" "$(echo "$rss / 1024" | bc -l)" "$(head -c 90 "$WORK/out.log")"
}

if [ "$ONLY" = all ] || [ "$ONLY" = orders ]; then
  file="$WORK/orders_export_1.csv"
  python3 bench/import/exports.py orders "$ORDER_ROWS" >"$file"
  export AURORA_DATABASE_URL="sqlite://$WORK/orders.db"
  "$AURORA" migrate >/dev/null 2>&1
  echo "orders: $ORDER_ROWS rows, $(du -m "$file" | cut -f1) MB (ceiling: 100 MB peak)"
  measure "orders, first import" "$file" orders
  measure "orders, again (updates)" "$file" orders
fi
[ "$ONLY" = orders ] && exit 0

for format in shopify woocommerce; do
  file="$WORK/$format.csv"
  python3 bench/import/exports.py "$format" "$PRODUCTS" >"$file"
  size=$(du -m "$file" | cut -f1)
  export AURORA_DATABASE_URL="sqlite://$WORK/$format.db"
  "$AURORA" migrate >/dev/null 2>&1
  echo "$format: $PRODUCTS products, $(wc -l <"$file") lines, ${size} MB"
  measure "$format, first import" "$file"
  measure "$format, again (updates)" "$file"
done
