import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("envoy-filter-relative-patch-with-proxy-version", () => {
  it("flags a relative patch without priority of a filter another EnvoyFilter adds under a proxyVersion match", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0155", "warning", "lua-b-reorder", 27, "/spec/configPatches/0/patch/operation"],
    ]);
    expect(findings[0]?.message).toBe(
      "configPatches[0]: INSERT_AFTER is relative, this EnvoyFilter has no priority, and a patch of the " +
        "same filter matches on proxyVersion: during an upgrade, while proxies of both versions run, the " +
        "patches may apply in either order or not at all. Use INSERT_FIRST or ADD, or set spec.priority",
    );
  });

  it("accepts the same patch under a priority", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
