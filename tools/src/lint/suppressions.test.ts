import { describe, expect, it } from "vitest";
import { resourcesFromYaml } from "../load/resources-from-yaml.js";
import { readSuppressions } from "./suppressions.js";

const policy = (annotations: string) =>
  resourcesFromYaml(
    `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: p\n  namespace: a\n  annotations:\n${annotations}spec: {}\n`,
    "p.yaml",
  ).resources;

describe("readSuppressions", () => {
  it("applies a suppression with a reason to the rule it names", () => {
    const resources = policy('    mesh-policy.io/suppress: "allow-policy-without-selector: every workload serves metrics"\n');
    const suppressions = readSuppressions(resources);
    expect(suppressions.problems).toEqual([]);
    expect(suppressions.covers(resources[0]!, "allow-policy-without-selector", undefined)).toBe(true);
    expect(suppressions.covers(resources[0]!, "virtual-service-catch-all", undefined)).toBe(false);
  });

  it("refuses a suppression without a reason", () => {
    const resources = policy('    mesh-policy.io/suppress: "allow-policy-without-selector"\n');
    const suppressions = readSuppressions(resources);
    expect(suppressions.problems.map((p) => [p.severity, p.location?.line])).toEqual([["error", 6]]);
    expect(suppressions.covers(resources[0]!, "allow-policy-without-selector", undefined)).toBe(false);
  });

  it("warns about a rule id that does not exist", () => {
    const suppressions = readSuppressions(policy('    mesh-policy.io/suppress: "no-such-rule: because"\n'));
    expect(suppressions.problems.map((p) => [p.severity, p.message])).toEqual([
      ["warning", 'suppression names "no-such-rule", which is not a mesh-policy lint rule, so it suppresses nothing; see docs/rules.md for the rule ids'],
    ]);
  });

  it("honours istioctl's analyze-suppress codes", () => {
    const resources = policy('    galley.istio.io/analyze-suppress: "IST0101,IST0127"\n');
    const suppressions = readSuppressions(resources);
    expect(suppressions.covers(resources[0]!, "virtual-service-gateway-not-found", "IST0101")).toBe(true);
    expect(suppressions.covers(resources[0]!, "virtual-service-gateway-not-found", "IST0102")).toBe(false);
  });
});
