import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("misplaced-istio-annotation", () => {
  it("flags Pod annotations on a Deployment and a Service annotation on a Namespace", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0107", "warning", "vapora-backend", 8, "/metadata/annotations/sidecar.istio.io~1proxyCPU"],
      [rule.id, "IST0107", "warning", "vapora-backend", 9, "/metadata/annotations/proxy.istio.io~1config"],
      [rule.id, "IST0107", "warning", "vapora", 29, "/metadata/annotations/networking.istio.io~1exportTo"],
    ]);
    expect(findings[0]?.message).toBe(
      "annotation \"sidecar.istio.io/proxyCPU\" belongs on Pod, not on a Deployment: Istio does not read it " +
        "here. Move it to the pod template (spec.template.metadata.annotations)",
    );
  });

  it("accepts the annotations where Istio reads them", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
