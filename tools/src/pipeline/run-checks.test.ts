import { describe, expect, it } from "vitest";
import { resourcesFromYaml } from "../load/resources-from-yaml.js";
import type { Finding } from "../model/finding.js";
import { runChecks } from "./run-checks.js";

const SHARED = [
  "apiVersion: v1",
  "kind: Service",
  "metadata:",
  "  name: api",
  "  namespace: shop",
  "spec:",
  "  selector: {app: api}",
  "  ports:",
  "  - name: http",
  "    port: 8080",
  "---",
  "apiVersion: networking.istio.io/v1",
  "kind: DestinationRule",
  "metadata:",
  "  name: api",
  "  namespace: shop",
  "spec:",
  "  host: api",
  "  subsets:",
  "  - name: stable",
  "    labels: {version: stable}",
  "---",
  "apiVersion: networking.istio.io/v1",
  "kind: VirtualService",
  "metadata:",
  "  name: api",
  "  namespace: shop",
  "spec:",
  "  hosts: [api]",
  "  http:",
  "  - route:",
  "    - destination:",
  "        host: apii",
  "        subset: stable",
  "",
].join("\n");

function target(environment: string | undefined, text: string) {
  const loaded = resourcesFromYaml(text, "base/shop.yaml");
  return { environment, resources: loaded.resources, loadFindings: loaded.findings };
}

const summary = (findings: readonly Finding[]) => findings.map((f) => [f.ruleId, f.environment, f.environments, f.location?.line]);

describe("runChecks: one finding per mistake", () => {
  it("reports a finding in a file several environments share once, naming them", async () => {
    const result = await runChecks([target("prod", SHARED), target("dev", SHARED), target("staging", SHARED)], { validate: false, lint: true });
    const hostNotFound = result.findings.filter((f) => f.ruleId === "virtual-service-destination-host-not-found");
    expect(summary(hostNotFound)).toEqual([["virtual-service-destination-host-not-found", undefined, ["dev", "prod", "staging"], 33]]);
    expect(result.summary.errors).toBe(result.findings.filter((f) => f.severity === "error").length);
  });

  it("keeps findings apart where environments differ", async () => {
    const fixed = SHARED.replace("host: apii", "host: api").replace("subset: stable", "subset: canary");
    const result = await runChecks([target("dev", SHARED), target("prod", fixed)], { validate: false, lint: true });
    expect(summary(result.findings.filter((f) => f.location?.line === 33 || f.location?.line === 34))).toEqual([
      ["virtual-service-destination-host-not-found", "dev", undefined, 33],
      ["virtual-service-subset-not-found", "prod", undefined, 34],
    ]);
  });

  it("does not report a subset as missing when the destination's host is the mistake", async () => {
    const result = await runChecks([target("dev", SHARED)], { validate: false, lint: true });
    expect(result.findings.map((f) => f.ruleId)).toContain("virtual-service-destination-host-not-found");
    expect(result.findings.map((f) => f.ruleId)).not.toContain("virtual-service-subset-not-found");
  });

  it("does not report a subset as defined only elsewhere when the destination's host is the mistake", async () => {
    // A DestinationRule of another namespace defines the subset for the mistyped host; it does not apply in shop.
    const elsewhere = [
      "---",
      "apiVersion: networking.istio.io/v1",
      "kind: DestinationRule",
      "metadata:",
      "  name: apii",
      "  namespace: other",
      "spec:",
      "  host: apii.shop.svc.cluster.local",
      "  subsets:",
      "  - name: stable",
      "    labels: {version: stable}",
      "",
    ].join("\n");
    const withCascade = await runChecks([target("dev", SHARED + elsewhere)], { validate: false, lint: true });
    expect(withCascade.findings.map((f) => f.ruleId)).toContain("virtual-service-destination-host-not-found");
    expect(withCascade.findings.map((f) => f.ruleId)).not.toContain("virtual-service-subset-defined-elsewhere");
    // Once a Service gives the host, the subset that only a DestinationRule of another namespace defines is reported.
    const service = ["---", "apiVersion: v1", "kind: Service", "metadata:", "  name: apii", "  namespace: shop", "spec:", "  ports:", "  - {name: http, port: 8080}", ""].join("\n");
    const withHost = await runChecks([target("dev", SHARED + elsewhere + service)], { validate: false, lint: true });
    expect(withHost.findings.map((f) => f.ruleId)).not.toContain("virtual-service-destination-host-not-found");
    expect(withHost.findings.map((f) => f.ruleId)).toContain("virtual-service-subset-defined-elsewhere");
  });

  it("reports an unreachable route or match once, with Istio's code, where istiod's warning and a stricter lint rule say the same", async () => {
    const yaml = [
      "apiVersion: v1",
      "kind: Service",
      "metadata: {name: api, namespace: shop}",
      "spec:",
      "  selector: {app: api}",
      "  ports: [{name: http, port: 8080}]",
      "---",
      "apiVersion: networking.istio.io/v1",
      "kind: VirtualService",
      "metadata: {name: routes, namespace: shop}",
      "spec:",
      "  hosts: [api]",
      "  http:",
      "  - match: [{uri: {prefix: /a}}]",
      "    route: [{destination: {host: api}}]",
      "  - match: [{uri: {prefix: /a/b}}]",
      "    route: [{destination: {host: api}}]",
      "  - route: [{destination: {host: api}}]",
      "  - match: [{uri: {prefix: /c}}]",
      "    route: [{destination: {host: api}}]",
      "",
    ].join("\n");
    const about = (findings: readonly Finding[], pointer: string) => findings.filter((f) => f.location?.pointer === pointer).map((f) => [f.ruleId, f.code]);
    const checked = (await runChecks([target("dev", yaml)], { validate: true, lint: true })).findings;
    expect(about(checked, "/spec/http/3")).toEqual([["admission", "IST0130"]]);
    expect(about(checked, "/spec/http/1/match/0")).toEqual([["admission", "IST0131"]]);
    // What istiod does not say is still said: no request reaches any of http[1].
    expect(about(checked, "/spec/http/1")).toEqual([["virtual-service-unreachable-route", undefined]]);
    // A check turned off in .mesh-policy.yaml hides nothing; one made more severe than its cause is kept.
    const withoutAdmission = (await runChecks([target("dev", yaml)], { validate: true, lint: true, config: { environments: undefined, rules: new Map([["admission", "off"]]) } })).findings;
    expect(about(withoutAdmission, "/spec/http/3")).toEqual([["virtual-service-unreachable-route", undefined]]);
    const raised = (await runChecks([target("dev", yaml)], { validate: true, lint: true, config: { environments: undefined, rules: new Map([["virtual-service-unreachable-route", "error"]]) } })).findings;
    expect(about(raised, "/spec/http/3")).toEqual([
      ["admission", "IST0130"],
      ["virtual-service-unreachable-route", undefined],
    ]);
    // lint alone has no istiod warning to defer to.
    const linted = (await runChecks([target("dev", yaml)], { validate: false, lint: true })).findings;
    expect(about(linted, "/spec/http/3")).toEqual([["virtual-service-unreachable-route", undefined]]);
    expect(about(linted, "/spec/http/1/match/0")).toEqual([["virtual-service-shadowed-match", undefined]]);
  });
});
