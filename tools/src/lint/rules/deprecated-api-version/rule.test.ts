import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule, { V1_KINDS } from "./rule.js";

describe("deprecated-api-version", () => {
  it("flags Istio kinds written with a version older than the v1 Istio serves", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.severity, f.resource?.kind, f.location?.line, f.location?.pointer])).toEqual([
      ["deprecated-api-version", "info", "VirtualService", 2, "/apiVersion"],
      ["deprecated-api-version", "info", "AuthorizationPolicy", 15, "/apiVersion"],
      ["deprecated-api-version", "info", "DestinationRule", 22, "/apiVersion"],
      ["deprecated-api-version", "info", "Telemetry", 30, "/apiVersion"],
    ]);
    expect(findings[0]?.message).toBe(
      "networking.istio.io/v1beta1 is an older version of VirtualService: Istio serves it as networking.istio.io/v1 " +
        "since 1.22, with the same schema, and encourages moving to v1. Write apiVersion: networking.istio.io/v1",
    );
  });

  it("accepts v1, kinds that have no v1, and other API groups", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });

  it("knows exactly the Istio kinds the schema catalog has a v1 for", () => {
    const catalog = JSON.parse(readFileSync(new URL("../../../../schemas/index.json", import.meta.url), "utf8")) as Array<{
      apiVersion: string;
      kind: string;
    }>;
    const fromCatalog: Record<string, string[]> = {};
    for (const { apiVersion, kind } of catalog) {
      const [group, version] = apiVersion.split("/");
      if (group === undefined || !group.endsWith(".istio.io") || version !== "v1") continue;
      (fromCatalog[group] ??= []).push(kind);
    }
    const sorted = (table: Readonly<Record<string, readonly string[]>>) =>
      Object.fromEntries(Object.entries(table).map(([group, kinds]) => [group, [...kinds].sort()]));
    expect(sorted(V1_KINDS)).toEqual(sorted(fromCatalog));
  });
});
