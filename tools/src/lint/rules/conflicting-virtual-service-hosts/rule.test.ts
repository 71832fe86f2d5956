import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("conflicting-virtual-service-hosts", () => {
  it("flags every mesh-bound VirtualService that shares a host with another", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0109", "error", "vapora-backend", 8, "/spec/hosts/0"],
      [rule.id, "IST0109", "error", "vapora-backend-canary", 25, "/spec/hosts/1"],
    ]);
    expect(findings[0]?.message).toBe(
      "host vapora-backend.vapora.svc.cluster.local is also claimed for the mesh gateway by VirtualService " +
        "vapora/vapora-backend-canary: sidecars do not merge VirtualServices of one host, so only the oldest applies and " +
        "the routes of the others are silently dropped. Merge them into one VirtualService (only gateway-bound " +
        "VirtualServices are merged)",
    );
    expect(findings[1]?.message).toContain("claimed for the mesh gateway by VirtualService vapora/vapora-backend:");
  });

  it("accepts one mesh VirtualService per host, gateway-only duplicates and namespace-private ones", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
