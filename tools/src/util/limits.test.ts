import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, formatLimit, LIMIT_OPTIONS, parseBytes, parseLimitOptions } from "./limits.js";

describe("--limit NAME=VALUE", () => {
  it("reads durations and sizes", () => {
    expect(parseLimitOptions(["kustomize-time=5m", "kustomize-memory=4GiB", "cluster-response=512KiB", "jsonnet-time=1500ms"])).toEqual({
      kustomizeTimeMs: 300_000,
      kustomizeMemoryBytes: 4 * 1024 ** 3,
      clusterResponseBytes: 512 * 1024,
      jsonnetTimeMs: 1500,
    });
    expect(parseBytes("100MB")).toBe(100_000_000);
  });

  it.each([
    ["kustomize-time", /^--limit kustomize-time: write NAME=VALUE, NAME one of kustomize-time, /],
    ["nonsense=1", /^--limit nonsense=1: write NAME=VALUE/],
    ["kustomize-time=soon", /^--limit kustomize-time=soon: "soon" is not a positive duration such as 90s, 5m$/],
    ["kustomize-memory=0", /is not a positive size such as 512MiB, 4GiB$/],
    ["cluster-time=", /: no value is not a positive duration/],
  ])("refuses %s", (value, message) => {
    expect(() => parseLimitOptions([value])).toThrow(message);
  });
});

describe("the README documents every limit with its default", () => {
  it("has one row per limit in its Limits table, with the default the code uses", () => {
    const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("## Limits"), readme.indexOf("\n## ", readme.indexOf("## Limits") + 1));
    const rows = [...section.matchAll(/^\| `([a-z-]+)` \| `([^`]+)` \|/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual(
      LIMIT_OPTIONS.map((option) => [option.name, formatLimit(DEFAULT_LIMITS[option.field], option.unit).replace(" ", "")]),
    );
  });
});
