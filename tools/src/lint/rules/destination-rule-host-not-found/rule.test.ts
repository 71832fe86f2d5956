import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("destination-rule-host-not-found", () => {
  it("flags DestinationRules whose host is unknown or not exported to them", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0174", "warning", "vapora-backend", 37, "/spec/host"],
      [rule.id, "IST0174", "warning", "backend-two-labels", 50, "/spec/host"],
      [rule.id, "IST0174", "warning", "openai", 59, "/spec/host"],
      [rule.id, "IST0174", "warning", "vapora-wide", 68, "/spec/host"],
    ]);
    expect(findings[0]?.message).toBe(
      'host "vapora-backnd" (vapora-backnd.vapora.svc.cluster.local) matches no Service or ServiceEntry, so this ' +
        "DestinationRule applies to nothing: its traffic policy and subsets are ignored. Fix the host (a name without " +
        "dots is a Service in namespace vapora), or add the Service or ServiceEntry it is meant for",
    );
    expect(findings[2]?.message).toBe(
      'host "api.openai.com" is ServiceEntry vapora/llm-providers, which is not exported to namespace tools, so this ' +
        "DestinationRule applies to nothing: its traffic policy and subsets are ignored. Export the host to tools, or " +
        "move the DestinationRule to namespace vapora",
    );
  });

  it("accepts short names, FQDNs, ServiceEntry hosts, wildcards that cover Services and mesh-wide patterns", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
