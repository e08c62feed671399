#!/usr/bin/env bash
# Tests the monitoring configuration with the real Prometheus tools: the alert rules
# (config/alerts.yml) and their unit tests (config/alerts.test.yml), the Alertmanager example
# (config/alertmanager.yml) and its routing, the Grafana dashboard's queries
# (config/grafana/*.json), and the runbook links (docs/runbooks/alerts.md).
#
# promtool and amtool come from PATH, $PROMTOOL / $AMTOOL, target/tools/, or Debian's packages
# (downloaded and unpacked, not installed, when run as root): see scripts/tools.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh

step() { printf '==> %s\n' "$*"; }
# Runs a command quietly; shows its output only when it fails.
quiet() {
  local out
  if ! out="$("$@" 2>&1)"; then
    printf '%s\n' "${out}" >&2
    printf 'FAILED: %s\n' "$*" >&2
    return 1
  fi
}

missing=0
promtool="$(ensure_promtool)" || missing=1
amtool="$(ensure_amtool)" || missing=1
command -v python3 >/dev/null || { echo "Missing: python3 (Debian package python3)" >&2; missing=1; }
[ "${missing}" = 0 ] || exit 1
echo "promtool: ${promtool}"
echo "amtool:   ${amtool}"

step "promtool check rules config/alerts.yml"
quiet "${promtool}" check rules config/alerts.yml

step "promtool test rules config/alerts.test.yml"
quiet "${promtool}" test rules config/alerts.test.yml

step "amtool check-config config/alertmanager.yml, and its routing"
quiet "${amtool}" check-config config/alertmanager.yml
# labels -> the receivers that must get the alert
routes=(
  "severity=warning alert_group=api_latency service=aurora|slack-aurora"
  "severity=critical alert_group=api_latency service=aurora|pagerduty-aurora,slack-aurora"
  "alertname=SomethingWithoutSeverity|slack-aurora"
)
for route in "${routes[@]}"; do
  # shellcheck disable=SC2086 # the labels are separate arguments
  quiet "${amtool}" config routes test --config.file=config/alertmanager.yml \
    --verify.receivers="${route#*|}" ${route%|*}
done

step "Grafana queries (promtool check rules), metric names, runbook links, test coverage"
python3 config/grafana/check_queries.py --promtool "${promtool}"

step "Observability tests passed"
