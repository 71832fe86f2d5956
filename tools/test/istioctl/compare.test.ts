import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/model/finding.js";
import { compareFindings, expectationFor, parseExpectations, parseIstioctlJson, parseSkippedAnalyzers } from "./compare.js";

const finding = (ruleId: string, code: string | undefined, kind: string, namespace: string | undefined, name: string): Finding => ({
  ruleId,
  ...(code === undefined ? {} : { code }),
  severity: "warning",
  message: "m",
  resource: { apiVersion: "v1", kind, ...(namespace === undefined ? {} : { namespace }), name },
});

describe("the istioctl comparison", () => {
  it("reads istioctl's JSON after the log lines it may print first", () => {
    const stdout = '2026-12-06T15:05:10Z\twarn\tfile\terror processing x.yaml[4] - skipping\n[\n\t{"code": "IST0133", "level": "Warning", "message": "m", "origin": "EnvoyFilter vapora/rl"}\n]\n';
    expect(parseIstioctlJson(stdout)).toEqual([{ code: "IST0133", level: "Warning", message: "m", origin: "EnvoyFilter vapora/rl" }]);
    expect(parseIstioctlJson("[]\n")).toEqual([]);
    expect(() => parseIstioctlJson("Error: no such file")).toThrow("no JSON array");
  });

  it("reads the skipped analyzers of istioctl -v", () => {
    const stderr = "Analyzed resources in all namespaces\nSkipped analyzers:\n\t annotations.K8sAnalyzer\n\t sidecar.SelectorAnalyzer\nExecuted analyzers:\n\t authn.BlockedCIDRsAnalyzer\n";
    expect([...parseSkippedAnalyzers(stderr)]).toEqual(["annotations.K8sAnalyzer", "sidecar.SelectorAnalyzer"]);
  });

  it("compares IST codes by resource, leaving out analyzers istioctl skipped and findings without a code", () => {
    const ours = [
      finding("envoy-filter-relative-patch-without-priority", "IST0151", "EnvoyFilter", "vapora", "rl"),
      finding("envoy-filter-relative-patch-without-priority", "IST0151", "EnvoyFilter", "vapora", "rl"),
      finding("sidecar-selector-matches-no-workload", "IST0101", "Sidecar", "vapora", "s"),
      finding("admission", "IST0106", "CustomResourceDefinition", undefined, "x.example.com"),
      finding("allow-policy-without-selector", undefined, "AuthorizationPolicy", "vapora", "a"),
    ];
    const theirs = [
      { code: "IST0151", level: "Warning", message: "m", origin: "EnvoyFilter vapora/rl" },
      { code: "IST0133", level: "Warning", message: "exposes internals", origin: "EnvoyFilter vapora/rl" },
    ];
    expect(compareFindings("t.yaml", ours, theirs, new Set(["sidecar.SelectorAnalyzer"]))).toEqual([
      { target: "t.yaml", finding: "IST0106 CustomResourceDefinition x.example.com", side: "mesh-policy", detail: "admission warning: m" },
      { target: "t.yaml", finding: "IST0133 EnvoyFilter vapora/rl", side: "istioctl", detail: "Warning: exposes internals" },
    ]);
  });

  it("does not count what mesh-policy leaves out as following from another of its findings", () => {
    // The destination's host does not exist (an analyzer istioctl skips on files): mesh-policy says so, and
    // leaves out the subset istioctl's DestinationRuleAnalyzer reports on the same VirtualService.
    const ours = [finding("virtual-service-destination-host-not-found", "IST0101", "VirtualService", "vapora", "backend")];
    const theirs = [
      { code: "IST0101", level: "Error", message: "Referenced host+subset in destinationrule not found", origin: "VirtualService vapora/backend" },
      { code: "IST0101", level: "Error", message: "Referenced host+subset in destinationrule not found", origin: "VirtualService vapora/other" },
    ];
    expect(compareFindings("t.yaml", ours, theirs, new Set(["virtualservice.DestinationHostAnalyzer"]))).toEqual([
      { target: "t.yaml", finding: "IST0101 VirtualService vapora/other", side: "istioctl", detail: "Error: Referenced host+subset in destinationrule not found" },
    ]);
  });

  it("wants a reason for every expectation, and matches them by target, finding and side", () => {
    const expectations = parseExpectations(
      "expected:\n  - target: '*'\n    finding: IST0133 EnvoyFilter vapora/rl\n    side: istioctl\n    reason: Envoy's protos are not checked offline\n",
    );
    expect(expectationFor({ target: "a.yaml", finding: "IST0133 EnvoyFilter vapora/rl", side: "istioctl", detail: "" }, expectations)).toBe(expectations[0]);
    expect(expectationFor({ target: "a.yaml", finding: "IST0133 EnvoyFilter vapora/rl", side: "mesh-policy", detail: "" }, expectations)).toBeUndefined();
    expect(() => parseExpectations("expected:\n  - target: a\n    finding: IST0101 X a/b\n    side: istioctl\n")).toThrow("needs a reason");
    expect(() => parseExpectations("expected:\n  - target: a\n    finding: IST0101 X a/b\n    side: both\n    reason: because it is so\n")).toThrow("side");
  });
});
