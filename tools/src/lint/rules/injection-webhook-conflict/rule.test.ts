import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("injection-webhook-conflict", () => {
  it("flags two revisions' injectors that take the same namespaces, and an injector Service missing from its namespace", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0139", "error", "istio-sidecar-injector", 8, "/webhooks"],
      [rule.id, "IST0139", "error", "istio-sidecar-injector-canary", 26, "/webhooks"],
      [rule.id, "IST0139", "error", "istio-sidecar-injector-canary", 31, "/webhooks/0/clientConfig/service"],
    ]);
    expect(findings[0]?.message).toBe(
      "webhook istio-sidecar-injector/namespace.sidecar-injector.istio.io overlaps with " +
        "istio-sidecar-injector-canary/namespace.sidecar-injector.istio.io: a pod in a namespace labelled " +
        "istio-injection=enabled with labels (none) matches both, so injection may happen twice. Give each " +
        "revision's webhooks disjoint namespace and object selectors",
    );
  });

  it("accepts disjoint selectors and existing Services", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
