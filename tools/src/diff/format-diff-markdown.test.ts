import { describe, expect, it } from "vitest";
import type { AccessDiff } from "../access/access-diff.js";
import type { JsonObject, Resource } from "../model/resource.js";
import { DIFF_REPORT_VERSION, type DiffReport, type EnvironmentDiff } from "./diff-report.js";
import { compareEnvironment, summarize } from "./environment-diff.js";
import { expectGolden } from "../../test/helpers/golden.js";
import { sampleReport } from "./fixtures/sample-report.js";
import { DEFAULT_MAX_COMMENT_LENGTH, DIFF_COMMENT_MARKER, formatDiffMarkdown } from "./format-diff-markdown.js";

const FINDINGS = { prod: { errors: 1, warnings: 2 }, qa: { errors: 0, warnings: 0 }, staging: { errors: 0, warnings: 1 } };

function resource(kind: string, namespace: string, name: string, spec: JsonObject): Resource {
  const file = `base/${name}.yaml`;
  return {
    apiVersion: "networking.istio.io/v1",
    kind,
    name,
    namespace,
    object: { apiVersion: "networking.istio.io/v1", kind, metadata: { name, namespace }, spec },
    origin: { file, line: 1, locate: () => ({ file, line: 1 }) },
  };
}

function reportOf(environments: Record<string, { before: Resource[]; after: Resource[] }>, access?: AccessDiff): DiffReport {
  const diffs = Object.entries(environments).map(([name, { before, after }]) => {
    const diff = compareEnvironment(name, before, after) as EnvironmentDiff;
    return access === undefined ? diff : { ...diff, access };
  });
  return {
    version: DIFF_REPORT_VERSION,
    base: { ref: "main", commit: "a".repeat(40), environment: null },
    head: { ref: "feature", commit: "b".repeat(40), environment: null },
    deployments: [],
    environments: diffs,
    unchangedEnvironments: [],
    pending: [],
    summary: summarize(diffs, []),
  };
}

/** `count` VirtualServices per environment, each with a changed weight (different in each environment) and timeout. */
function hugeReport(environments: readonly string[], count: number, access?: AccessDiff): DiffReport {
  const make = (weight: number, timeout: string) =>
    Array.from({ length: count }, (_, i) =>
      resource("VirtualService", "vapora", `service-${String(i).padStart(4, "0")}`, {
        hosts: [`service-${i}`],
        http: [{ route: [{ destination: { host: `service-${i}`, subset: "stable" }, weight }], timeout }],
      }),
    );
  return reportOf(Object.fromEntries(environments.map((name, index) => [name, { before: make(90, "5s"), after: make(80 - index, "7s") }])), access);
}

/** A change in who can reach whom with `rows` edges newly allowed, each with a long condition. */
function wideAccess(rows: number): AccessDiff {
  const changes = Array.from({ length: rows }, (_, i) => ({
    kind: "newly-allowed" as const,
    direction: "wider" as const,
    sourceId: `vapora/caller-${i}`,
    source: `caller-${i}`,
    targetId: "vapora/vapora-backend:8001",
    target: "vapora-backend:8001",
    before: undefined,
    after: { status: "conditional" as const, conditions: [`GET /api/${"x".repeat(200)}/${i}`], except: [], reason: "ALLOW vapora/wide" },
  }));
  return { environment: "prod", changes, newlyAllowed: rows, newlyDenied: 0, conditionsChanged: 0, widens: true };
}

describe("formatDiffMarkdown", () => {
  it("matches the golden comment: marker, heading, summary table with findings, who can reach whom, one <details> per environment", async () => {
    const markdown = formatDiffMarkdown(await sampleReport(), { findingsByEnvironment: FINDINGS });
    expectGolden(markdown, new URL("./fixtures/golden/diff.md", import.meta.url));
    expect(markdown.split("\n")[0]).toBe(DIFF_COMMENT_MARKER);
    expect(markdown.indexOf("#### Who can reach whom: `prod`")).toBeLessThan(markdown.indexOf("<details>"));
    expect(markdown).toContain("> This change **widens access in prod**");
  });

  it("matches the golden comment without findings (no findings column)", async () => {
    expectGolden(formatDiffMarkdown(await sampleReport()), new URL("./fixtures/golden/diff-no-findings.md", import.meta.url));
  });

  it("matches the golden comment for a change that renders the same objects", async () => {
    const report: DiffReport = { ...(await sampleReport()), environments: [], unchangedEnvironments: ["dev", "prod", "staging"], summary: summarize([], []) };
    expectGolden(formatDiffMarkdown(report, { findingsByEnvironment: FINDINGS }), new URL("./fixtures/golden/no-changes.md", import.meta.url));
  });

  it("matches the golden comment for a promotion (two environments at one revision)", async () => {
    const sample = await sampleReport();
    const report: DiffReport = {
      ...sample,
      base: { ref: null, commit: null, environment: "prod" },
      head: { ref: null, commit: null, environment: "staging" },
      environments: sample.environments.filter((e) => e.name === "prod"),
      unchangedEnvironments: [],
    };
    expectGolden(formatDiffMarkdown(report), new URL("./fixtures/golden/promotion.md", import.meta.url));
  });

  it("matches the golden comment cut to a small size", async () => {
    const markdown = formatDiffMarkdown(await sampleReport(), { findingsByEnvironment: FINDINGS, maxLength: 2_500 });
    expect(markdown.length).toBeLessThanOrEqual(2_500);
    expectGolden(markdown, new URL("./fixtures/golden/truncated.md", import.meta.url));
  });

  it("keeps a huge diff (3,000 changed objects) under the cap, with the table, and says what it cut", () => {
    const report = hugeReport(["dev", "prod", "staging"], 1_000, wideAccess(3));
    const markdown = formatDiffMarkdown(report, { findingsByEnvironment: FINDINGS });

    expect(markdown.length).toBeLessThanOrEqual(DEFAULT_MAX_COMMENT_LENGTH);
    expect(markdown.length).toBeGreaterThan(DEFAULT_MAX_COMMENT_LENGTH - 2_000);
    expect(markdown.startsWith(`${DIFF_COMMENT_MARKER}\n### mesh-policy diff: main (aaaaaaa) → feature (bbbbbbb)\n`)).toBe(true);
    for (const row of ["| dev | 0 | 1000 | 0 | – |", "| prod | 0 | 1000 | 0 | 1 error, 2 warnings |", "| staging | 0 | 1000 | 0 | 1 warning |"]) {
      expect(markdown).toContain(row);
    }
    expect(markdown).toContain("#### Who can reach whom: `prod`");
    const shown = markdown.split("\n").filter((line) => line.startsWith("**changed**")).length;
    const last = markdown.trimEnd().split("\n").at(-1) ?? "";
    const match = /^… truncated: (\d+) environments? \/ (\d+) resources? not shown \(run mesh-policy diff locally for the full output\)$/.exec(last);
    expect(match, last).not.toBeNull();
    expect(Number(match?.[2]) + shown).toBe(3_000);
    expect(Number(match?.[1])).toBe(2);
    // The environment cut short says so inside its <details>, and every <details> is closed.
    expect(markdown).toMatch(/… \d+ more resources not shown\n\n<\/details>/);
    expect(markdown.split("<details>").length).toBe(markdown.split("</details>").length);
  });

  it("honours a smaller cap and never cuts an object's diff in half", () => {
    const markdown = formatDiffMarkdown(hugeReport(["prod"], 50), { maxLength: 5_000 });
    expect(markdown.length).toBeLessThanOrEqual(5_000);
    expect(markdown.split("```diff").length).toBe(markdown.split("\n```\n").length);
    expect(markdown).toMatch(/… truncated: 0 environments \/ \d+ resources not shown/);
  });

  it("drops a who-can-reach-whom section that cannot fit, and says so", () => {
    const markdown = formatDiffMarkdown(hugeReport(["prod"], 2, wideAccess(40)), { maxLength: 3_000 });
    expect(markdown.length).toBeLessThanOrEqual(3_000);
    expect(markdown).not.toContain("xxxxxxxx");
    expect(markdown).toContain("… truncated: the section above the diff, 0 environments / 0 resources not shown");
  });

  it("is deterministic and leaves output that fits alone", async () => {
    const report = await sampleReport();
    const first = formatDiffMarkdown(report);
    expect(formatDiffMarkdown(report)).toBe(first);
    expect(first).not.toContain("truncated");
  });

  it("fences a diff with more backticks than any run inside it", () => {
    const before = [resource("EnvoyFilter", "n", "f", { note: "plain" })];
    const after = [resource("EnvoyFilter", "n", "f", { note: "a ``` fence" })];
    const markdown = formatDiffMarkdown(reportOf({ prod: { before, after } }));
    expect(markdown).toContain("````diff\n@@ spec.note @@ base/f.yaml:1\n- plain\n+ a ``` fence\n````\n");
  });
});
