import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("envoy-filter-relative-patch-without-priority", () => {
  it("flags INSERT_BEFORE, INSERT_AFTER and REMOVE patches of EnvoyFilters with no priority (or priority 0)", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0151", "warning", "gateway-lua", 43, "/spec/configPatches/0/patch/operation"],
      [rule.id, "IST0151", "warning", "router-rate-limit", 20, "/spec/configPatches/0/patch/operation"],
      [rule.id, "IST0151", "warning", "router-rate-limit", 30, "/spec/configPatches/1/patch/operation"],
    ]);
    expect(findings[0]?.message).toBe(
      "configPatches[0]: INSERT_AFTER is relative to what other patches have done, and this EnvoyFilter has " +
        "no priority, so its order against other EnvoyFilters (and so whether the patch applies) is not " +
        "defined. Use INSERT_FIRST or ADD where the position does not matter, or set spec.priority",
    );
  });

  it("accepts absolute operations, MERGE, and relative patches under a priority", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
