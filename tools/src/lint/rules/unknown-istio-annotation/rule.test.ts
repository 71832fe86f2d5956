import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("unknown-istio-annotation", () => {
  it("flags annotations istioctl reads on Namespaces, Services, Pods and Deployments that Istio does not define, suggesting the nearest one", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0108", "warning", "vapora-backend", 8, "/metadata/annotations/sidecar.istio.io~1proxyCpu"],
      [rule.id, "IST0108", "warning", "vapora-backend", 9, "/metadata/annotations/example.istio.io~1owner"],
      [rule.id, "IST0108", "warning", "vapora-backend", 29, "/metadata/annotations/notistio.io~1owner"],
    ]);
    expect(findings[0]?.message).toBe(
      "annotation \"sidecar.istio.io/proxyCpu\" is in Istio's domain but is not one Istio defines " +
        "(istio.io/api@v1.31.4), so Istio ignores it. Did you mean \"sidecar.istio.io/proxyCPU\"?",
    );
  });

  it("accepts defined annotations, those Istio sets itself, other domains, and leaves other kinds to unknown-istio-annotation-on-config", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
