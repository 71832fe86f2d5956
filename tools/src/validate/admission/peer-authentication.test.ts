import { describe, expect, it } from "vitest";
import { check, lines, specYaml } from "./test-helpers.js";

const pa = (spec: unknown): string => specYaml("PeerAuthentication", spec);

describe("PeerAuthentication admission", () => {
  it("accepts the reference page's examples (namespace STRICT; workload with port-level DISABLE)", () => {
    const yaml = `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: finance
  namespace: foo
spec:
  selector:
    matchLabels:
      app: finance
  mtls:
    mode: STRICT
  portLevelMtls:
    8080:
      mode: DISABLE
`;
    expect(lines(check(yaml))).toEqual([]);
    expect(lines(check(pa({ mtls: { mode: "STRICT" } })))).toEqual([]);
  });

  it("allows portLevelMtls only with a selector (CEL and istiod agree)", () => {
    expect(lines(check(pa({ mtls: { mode: "STRICT" }, portLevelMtls: { "8080": { mode: "DISABLE" } } })))).toEqual([
      "error /spec/portLevelMtls: spec.portLevelMtls: portLevelMtls requires selector: mesh/namespace peer authentication cannot have port level mTLS; add selector.matchLabels naming the workload, or move these ports into a workload-level PeerAuthentication",
    ]);
    expect(lines(check(pa({ selector: { matchLabels: {} }, portLevelMtls: { "8080": { mode: "DISABLE" } } })))[1]).toContain("portLevelMtls requires selector");
  });

  it("wants ports 1-65535 and at least one", () => {
    expect(lines(check(pa({ selector: { matchLabels: { app: "a" } }, portLevelMtls: { "0": { mode: "DISABLE" }, "65536": { mode: "DISABLE" }, http: { mode: "DISABLE" } } })))).toEqual([
      "error /spec/portLevelMtls/0: spec.portLevelMtls[0]: port must be between 1-65535 ('0'); the key is the workload's (container) port number",
      "error /spec/portLevelMtls/65536: spec.portLevelMtls[65536]: port must be between 1-65535 ('65536'); the key is the workload's (container) port number",
      "error /spec/portLevelMtls/http: spec.portLevelMtls[http]: port must be between 1-65535 ('http'); the key is the workload's (container) port number",
    ]);
    expect(lines(check(pa({ selector: { matchLabels: { app: "a" } }, portLevelMtls: {} })))).toEqual([
      "error /spec/portLevelMtls: spec.portLevelMtls: port level mTLS, if defined, must have at least one element (remove portLevelMtls)",
    ]);
  });

  it("never throws on odd input", () => {
    for (const spec of [null, { portLevelMtls: [] }, { selector: "x", portLevelMtls: null }]) expect(() => check(pa(spec))).not.toThrow();
  });
});
