import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("telemetry-access-logging-without-provider", () => {
  it("flags accessLogging entries without providers that are not disabled", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0157", "warning", "default", 9, "/spec/accessLogging/0"],
      [rule.id, "IST0157", "warning", "router-logs", 26, "/spec/accessLogging/1"],
    ]);
    expect(findings[0]?.message).toBe(
      "accessLogging[0] names no providers, and Istio's default mesh config has no " +
        "meshConfig.defaultProviders.accessLogging to fall back on, so the entry is ignored and vapora gets " +
        "no access logs from it. Add providers (e.g. - name: envoy), or set disabled: true if the entry is " +
        "meant to turn logging off",
    );
  });

  it("accepts named providers and disabled entries", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
