import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("deprecated-field", () => {
  it("flags fault.delay.percent and a Sidecar egressProxy", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0002", "warning", "vapora-backend", 13, "/spec/http/0/fault/delay/percent"],
      [rule.id, "IST0002", "warning", "default", 27, "/spec/outboundTrafficPolicy/egressProxy"],
    ]);
    expect(findings[0]?.message).toBe(
      "http[0].fault.delay.percent is deprecated: use fault.delay.percentage (value: 10), which also takes " +
        "fractions of a percent",
    );
  });

  it("accepts percentage and Sidecars without egressProxy", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
