import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("root-namespace-peer-authentication-selector", () => {
  it("flags root-namespace PeerAuthentications with a selector", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, undefined, "warning", "ingressgateway-permissive", 9, "/spec/selector"],
    ]);
    expect(findings[0]?.message).toBe(
      "PeerAuthentication ingressgateway-permissive is in the root namespace istio-system and has a selector " +
        "(istio=ingressgateway): Istio ignores root-namespace PeerAuthentications with a workload selector (sidecar " +
        "mode), so its mode PERMISSIVE applies to no workload. Move it to the namespace of the workloads it is meant " +
        "for, or remove the selector to make it the mesh-wide policy",
    );
  });

  it("accepts the mesh-wide policy (no or empty selector) and workload policies in other namespaces", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
