import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("envoy-filter-remove-ignored", () => {
  it("flags REMOVE on ROUTE_CONFIGURATION and on HTTP_ROUTE", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0154", "error", "remove-routes", 15, "/spec/configPatches/0/patch/operation"],
      [rule.id, "IST0154", "error", "remove-routes", 24, "/spec/configPatches/1/patch/operation"],
    ]);
    expect(findings[0]?.message).toBe(
      "configPatches[0]: REMOVE on ROUTE_CONFIGURATION is ignored by istiod, so nothing is removed. Remove " +
        "routes with a VirtualService instead, or change the route configuration with MERGE",
    );
  });

  it("accepts REMOVE of an HTTP filter and of a virtual host", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
