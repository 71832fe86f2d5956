import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("deprecated-istio-annotation", () => {
  it("flags the injection annotation without its label, and a deprecated stats annotation", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0135", "info", "debug", 8, "/metadata/annotations/sidecar.istio.io~1inject"],
      [rule.id, "IST0135", "info", "debug", 9, "/metadata/annotations/sidecar.istio.io~1statsInclusionPrefixes"],
    ]);
    expect(findings[0]?.message).toBe(
      "annotation \"sidecar.istio.io/inject\" is deprecated in favor of the \"sidecar.istio.io/inject\" label " +
        "and may not work in future Istio versions: use the label",
    );
  });

  it("accepts the label, and the annotation kept next to it", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
