import { describe, expect, it } from "vitest";
import {
  isPathTemplate,
  matchesHost,
  matchesIpBlock,
  matchesNamespace,
  matchesPath,
  matchesRequestPrincipal,
  matchesValue,
  normalizePath,
  pathTemplateRegex,
} from "./string-match.js";

describe("value matching (AP reference, Rule: 'Any string field in the rule supports Exact, Prefix, Suffix and Presence match')", () => {
  it('exact "abc" matches "abc" only', () => {
    expect(matchesValue("abc", "abc")).toBe(true);
    expect(matchesValue("abc", "abcd")).toBe(false);
  });
  it('prefix "abc*" matches "abc" and "abcd"', () => {
    expect(matchesValue("abc*", "abc")).toBe(true);
    expect(matchesValue("abc*", "abcd")).toBe(true);
    expect(matchesValue("abc*", "xabc")).toBe(false);
  });
  it('suffix "*abc" matches "abc" and "xabc"', () => {
    expect(matchesValue("*abc", "abc")).toBe(true);
    expect(matchesValue("*abc", "xabc")).toBe(true);
    expect(matchesValue("*abc", "abcd")).toBe(false);
  });
  it('presence "*" matches when the value is not empty', () => {
    expect(matchesValue("*", "x")).toBe(true);
    expect(matchesValue("*", "")).toBe(false);
  });
});

describe("per-field forms (istio-semantics §2.4, Istio authz generator)", () => {
  it("hosts: case-insensitive; exact does not match host:port", () => {
    expect(matchesHost("Example.com", "EXAMPLE.COM")).toBe(true);
    expect(matchesHost("example.com", "example.com:443")).toBe(false);
    expect(matchesHost("example.com:*", "example.com:443")).toBe(true);
    expect(matchesHost("*.example.com", "api.EXAMPLE.com")).toBe(true);
  });
  it("namespaces: * anywhere in the value", () => {
    expect(matchesNamespace("prod-*", "prod-eu")).toBe(true);
    expect(matchesNamespace("*-eu", "prod-eu")).toBe(true);
    expect(matchesNamespace("a*c", "abbbc")).toBe(true);
    expect(matchesNamespace("a*c", "abd")).toBe(false);
    expect(matchesNamespace("prod", "prod-eu")).toBe(false);
  });
  it("requestPrincipals: split at the last / (the issuer may be a URL)", () => {
    const token = { iss: "https://accounts.google.com", sub: "1234" };
    expect(matchesRequestPrincipal("https://accounts.google.com/1234", token)).toBe(true);
    expect(matchesRequestPrincipal("https://accounts.google.com/*", token)).toBe(true);
    expect(matchesRequestPrincipal("*/1234", token)).toBe(true);
    expect(matchesRequestPrincipal("*.google.com/1234", token)).toBe(true);
    expect(matchesRequestPrincipal("https://accounts.google.com/12*", token)).toBe(true);
    expect(matchesRequestPrincipal("https://accounts.google.com/9*", token)).toBe(false);
    expect(matchesRequestPrincipal("*", token)).toBe(true);
    expect(matchesRequestPrincipal("*", { iss: "x", sub: "" })).toBe(false);
  });
  it("ipBlocks: single address and CIDR", () => {
    expect(matchesIpBlock("203.0.113.4", "203.0.113.4")).toBe(true);
    expect(matchesIpBlock("203.0.113.0/24", "203.0.113.77")).toBe(true);
    expect(matchesIpBlock("203.0.113.0/24", "203.0.114.1")).toBe(false);
  });
});

describe("paths (AP reference Operation.paths; normalization reference)", () => {
  it("the query string is not part of the path", () => {
    expect(matchesPath("/data", "/data?x=1")).toBe(true);
  });
  it("template examples from Operation.paths", () => {
    expect(matchesPath("/foo/{*}", "/foo/bar")).toBe(true);
    expect(matchesPath("/foo/{*}", "/foo/bar/baz")).toBe(false);
    expect(matchesPath("/foo/{**}/", "/foo/bar/")).toBe(true);
    expect(matchesPath("/foo/{**}/", "/foo//")).toBe(true);
    expect(matchesPath("/foo/{**}/", "/foo/bar")).toBe(false);
    expect(matchesPath("/foo/{*}/bar/{**}", "/foo/buzz/bar/")).toBe(true);
    expect(matchesPath("/foo/{*}/bar/{**}", "/foo/buzz/bar/baz")).toBe(true);
  });
  it("`/foo/{**}/` does NOT match /foo/bar/baz.txt: the API text says it does, Envoy's uri_template code (the regex `/foo/[pchar/]*/`, full match) says it does not", () => {
    // Envoy source/extensions/path/uri_template_lib/uri_template_internal.cc: `**` → `[pchar/]*`, a trailing
    // `/` becomes an empty last segment, and the whole path must match. We follow the code that runs.
    expect(matchesPath("/foo/{**}/", "/foo/bar/baz.txt")).toBe(false);
  });
  it("invalid templates from Operation.paths never match", () => {
    expect(pathTemplateRegex("/*/baz/{*}")).toBeNull();
    expect(pathTemplateRegex("/**/baz/{*}")).toBeNull();
    expect(pathTemplateRegex("/{**}/foo/{*}")).toBeNull();
    expect(pathTemplateRegex("/foo/{*}.txt")).toBeNull();
    expect(isPathTemplate("/foo/{*}.txt")).toBe(true);
    expect(matchesPath("/foo/{*}.txt", "/foo/a.txt")).toBe(false);
  });
  it("BASE normalization: decodes unreserved characters, turns \\ into /, resolves . and ..; keeps // and %2F", () => {
    expect(normalizePath("/a/../b")).toBe("/b");
    expect(normalizePath("/a/./b")).toBe("/a/b");
    expect(normalizePath("/%61dmin")).toBe("/admin");
    expect(normalizePath("/a\\b")).toBe("/a/b");
    expect(normalizePath("/a//b")).toBe("/a//b");
    expect(normalizePath("/a%2Fb")).toBe("/a%2Fb");
    expect(normalizePath("/x?q=1")).toBe("/x");
    expect(normalizePath("/a%00")).toBeUndefined();
  });
});
