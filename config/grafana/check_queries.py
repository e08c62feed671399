#!/usr/bin/env python3
"""Checks the Grafana dashboard and the alert rules beyond what promtool checks on its own.

    python3 config/grafana/check_queries.py --promtool PATH [--repo DIR]

1. Every panel query of config/grafana/*.json (nested rows included), with the Grafana variables
   substituted, is written as a recording rule into a temporary file and parsed by
   `promtool check rules` (this promtool has no command to check a bare query). No queries = fail.
2. Every `aurora_*` metric named in the dashboard and in config/alerts.yml is one the service
   exports, with label names (and, for enumerated labels, values) it exports. The list is below;
   set AURORA_METRICS_FILE to a saved `GET /metrics` output to check against that instead.
3. Every alert of config/alerts.yml has severity warning|critical, alert_group, summary,
   description and a runbook_url whose anchor is a heading of docs/runbooks/alerts.md; the
   runbook's own #links resolve too.
4. Every alert has, in config/alerts.test.yml, a case where it fires and one where it does not.

Stdlib only (no PyYAML): the YAML files are read line by line, which relies on their layout
(`- alert:` blocks, two-space indentation), and the script fails loudly when it finds nothing.
"""

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

RUNBOOK_PREFIX = "https://github.com/aurora-concierge/aurora/blob/main/docs/runbooks/alerts.md#"

# What `aurora` exports at GET /metrics: metric -> {label: allowed values, or None for any}.
# Prometheus adds job and instance when it scrapes.
_ANY = None
KNOWN_METRICS = {
    "aurora_http_requests_total": {"route": _ANY, "method": _ANY, "status": {"2xx", "3xx", "4xx", "5xx"}},
    "aurora_http_request_duration_seconds_bucket": {"route": _ANY, "method": _ANY, "le": _ANY},
    "aurora_http_request_duration_seconds_count": {"route": _ANY, "method": _ANY},
    "aurora_http_request_duration_seconds_sum": {"route": _ANY, "method": _ANY},
    "aurora_db_pool_connections": {"state": {"in_use", "idle"}},
    "aurora_open_conversations": {},
    "aurora_rollout_percentage": {},
    "aurora_concierge_enabled": {},
    "aurora_widget_loads_total": {},
    "aurora_widget_opens_total": {},
    "aurora_widget_closes_total": {},
    "aurora_messages_total": {"intent": _ANY},
    "aurora_products_shown_total": {},
    "aurora_shortlist_adds_total": {},
    "aurora_tickets_total": {"kind": {"stylist", "return", "resize"}},
    "aurora_csat_responses_total": {},
    "aurora_csat_score_points_total": {},
    "aurora_rate_limited_total": {"scope": {"visitor", "ip", "order_lookup"}},
    "aurora_db_errors_total": {},
    "aurora_webhook_failures_total": {},
    "aurora_conversations_ended_total": {"with_ticket": {"true", "false"}},
    "aurora_integration_deliveries_total": {
        "outcome": {"accepted", "duplicate", "ignored", "missing_signature", "bad_signature", "invalid"}
    },
    "aurora_integration_processed_total": {
        "kind": {"orders", "fulfillments", "products", "other"},
        "outcome": {"applied", "stale", "ignored", "retried", "rejected", "given_up"},
    },
    "aurora_integration_inbox_pending": {},
    "aurora_integration_inbox_failed": {},
}
SCRAPE_LABELS = {"job", "instance"}

# Grafana's built-in variables, replaced by something of the same PromQL type.
BUILTIN_VARIABLES = {
    "__rate_interval": "5m",
    "__interval": "5m",
    "__range": "5m",
    "__interval_ms": "300000",
    "__range_ms": "300000",
    "__range_s": "300",
}

errors = []


def fail(message):
    errors.append(message)


# ---------------------------------------------------------------------------------- dashboard


def walk_panels(panels):
    for panel in panels or []:
        yield panel
        # Collapsed rows keep their panels inside the row.
        yield from walk_panels(panel.get("panels"))


def substitute(expr, variables, where):
    """Replaces $name, ${name}, ${name:format} and [[name]] by a value of the right kind."""

    def value(name):
        if name in BUILTIN_VARIABLES:
            return BUILTIN_VARIABLES[name]
        if name in variables:
            return variables[name]
        fail(f"{where}: unknown Grafana variable ${name} in: {expr}")
        return "unknown"

    expr = re.sub(r"\$\{(\w+)(?::\w+)?\}", lambda m: value(m.group(1)), expr)
    expr = re.sub(r"\[\[(\w+)\]\]", lambda m: value(m.group(1)), expr)
    return re.sub(r"\$(\w+)", lambda m: value(m.group(1)), expr)


def dashboard_queries(path):
    with open(path, encoding="utf-8") as f:
        dashboard = json.load(f)
    where = os.path.relpath(path)
    # Query/custom variables stand for label values, used in regex matchers (`=~"$route"`).
    variables = {}
    for variable in dashboard.get("templating", {}).get("list", []):
        kind = variable.get("type")
        if kind == "datasource":
            variables[variable["name"]] = "prometheus"
        elif kind in ("query", "custom", "textbox", "constant"):
            variables[variable["name"]] = ".*"
        elif kind == "interval":
            variables[variable["name"]] = "5m"
        else:
            fail(f"{where}: variable {variable.get('name')} has a type this check does not know: {kind}")
    queries = []
    ids = set()
    for panel in walk_panels(dashboard.get("panels")):
        title = panel.get("title", "?")
        if panel.get("id") in ids:
            fail(f"{where}: panel id {panel.get('id')} is used twice ({title})")
        ids.add(panel.get("id"))
        targets = panel.get("targets") or []
        if targets and (panel.get("datasource") or {}).get("uid") not in ("${datasource}", "$datasource"):
            fail(f"{where}: panel '{title}' does not use the $datasource variable")
        for target in targets:
            expr = target.get("expr")
            if not expr:
                fail(f"{where}: panel '{title}' target {target.get('refId')} has no expr")
                continue
            queries.append((f"{where}: panel '{title}' ({target.get('refId')})", substitute(expr, variables, where)))
    # Variable queries such as label_values(aurora_http_requests_total, route) name metrics too.
    for variable in dashboard.get("templating", {}).get("list", []):
        definition = variable.get("definition") or ""
        for metric in re.findall(r"\b(aurora_\w+)", definition):
            if metric not in known_metrics():
                fail(f"{where}: variable {variable['name']} queries unknown metric {metric}")
    return queries


def check_with_promtool(promtool, queries):
    with tempfile.TemporaryDirectory() as tmp:
        rules = os.path.join(tmp, "grafana-queries.rules.yml")
        with open(rules, "w", encoding="utf-8") as f:
            f.write("groups:\n  - name: grafana-panel-queries\n    rules:\n")
            for i, (where, expr) in enumerate(queries):
                f.write(f"      # {where}\n")
                # A JSON string is a valid YAML double-quoted scalar.
                f.write(f"      - record: grafana_query_{i}\n        expr: {json.dumps(expr)}\n")
        result = subprocess.run([promtool, "check", "rules", rules], capture_output=True, text=True)
        if result.returncode != 0:
            detail = (result.stdout + result.stderr).strip()
            # Name the panel behind each failing recording rule.
            for n in sorted(set(re.findall(r"\bgrafana_query_(\d+)\b", detail)), key=int):
                if int(n) < len(queries):
                    detail += f"\n  grafana_query_{n} is {queries[int(n)][0]}: {queries[int(n)][1]}"
            fail(f"promtool check rules rejected dashboard queries:\n{detail}")


# ---------------------------------------------------------------------------------- metric names

_known = None


def known_metrics():
    global _known
    if _known is None:
        path = os.environ.get("AURORA_METRICS_FILE")
        if not path:
            _known = KNOWN_METRICS
        else:
            # From a real exposition: names and label names, no value sets.
            _known = {}
            with open(path, encoding="utf-8") as f:
                for line in f:
                    m = re.match(r"(aurora_\w+)(?:\{(.*)\})?\s", line)
                    if m:
                        labels = _known.setdefault(m.group(1), {})
                        for name in re.findall(r"(\w+)=\"", m.group(2) or ""):
                            labels[name] = _ANY
    return _known


def check_metric_names(where, expr):
    known = known_metrics()
    for m in re.finditer(r"\b(aurora_\w+)\s*(\{([^}]*)\})?", expr):
        metric, matchers = m.group(1), m.group(3) or ""
        if metric not in known:
            fail(f"{where}: unknown metric {metric}")
            continue
        for label, op, value in re.findall(r"(\w+)\s*(=~|!~|!=|=)\s*\"([^\"]*)\"", matchers):
            if label in SCRAPE_LABELS:
                continue
            if label not in known[metric]:
                fail(f"{where}: {metric} has no label {label}")
            elif op == "=" and known[metric][label] is not None and value not in known[metric][label]:
                fail(f"{where}: {metric}{{{label}=\"{value}\"}} never exists "
                     f"(values: {', '.join(sorted(known[metric][label]))})")


# ---------------------------------------------------------------------------------- alerts


def parse_alerts(path):
    """[{name, line, expr, labels, annotations}] from a rules file laid out like config/alerts.yml."""
    alerts = []
    current = None
    section = None
    block_indent = None
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if block_indent is not None:
            if not stripped or indent >= block_indent:
                current["expr"] += " " + stripped
                continue
            block_indent = None
        if not stripped or stripped.startswith("#"):
            continue
        m = re.match(r"- alert:\s*(\S+)", stripped)
        if m:
            current = {"name": m.group(1), "line": number, "expr": "", "labels": {}, "annotations": {},
                       "indent": indent}
            alerts.append(current)
            section = None
            continue
        if current is None:
            continue
        if indent <= current["indent"]:
            current = None
            continue
        m = re.match(r"(\w+):\s*(.*)$", stripped)
        if not m:
            continue
        key, value = m.group(1), m.group(2)
        if indent == current["indent"] + 2:
            section = key
            if key == "expr":
                if value in ("|", ">", "|-", ">-"):
                    block_indent = indent + 1
                else:
                    current["expr"] = value
        elif section in ("labels", "annotations"):
            current[section][key] = value.strip().strip('"').strip("'")
    return alerts


def github_anchors(markdown_path):
    anchors = set()
    seen = {}
    in_code = False
    with open(markdown_path, encoding="utf-8") as f:
        for line in f:
            if line.lstrip().startswith("```"):
                in_code = not in_code
                continue
            m = None if in_code else re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
            if not m:
                continue
            text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", m.group(1)).lower()
            anchor = re.sub(r"[^\w\- ]", "", text).replace(" ", "-")
            count = seen.get(anchor, 0)
            seen[anchor] = count + 1
            anchors.add(anchor if count == 0 else f"{anchor}-{count}")
    return anchors


def check_alerts(repo):
    rules_path = os.path.join(repo, "config", "alerts.yml")
    runbook_path = os.path.join(repo, "docs", "runbooks", "alerts.md")
    tests_path = os.path.join(repo, "config", "alerts.test.yml")
    alerts = parse_alerts(rules_path)
    if not alerts:
        fail(f"{rules_path}: no alerts found")
        return []
    anchors = set()
    if os.path.exists(runbook_path):
        anchors = github_anchors(runbook_path)
        with open(runbook_path, encoding="utf-8") as f:
            for anchor in re.findall(r"\]\(#([^)]+)\)", f.read()):
                if anchor not in anchors:
                    fail(f"docs/runbooks/alerts.md: link to #{anchor}, which is not a heading")
    if not anchors:
        fail(f"{runbook_path}: missing or without headings")
    names = [a["name"] for a in alerts]
    for name in set(names):
        if names.count(name) > 1:
            fail(f"config/alerts.yml: alert {name} is defined {names.count(name)} times")
    groups = {}
    for alert in alerts:
        where = f"config/alerts.yml:{alert['line']} {alert['name']}"
        if not alert["expr"].strip():
            fail(f"{where}: no expr")
        check_metric_names(where, alert["expr"])
        severity = alert["labels"].get("severity")
        if severity not in ("warning", "critical"):
            fail(f"{where}: severity must be warning or critical, not {severity!r}")
        group = alert["labels"].get("alert_group")
        if not group:
            fail(f"{where}: no alert_group label (the Alertmanager inhibit rule pairs alerts by it)")
        else:
            groups.setdefault(group, []).append(severity)
        for annotation in ("summary", "description", "runbook_url"):
            if not alert["annotations"].get(annotation):
                fail(f"{where}: no {annotation} annotation")
        url = alert["annotations"].get("runbook_url", "")
        if url and not url.startswith(RUNBOOK_PREFIX):
            fail(f"{where}: runbook_url must start with {RUNBOOK_PREFIX}")
        elif url and url[len(RUNBOOK_PREFIX):] not in anchors:
            fail(f"{where}: runbook_url anchor #{url[len(RUNBOOK_PREFIX):]} is not a heading of docs/runbooks/alerts.md")
    for group, severities in groups.items():
        if len(severities) != len(set(severities)):
            fail(f"config/alerts.yml: alert_group {group} has two alerts of the same severity")
    check_test_coverage(tests_path, names)
    return alerts


def check_test_coverage(tests_path, names):
    with open(tests_path, encoding="utf-8") as f:
        text = f.read()
    fires, quiet = set(), set()
    for case in re.split(r"\n\s*- eval_time:", text)[1:]:
        m = re.search(r"^\s*alertname:\s*(\S+)", case, re.M)
        e = re.search(r"^\s*exp_alerts:\s*(.*)$", case, re.M)
        if not m or not e:
            continue
        (quiet if e.group(1).strip() == "[]" else fires).add(m.group(1))
    for name in names:
        if name not in fires:
            fail(f"config/alerts.test.yml: no case where {name} fires")
        if name not in quiet:
            fail(f"config/alerts.test.yml: no case where {name} does not fire (exp_alerts: [])")
    for name in (fires | quiet) - set(names):
        fail(f"config/alerts.test.yml: tests {name}, which config/alerts.yml does not define")


# ---------------------------------------------------------------------------------- main


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--promtool", required=True)
    parser.add_argument("--repo", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    args = parser.parse_args()
    repo = os.path.abspath(args.repo)

    dashboards = sorted(glob.glob(os.path.join(repo, "config", "grafana", "*.json")))
    queries = []
    for path in dashboards:
        found = dashboard_queries(path)
        if not found:
            fail(f"{os.path.relpath(path)}: no panel queries found")
        queries += found
    if not dashboards:
        fail("config/grafana/: no dashboard (*.json)")
    for where, expr in queries:
        check_metric_names(where, expr)
    if queries:
        check_with_promtool(args.promtool, queries)

    alerts = check_alerts(repo)

    if errors:
        for message in errors:
            print(f"FAIL: {message}", file=sys.stderr)
        return 1
    print(f"  {len(queries)} dashboard queries parse and use known metrics; "
          f"{len(alerts)} alerts have severity, runbook heading, firing and quiet tests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
