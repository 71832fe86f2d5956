import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("unknown-istio-metric", () => {
  it("flags near misses of Istio's metric names in alerts and dashboards", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.resource?.kind, f.location?.line, f.location?.pointer])).toEqual([
      ["PrometheusRule", 12, "/spec/groups/0/rules/0/expr"],
      ["ConfigMap", 20, "/data/latency.json"],
    ]);
    expect(findings[0]?.message).toBe(
      '"istio_request_total" is not an Istio metric, so the query matches no series and the alert never fires; did you mean "istio_requests_total"?',
    );
    expect(findings[1]?.message).toContain('did you mean "istio_request_duration_milliseconds_bucket"?');
  });

  it("accepts the standard names, their histogram series and other istio_ series", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
