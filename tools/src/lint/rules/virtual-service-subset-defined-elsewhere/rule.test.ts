import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("virtual-service-subset-defined-elsewhere", () => {
  it("flags a subset another DestinationRule defines when the one that applies (in the client's namespace) does not", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, null, "error", "backend-for-tools", 51, "/spec/http/0/route/0/destination/subset"],
    ]);
    expect(findings[0]?.message).toBe(
      "http[0].route[0]: subset \"stable\" of \"vapora-backend.vapora.svc.cluster.local\" is not defined by " +
        "DestinationRule tools/backend-limits, the one that applies to " +
        "vapora-backend.vapora.svc.cluster.local from namespace tools (subsets: none); vapora/vapora-backend " +
        "defines it but does not apply to clients in namespace tools. Istio has no cluster for the subset, so " +
        "requests routed to it fail with 503. Add the subset to that DestinationRule",
    );
  });

  it("accepts subsets of the applicable DestinationRule and leaves undefined ones to IST0101", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
