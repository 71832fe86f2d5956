import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import catalog from "./istio-annotations.json" with { type: "json" };
import { catalogFromYaml } from "./generate-annotations.js";
import rule, { ISTIO_ANNOTATIONS, isIstioAnnotation } from "./rule.js";

describe("unknown-istio-annotation", () => {
  it("flags annotations in Istio's domains that Istio does not define, suggesting the nearest one", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      ["unknown-istio-annotation", "IST0108", "deny-batch", 8, "/metadata/annotations/istio.io~1dryrun"],
      ["unknown-istio-annotation", "IST0108", "vapora-backend", 22, "/metadata/annotations/sidecar.istio.io~1proxyCpu"],
      ["unknown-istio-annotation", "IST0108", "vapora-backend", 23, "/metadata/annotations/example.istio.io~1owner"],
    ]);
    expect(findings[0]?.message).toBe(
      'annotation "istio.io/dryrun" is in Istio\'s domain but is not one Istio defines (istio.io/api@v1.31.4), so ' +
        'Istio ignores it. Did you mean "istio.io/dry-run"?',
    );
    expect(findings[1]?.message).toContain('Did you mean "sidecar.istio.io/proxyCPU"?');
    expect(findings[2]?.message).toContain("Fix the name or remove it");
  });

  it("accepts defined Istio annotations and other domains", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });

  it("tells Istio's domains from others", () => {
    expect(["istio.io/rev", "sidecar.istio.io/inject", "a.b.istio.io/x"].every(isIstioAnnotation)).toBe(true);
    expect(["mesh-policy.io/suppress", "config.kubernetes.io/origin", "notistio.io/x", "istio.io"].some(isIstioAnnotation)).toBe(false);
  });

  it("uses the annotation list of the istio.io/api version the schema catalog pins", () => {
    const sources = JSON.parse(readFileSync(new URL("../../../../schemas/sources.json", import.meta.url), "utf8")) as {
      sources: Array<{ module: string; version: string }>;
    };
    expect(catalog.version).toBe(sources.sources.find((s) => s.module === "istio.io/api")?.version);
    expect(ISTIO_ANNOTATIONS.size).toBeGreaterThan(60);
    expect(ISTIO_ANNOTATIONS.has("istio.io/dry-run")).toBe(true);
  });

  it("generates the catalog from annotations.yaml, sorted", () => {
    const yaml = "annotations:\n  - name: z.istio.io/b\n    deprecated: true\n    resources: [Pod]\n  - name: a.istio.io/a\n";
    expect(catalogFromYaml(yaml, "v9.9.9").annotations).toEqual([
      { name: "a.istio.io/a", deprecated: false, resources: [] },
      { name: "z.istio.io/b", deprecated: true, resources: ["Pod"] },
    ]);
  });
});
