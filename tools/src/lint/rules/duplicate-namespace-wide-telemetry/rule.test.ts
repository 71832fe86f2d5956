import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("duplicate-namespace-wide-telemetry", () => {
  it("flags every Telemetry of a namespace-wide pair, with IST0160, counting targetRefs without a selector as istioctl does", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      ["duplicate-namespace-wide-telemetry", "IST0160", "access-logs", 16, "/spec"],
      ["duplicate-namespace-wide-telemetry", "IST0160", "default", 6, "/spec"],
      ["duplicate-namespace-wide-telemetry", "IST0160", "default", 27, "/spec"],
      ["duplicate-namespace-wide-telemetry", "IST0160", "waypoint-logs", 36, "/spec"],
    ]);
    expect(findings[1]?.message).toBe(
      "one of 2 Telemetry resources without a selector in namespace vapora (also: access-logs): Istio uses only the oldest " +
        "by creation time and ignores the others, so which one applies depends on the order they were created. " +
        "Merge them into one, or give the others a selector",
    );
  });

  it("accepts one namespace-wide Telemetry per namespace next to workload ones (and `selector: {}`)", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
