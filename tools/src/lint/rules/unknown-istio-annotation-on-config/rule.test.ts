import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("unknown-istio-annotation-on-config", () => {
  it("flags annotations in Istio's domains on Istio objects and other kinds that Istio does not define", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, null, "warning", "deny-batch", 8, "/metadata/annotations/istio.io~1dryrun"],
      [rule.id, null, "warning", "vapora-agents", 22, "/metadata/annotations/sidecar.istio.io~1proxyCpu"],
    ]);
    expect(findings[0]?.message).toBe(
      "annotation \"istio.io/dryrun\" is in Istio's domain but is not one Istio defines " +
        "(istio.io/api@v1.31.4), so Istio ignores it. Did you mean \"istio.io/dry-run\"?",
    );
  });

  it("accepts defined annotations and other domains, and leaves Deployments to IST0108", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
