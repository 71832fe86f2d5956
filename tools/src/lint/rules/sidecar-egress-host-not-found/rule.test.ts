import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("sidecar-egress-host-not-found", () => {
  it("flags egress hosts that nothing in the named namespace declares or exports to the Sidecar", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, undefined, "warning", "vapora-agents", 42, "/spec/egress/0/hosts/0"],
      [rule.id, undefined, "warning", "vapora-agents", 44, "/spec/egress/0/hosts/1"],
      [rule.id, undefined, "warning", "vapora-agents", 46, "/spec/egress/0/hosts/2"],
      [rule.id, undefined, "warning", "default", 60, "/spec/egress/0/hosts/0"],
    ]);
    expect(findings[0]?.message).toBe(
      'egress[0].hosts[0] "./vapora-llm-routr.vapora.svc.cluster.local": no Service, ServiceEntry or VirtualService in ' +
        "namespace vapora declares vapora-llm-routr.vapora.svc.cluster.local, so the sidecar gets no configuration for it " +
        "and, with REGISTRY_ONLY, blocks calls to it. Fix the entry (namespace/FQDN, with the namespace that declares " +
        "the host), or declare the host there",
    );
    expect(findings[1]?.message).toContain("no Service, ServiceEntry or VirtualService in namespace istio-system declares");
    expect(findings[3]?.message).toBe(
      'egress[0].hosts[0] "vapora/api.openai.com": ServiceEntry vapora/llm-providers declares api.openai.com but does ' +
        "not export it to namespace tools, so the sidecar gets no configuration for it. Fix the entry (namespace/FQDN, " +
        "with the namespace that declares the host), or declare the host there",
    );
  });

  it("accepts declared hosts, wildcards, ~/* and VirtualService hosts", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
