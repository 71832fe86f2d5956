import { isJsonObject, pointerOf, type Resource } from "../../../model/resource.js";
import { arrayAt, objectAt } from "../../../mesh/fields.js";
import type { LintRule, RuleReport } from "../../rule.js";

/** Istio's standard metrics (istio.io/latest/docs/reference/config/metrics/). */
export const ISTIO_METRICS = [
  "istio_requests_total",
  "istio_request_duration_milliseconds",
  "istio_request_bytes",
  "istio_response_bytes",
  "istio_request_messages_total",
  "istio_response_messages_total",
  "istio_tcp_sent_bytes_total",
  "istio_tcp_received_bytes_total",
  "istio_tcp_connections_opened_total",
  "istio_tcp_connections_closed_total",
] as const;

const HISTOGRAM_SUFFIX = /_(bucket|sum|count)$/;
const METRIC_NAME = /\bistio_[a-z_]+/g;

const rule: LintRule = {
  id: "unknown-istio-metric",
  severity: "error",
  summary: "Alerts and dashboards query Istio's standard metric names (istio_requests_total, not istio_request_total)",
  appliesTo: ["PrometheusRule", "ConfigMap"],
  reads: ["PrometheusRule", "ConfigMap"],
  *check(index) {
    for (const prometheusRule of index.kind("PrometheusRule")) {
      for (const [g, group] of arrayAt(objectAt(prometheusRule.object, "spec"), "groups").entries()) {
        for (const [r, entry] of arrayAt(group, "rules").entries()) {
          const expr = isJsonObject(entry) ? entry["expr"] : undefined;
          if (typeof expr === "string") yield* misspelled(prometheusRule, expr, pointerOf("spec", "groups", g, "rules", r, "expr"));
        }
      }
    }
    // Grafana dashboards and recording rules shipped as ConfigMap data.
    for (const configMap of index.kind("ConfigMap")) {
      for (const [key, text] of Object.entries(objectAt(configMap.object, "data"))) {
        if (typeof text === "string") yield* misspelled(configMap, text, pointerOf("data", key));
      }
    }
  },
};

export default rule;

/**
 * Only names one or two edits away from a standard metric are reported: other `istio_` series
 * (istio_build, istio_agent_*) are real, a near miss is a typo that silently matches nothing.
 */
function* misspelled(resource: Resource, text: string, pointer: string): Iterable<RuleReport> {
  const seen = new Set<string>();
  for (const [name] of text.matchAll(METRIC_NAME)) {
    const base = name.replace(HISTOGRAM_SUFFIX, "");
    if (seen.has(name) || (ISTIO_METRICS as readonly string[]).includes(base) || (ISTIO_METRICS as readonly string[]).includes(name)) continue;
    seen.add(name);
    const nearest = ISTIO_METRICS.find((metric) => editDistance(metric, base) <= 2);
    if (nearest === undefined) continue;
    yield {
      resource,
      pointer,
      message: `"${name}" is not an Istio metric, so the query matches no series and the alert never fires; did you mean "${name.replace(base, nearest)}"?`,
    };
  }
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
