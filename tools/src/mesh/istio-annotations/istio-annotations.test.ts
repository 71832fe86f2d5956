import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { catalogFromYaml } from "./generate-annotations.js";
import {
  ANNOTATION_CATALOG,
  ISTIO_ANNOTATION_NAMES,
  annotationValueProblem,
  isAnalyzedByIstioctl,
  isAnnotationAnalyzedKind,
  isIstioDomain,
  istioAnnotation,
} from "./istio-annotations.js";

describe("Istio's annotations", () => {
  it("uses the annotation list of the istio.io/api version the schema catalog pins", () => {
    const sources = JSON.parse(readFileSync(new URL("../../../schemas/sources.json", import.meta.url), "utf8")) as {
      sources: Array<{ module: string; version: string }>;
    };
    expect(ANNOTATION_CATALOG.version).toBe(sources.sources.find((s) => s.module === "istio.io/api")?.version);
    expect(ISTIO_ANNOTATION_NAMES.size).toBeGreaterThan(60);
    expect(istioAnnotation("istio.io/dry-run")?.resources).toEqual(["AuthorizationPolicy"]);
    expect(istioAnnotation("sidecar.istio.io/inject")?.deprecated).toBe(true);
  });

  it("generates the catalog from annotations.yaml, sorted", () => {
    const yaml = "annotations:\n  - name: z.istio.io/b\n    deprecated: true\n    resources: [Pod]\n  - name: a.istio.io/a\n";
    expect(catalogFromYaml(yaml, "v9.9.9").annotations).toEqual([
      { name: "a.istio.io/a", deprecated: false, resources: [] },
      { name: "z.istio.io/b", deprecated: true, resources: ["Pod"] },
    ]);
  });

  it("tells Istio's domains from others, and what istioctl reads", () => {
    expect(["istio.io/rev", "sidecar.istio.io/inject", "a.b.istio.io/x"].every(isIstioDomain)).toBe(true);
    expect(["mesh-policy.io/suppress", "config.kubernetes.io/origin", "notistio.io/x", "istio.io"].some(isIstioDomain)).toBe(false);
    // istioctl's test is a suffix on the domain, and it reads the ingress class annotation too.
    expect(["notistio.io/x", "kubernetes.io/ingress.class", "sidecar.istio.io/inject"].every(isAnalyzedByIstioctl)).toBe(true);
    expect(["mesh-policy.io/suppress", "kubernetes.io/change-cause"].some(isAnalyzedByIstioctl)).toBe(false);
    expect([isAnnotationAnalyzedKind("v1", "Pod"), isAnnotationAnalyzedKind("apps/v1", "Deployment"), isAnnotationAnalyzedKind("apps/v1", "StatefulSet")]).toEqual([true, true, false]);
  });

  it("checks values as the sidecar injector does", () => {
    expect(annotationValueProblem("sidecar.istio.io/interceptionMode", "TPROXY")).toBeUndefined();
    expect(annotationValueProblem("sidecar.istio.io/interceptionMode", "tproxy")).toContain("REDIRECT, TPROXY or NONE");
    expect(annotationValueProblem("traffic.sidecar.istio.io/includeOutboundIPRanges", "*")).toBeUndefined();
    expect(annotationValueProblem("traffic.sidecar.istio.io/excludeOutboundIPRanges", "*")).toContain('"*" is not a CIDR');
    expect(annotationValueProblem("traffic.sidecar.istio.io/excludeOutboundIPRanges", "10.0.0.0/8,169.254.169.254/32")).toBeUndefined();
    expect(annotationValueProblem("traffic.sidecar.istio.io/excludeInboundPorts", "8080, 9090")).toBeUndefined();
    expect(annotationValueProblem("traffic.sidecar.istio.io/excludeInboundPorts", "8080,70000")).toContain('"70000" is not a port');
    expect(annotationValueProblem("readiness.status.sidecar.istio.io/periodSeconds", "-1")).toContain("unsigned 32-bit");
    expect(annotationValueProblem("sidecar.istio.io/proxyCPU", "100m")).toBeUndefined();
    expect(annotationValueProblem("sidecar.istio.io/proxyMemory", "128MB")).toContain("not a Kubernetes quantity");
    expect(annotationValueProblem("prometheus.istio.io/merge-metrics", "yes")).toContain("not a boolean");
    expect(annotationValueProblem("traffic.sidecar.istio.io/excludeInterfaces", "eth0,a-very-long-interface-name")).toContain("longer than 15");
    expect(annotationValueProblem("sidecar.istio.io/inject", "anything")).toBeUndefined();
  });
});
