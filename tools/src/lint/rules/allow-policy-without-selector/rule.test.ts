import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("allow-policy-without-selector", () => {
  it("flags ALLOW policies with rules and no selector, naming the ports they open", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      ["allow-backend-to-agents", 7, "/spec"],
      ["allow-monitoring", 23, "/spec/selector"],
    ]);
    expect(findings[0]?.message).toBe(
      "ALLOW policy without a selector: it applies to every " +
        "workload in namespace vapora and opens port(s) 8002 on all of them, not only on the workload meant. Add " +
        "spec.selector.matchLabels for that workload",
    );
    expect(findings[1]?.message).toContain("every workload in the mesh (root namespace) and opens its rules");
  });

  it("accepts allow-nothing, selected ALLOW policies and DENY policies", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
