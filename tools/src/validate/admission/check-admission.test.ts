import { describe, expect, it } from "vitest";
import { checkAdmission } from "./check-admission.js";
import type { Resource } from "../../model/resource.js";
import { check, lines, resourceOf, specYaml, withoutCrash } from "./test-helpers.js";

/** A VirtualService whose spec throws when read: stands for a bug in a check. */
function crashing(): Resource {
  const resource = resourceOf(specYaml("VirtualService", { hosts: ["a"] }));
  const object = { ...resource.object };
  Object.defineProperty(object, "spec", { enumerable: true, get: () => { throw new Error("boom"); } });
  return { ...resource, object };
}

describe("checkAdmission", () => {
  it("dispatches by API group and kind, and knows every Istio kind with admission rules", () => {
    for (const kind of ["VirtualService", "DestinationRule", "Gateway", "ServiceEntry", "Sidecar", "EnvoyFilter", "WorkloadEntry", "WorkloadGroup", "ProxyConfig", "AuthorizationPolicy", "PeerAuthentication", "RequestAuthentication", "Telemetry", "WasmPlugin", "TrafficExtension"]) {
      const problems = check(specYaml(kind, {}, { annotations: { "istio.io/dry-run": "true" } }));
      // The dry-run annotation is checked on every Istio kind: proof the kind was dispatched.
      expect(problems.some((p) => p.pointer === "/metadata/annotations/istio.io~1dry-run") || kind === "AuthorizationPolicy", kind).toBe(true);
    }
  });

  it("returns nothing for kinds it does not know, or a kind under another group", () => {
    expect(checkAdmission(resourceOf("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 0}]}\n"))).toEqual([]);
    expect(checkAdmission(resourceOf("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: a.b}\nspec: {}\n"))).toEqual([]);
    expect(checkAdmission(resourceOf("apiVersion: networking.istio.io/v1\nkind: Unknown\nmetadata: {name: a}\nspec: {}\n"))).toEqual([]);
  });

  it("rejects the dry-run annotation on other kinds", () => {
    expect(lines(check(specYaml("Sidecar", { egress: [{ hosts: ["./*"] }] }, { annotations: { "istio.io/dry-run": "true" } })))).toEqual([
      "error /metadata/annotations/istio.io~1dry-run: metadata.annotations[istio.io/dry-run]: ns/x has unsupported annotation istio.io/dry-run, please remove the annotation (only AuthorizationPolicy supports dry-run)",
    ]);
  });

  it("validates an absent or null spec as the empty one, as istiod decodes it", () => {
    expect(lines(check("apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: ns}\nspec: null\n"))).toEqual([
      "error /spec/servers: spec.servers: gateway must have at least one server",
    ]);
    expect(lines(check("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: deny-all, namespace: ns}\n"))).toEqual([]);
  });

  it("rejects the annotations istiod keeps for itself", () => {
    expect(lines(check(specYaml("Sidecar", { egress: [{ hosts: ["./*"] }] }, { annotations: { "internal.istio.io/parents": "HTTPRoute/a.b" } })))).toEqual([
      "error /metadata/annotations/internal.istio.io~1parents: metadata.annotations[internal.istio.io/parents]: 'internal.istio.io/parents' annotation found, this may not be set by users: it is Istio's own; remove it",
    ]);
  });

  it("reports a check that throws as an error that says it is a bug in mesh-policy", () => {
    expect(lines(checkAdmission(crashing()))).toEqual([
      "error : admission checks stopped early on this VirtualService: internal error in mesh-policy (boom). This is a " +
        "bug in mesh-policy, not in the object: please report it with this VirtualService. The problems above may be incomplete",
    ]);
  });

  it("makes the test helper fail on such a crash, so 'never throws' tests can fail", () => {
    expect(() => withoutCrash(checkAdmission(crashing()))).toThrow(/checkAdmission crashed: admission checks stopped early on this VirtualService/);
    expect(withoutCrash([])).toEqual([]);
  });

  it("never throws, whatever the spec holds", () => {
    const odd = [null, 0, "x", [], [null], { spec: null }, { hosts: { a: 1 } }, { rules: "x" }, { servers: [[]] }];
    for (const kind of ["VirtualService", "DestinationRule", "Gateway", "ServiceEntry", "Sidecar", "EnvoyFilter", "WorkloadEntry", "WorkloadGroup", "ProxyConfig", "AuthorizationPolicy", "PeerAuthentication", "RequestAuthentication", "Telemetry", "WasmPlugin", "TrafficExtension"]) {
      for (const spec of odd) {
        const problems = check(specYaml(kind, spec));
        expect(problems.filter((p) => p.message.includes("stopped early")), `${kind} ${JSON.stringify(spec)}`).toEqual([]);
      }
    }
  });
});
