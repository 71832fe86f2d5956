import { describe, expect, it } from "vitest";
import { resourcesFromYaml } from "../load/resources-from-yaml.js";
import { admissionFindings } from "./admission-findings.js";

function findingsOf(yaml: string) {
  const resource = resourcesFromYaml(yaml, "x.yaml").resources[0];
  if (resource === undefined) throw new Error("no resource");
  return admissionFindings(resource);
}

describe("admission findings", () => {
  it("carry istioctl's codes: IST0106 for what istiod rejects, IST0133 for its warnings, none for a CEL-only rejection", () => {
    // Telemetry's reportingInterval is checked by a CEL rule only; tcp connectTimeout by istiod too.
    const celOnly = findingsOf(`
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: metrics, namespace: vapora}
spec:
  metrics:
    - providers: [{name: prometheus}]
      reportingInterval: 500us
`).findings;
    const webhook = findingsOf(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: backend, namespace: vapora}
spec:
  host: vapora-backend
  trafficPolicy:
    connectionPool:
      tcp: {connectTimeout: 500us}
`).findings;
    expect([...celOnly, ...webhook].map((f) => [f.ruleId, f.code ?? null, f.severity, f.location?.pointer])).toEqual([
      ["admission", null, "error", "/spec/metrics/0/reportingInterval"],
      ["admission", "IST0106", "error", "/spec/trafficPolicy/connectionPool/tcp/connectTimeout"],
    ]);
  });

  it("honour galley.istio.io/analyze-suppress for coded findings, and count them", () => {
    const envoyFilter = (annotation: string) => `
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: rate-limit
  namespace: vapora
  annotations: {${annotation}}
spec:
  configPatches: []
`;
    const plain = findingsOf(envoyFilter(""));
    expect(plain.findings.map((f) => [f.code, f.severity])).toEqual([["IST0133", "warning"]]);
    expect(plain.suppressed).toBe(0);
    expect(findingsOf(envoyFilter("galley.istio.io/analyze-suppress: IST0133"))).toEqual({ findings: [], suppressed: 1 });
    expect(findingsOf(envoyFilter("galley.istio.io/analyze-suppress: '*'"))).toEqual({ findings: [], suppressed: 1 });
    expect(findingsOf(envoyFilter("galley.istio.io/analyze-suppress: IST0151")).findings).toHaveLength(1);
  });
});
