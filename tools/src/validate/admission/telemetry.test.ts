import { describe, expect, it } from "vitest";
import { check, lines, specYaml } from "./test-helpers.js";

const tm = (spec: unknown): string => specYaml("Telemetry", spec);

describe("Telemetry admission", () => {
  it("accepts the reference page's examples", () => {
    const yaml = `
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: mesh-default
  namespace: istio-system
spec:
  tracing:
  - randomSamplingPercentage: 10.00
    customTags:
      my_new_foo_tag:
        literal:
          value: "foo"
  metrics:
  - providers:
    - name: prometheus
    overrides:
    - match:
        metric: REQUEST_COUNT
        mode: CLIENT_AND_SERVER
      tagOverrides:
        request_host:
          value: "request.host"
        grpc_response_status:
          operation: REMOVE
    reportingInterval: 15s
  accessLogging:
  - providers:
    - name: envoy
    filter:
      expression: response.code >= 400
`;
    expect(lines(check(yaml))).toEqual([]);
  });

  it("checks tag overrides: UPSERT needs a value, REMOVE takes none", () => {
    const spec = { metrics: [{ overrides: [{ tagOverrides: { a: { operation: "REMOVE", value: "x" }, b: {}, c: { operation: "UPSERT", value: "" } } }] }] };
    expect(lines(check(tm(spec)))).toEqual([
      "error /spec/metrics/0/overrides/0/tagOverrides/a/value: spec.metrics[0].overrides[0].tagOverrides[a].value: value must not be set when operation is REMOVE (tagOverrides.value may only be set when operation is UPSERT)",
      "error /spec/metrics/0/overrides/0/tagOverrides/b: spec.metrics[0].overrides[0].tagOverrides[b]: value must be set when operation is UPSERT: give a CEL expression for the tag, or use operation REMOVE",
      "error /spec/metrics/0/overrides/0/tagOverrides/c: spec.metrics[0].overrides[0].tagOverrides[c]: value must be set when operation is UPSERT: give a CEL expression for the tag, or use operation REMOVE",
    ]);
  });

  it("checks tracing: sampling 0-100, one provider, one tracing entry, non-empty custom tags", () => {
    const spec = { tracing: [{ providers: [{ name: "zipkin" }, { name: "otel" }], randomSamplingPercentage: 150, customTags: { env: { environment: { name: "" } } } }, { providers: [{ name: "" }] }] };
    expect(lines(check(tm(spec)))).toEqual([
      "warning /spec/tracing: spec.tracing: multiple tracing is not currently supported: only the first entry applies",
      "warning /spec/tracing/0/providers: spec.tracing[0].providers: multiple providers is not currently supported: a tracing rule uses one provider",
      "error /spec/tracing/0/randomSamplingPercentage: spec.tracing[0].randomSamplingPercentage: randomSamplingPercentage must be in range [0.0, 100.0] (found 150)",
      "error /spec/tracing/0/customTags/env/environment: spec.tracing[0].customTags[env].environment: environment tag name may not be empty",
      "error /spec/tracing/1/providers/0: spec.tracing[1].providers[0]: providers.name may not be empty: name a provider from meshConfig.extensionProviders",
    ]);
  });

  it("rejects a reporting interval under 1ms", () => {
    expect(lines(check(tm({ metrics: [{ reportingInterval: "0s" }] })))).toEqual([
      "error /spec/metrics/0/reportingInterval: spec.metrics[0].reportingInterval: '0s' must be a valid duration greater than 1ms",
    ]);
  });

  it("never throws on odd input", () => {
    for (const spec of [null, { metrics: [null, { overrides: [null, { tagOverrides: { a: null } }] }] }, { tracing: [null, { customTags: { a: null } }] }]) {
      expect(() => check(tm(spec))).not.toThrow();
    }
  });
});
