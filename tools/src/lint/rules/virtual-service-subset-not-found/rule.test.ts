import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("virtual-service-subset-not-found", () => {
  it("flags subsets no DestinationRule for the host defines, and hosts without DestinationRule (a subset defined elsewhere is virtual-service-subset-defined-elsewhere's)", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0101", "error", "vapora-backend", 57, "/spec/http/0/route/1/destination/subset"],
      [rule.id, "IST0101", "error", "vapora-backend", 62, "/spec/http/0/mirror/subset"],
      [rule.id, "IST0101", "warning", "cache", 105, "/spec/tcp/0/route/0/destination/subset"],
    ]);
    expect(findings[0]?.message).toBe(
      'http[0].route[1]: subset "canery" of "vapora-backend" is not defined by DestinationRule vapora/vapora-backend, ' +
        "the one that applies to vapora-backend.vapora.svc.cluster.local from namespace vapora (subsets: stable, canary). " +
        "Istio has no cluster for the subset, so requests routed to it fail with 503. Add the subset to that DestinationRule",
    );
    expect(findings[1]?.message).toBe(
      'http[0].mirror: subset "stable" of "vapora-agents" is defined by no DestinationRule for ' +
        "vapora-agents.vapora.svc.cluster.local that applies here (searched namespaces vapora, istio-system). Istio has " +
        "no cluster for the subset, so requests routed to it fail with 503. Add a DestinationRule for the host with this " +
        "subset, or route without the subset",
    );
  });

  it("accepts subsets from the client, service and root namespaces, and merged DestinationRules", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
