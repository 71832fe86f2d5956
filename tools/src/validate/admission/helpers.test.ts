import { describe, expect, it } from "vitest";
import { formatNs, parseGoDuration } from "../../util/duration.js";
import { namespacedHostErrors, partialWildcardError, wildcardDomainError } from "./hosts.js";
import { re2Error } from "./regex.js";
import { FieldPath } from "./report.js";

describe("Go durations (time.ParseDuration, as CEL duration() and istiod read them)", () => {
  it.each([
    ["2s", 2_000_000_000n],
    ["1m30s", 90_000_000_000n],
    ["1.5h", 5_400_000_000_000n],
    [".5s", 500_000_000n],
    ["1.s", 1_000_000_000n],
    ["250ms", 250_000_000n],
    ["10us", 10_000n],
    ["10µs", 10_000n],
    ["0", 0n],
    ["-1s", -1_000_000_000n],
    ["+3ns", 3n],
  ])("%s", (text, ns) => expect(parseGoDuration(text)).toBe(ns));

  it.each(["", "2", "s", ".s", "1 s", "1d", "1S", "--1s", "1s2", "9999999999h"])("rejects %j", (text) => expect(parseGoDuration(text)).toBeUndefined());

  it("formats for messages", () => {
    expect([formatNs(2_000_000_000n), formatNs(3_000_000n), formatNs(1_500n)]).toEqual(["2s", "3ms", "1500ns"]);
  });
});

describe("host syntax", () => {
  it("takes FQDNs and a wildcard only as the whole first label", () => {
    expect(wildcardDomainError("reviews.prod.svc.cluster.local")).toBeUndefined();
    expect(wildcardDomainError("*.example.com")).toBeUndefined();
    expect(wildcardDomainError("*")).toBeUndefined();
    expect(wildcardDomainError("a.*.com")).toBe("domain name 'a.*.com' invalid (label '*' invalid)");
    expect(wildcardDomainError("example.123")).toBe("domain name 'example.123' invalid (top level domain '123' cannot be all-numeric)");
    expect(wildcardDomainError("")).toBe("empty domain name not allowed");
    expect(partialWildcardError("*foo.example.com")).toBe("partial wildcard '*foo.example.com' not allowed");
  });

  it("reads namespace/host forms for Sidecars and Gateways", () => {
    expect(namespacedHostErrors("istio-system/*", false)).toEqual([]);
    expect(namespacedHostErrors("~/*", false)).toEqual([]);
    expect(namespacedHostErrors("~/*", true)).toEqual(["invalid namespace value '~' in gateway"]);
    // A sidecar may exclude a namespace (istiod trims the `~` before the DNS-label check).
    expect(namespacedHostErrors("~kube-system/*", false)).toEqual([]);
    expect(namespacedHostErrors("~Bad_NS/*", false)).toEqual(["invalid namespace value '~Bad_NS' in sidecar"]);
    expect(namespacedHostErrors("10.0.0.1", true)).toEqual([]);
    expect(namespacedHostErrors("./10.0.0.1", false)).toEqual(["domain name '10.0.0.1' invalid (top level domain '1' cannot be all-numeric)"]);
  });
});

describe("RE2 approximation", () => {
  it("accepts RE2 syntax JavaScript lacks, rejects what RE2 lacks", () => {
    expect(re2Error("(?i)^/api/v[0-9]+/(?P<id>[a-z]+)\\z")).toBeUndefined();
    expect(re2Error("[[:alpha:]]+")).toBeUndefined();
    expect(re2Error("(a)\\1")).toBe("backreferences such as \\1 are not supported by RE2");
    expect(re2Error("(?<=a)b")).toBe("look-around assertions such as (?=...) are not supported by RE2");
    expect(re2Error("a".repeat(1025))).toBe("regex is too large, max length allowed is 1024");
  });
});

describe("field paths", () => {
  it("print as kubectl does and point as JSON pointers", () => {
    const path = FieldPath.root.at("spec", "portLevelMtls").key("8080").field("mode");
    expect(String(path)).toBe("spec.portLevelMtls[8080].mode");
    expect(path.pointer).toBe("/spec/portLevelMtls/8080/mode");
    const labels = FieldPath.root.at("metadata", "annotations").key("istio.io/dry-run");
    expect(labels.pointer).toBe("/metadata/annotations/istio.io~1dry-run");
    expect(String(FieldPath.root.at("spec", "http").index(0).field("route"))).toBe("spec.http[0].route");
  });
});
