import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("duplicate-namespace-wide-sidecar", () => {
  it("flags every Sidecar of a namespace-wide pair, with IST0111", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      ["duplicate-namespace-wide-sidecar", "IST0111", "default", 6, "/spec"],
      ["duplicate-namespace-wide-sidecar", "IST0111", "registry-only", 17, "/spec"],
    ]);
    expect(findings[0]?.message).toBe(
      "one of 2 Sidecars without a workloadSelector in namespace vapora (also: registry-only): Istio uses only the " +
        "oldest by creation time and ignores the others, so which one applies depends on the order they were " +
        "created. Merge them into one, or give the others a workloadSelector",
    );
  });

  it("accepts one namespace-wide Sidecar per namespace next to workload Sidecars, and leaves ambient namespaces to IST0167", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
