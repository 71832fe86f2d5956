import { describe, expect, it } from "vitest";
import { expectGolden } from "../../test/helpers/golden.js";
import type { Finding } from "../model/finding.js";
import type { RunResult } from "../pipeline/run-checks.js";
import { formatGithub } from "./format-github.js";
import { formatJson } from "./format-json.js";
import { formatMarkdown } from "./format-markdown.js";
import { allChecks } from "../pipeline/check-catalog.js";
import { formatSarif } from "./format-sarif.js";
import { formatText } from "./format-text.js";

const findings: Finding[] = [
  {
    ruleId: "schema",
    severity: "error",
    message: 'spec.htp: unknown field "htp"; remove it or correct its spelling',
    resource: { apiVersion: "networking.istio.io/v1", kind: "VirtualService", name: "x" },
    location: { file: "extra/vs.yaml", line: 7, pointer: "/spec/htp" },
  },
  {
    ruleId: "virtual-service-subset-not-found",
    code: "IST0101",
    severity: "error",
    message: 'subset "canary" is not defined by any DestinationRule for host vapora-backend.vapora.svc.cluster.local',
    environment: "prod",
    resource: { apiVersion: "networking.istio.io/v1", kind: "VirtualService", namespace: "vapora", name: "vapora-backend" },
    location: { file: "base/backend/virtual-service.yaml", line: 22, pointer: "/spec/http/0/route/1/destination/subset" },
  },
  {
    ruleId: "retries-exceed-timeout",
    severity: "warning",
    message: "a message with | a pipe, a comma, a colon: and\na newline",
    environment: "staging",
    resource: { apiVersion: "networking.istio.io/v1", kind: "VirtualService", namespace: "vapora", name: "vapora-agents" },
    location: { file: "environments/staging (rendered)", line: 40 },
  },
  {
    ruleId: "render",
    severity: "error",
    message: "kustomize cannot render this environment: invalid YAML: tab characters must not be used in indentation",
    environments: ["dev", "prod", "staging"],
    location: { file: "base/backend/service.yaml", line: 22 },
  },
];

const result: RunResult = {
  findings,
  summary: { environments: 2, resources: 70, errors: 2, warnings: 1, infos: 0, suppressed: 1 },
};

describe("reporters", () => {
  it("text", () => expectGolden(formatText(result), new URL("./golden/report.txt", import.meta.url)));
  it("json", () => expectGolden(formatJson(result), new URL("./golden/report.json", import.meta.url)));
  it("sarif", () => expectGolden(formatSarif(result, allChecks(), "0.0.0-test", (docs) => `https://example.com/repo/${docs}`), new URL("./golden/report.sarif", import.meta.url)));
  it("markdown", () => expectGolden(formatMarkdown(result), new URL("./golden/report.md", import.meta.url)));
  it("github", () => expectGolden(formatGithub(result), new URL("./golden/report.github.txt", import.meta.url)));

  it("sarif names every check once and points results at openable files", () => {
    const sarif = JSON.parse(formatSarif(result, allChecks(), "1", (docs) => `https://example.com/repo/${docs}`)) as {
      version: string;
      runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: Array<{ ruleId: string; ruleIndex?: number; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }>;
    };
    const run = sarif.runs[0];
    expect(sarif.version).toBe("2.1.0");
    const ids = run?.tool.driver.rules.map((r) => r.id) ?? [];
    expect(new Set(ids).size).toBe(ids.length);
    for (const entry of run?.results ?? []) {
      if (entry.ruleIndex !== undefined) expect(ids[entry.ruleIndex]).toBe(entry.ruleId);
      expect(entry.locations[0]?.physicalLocation.region.startLine).toBeGreaterThan(0);
    }
    expect(run?.results[2]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe("environments/staging/kustomization.yaml");
  });

  it("sarif fingerprints: one per finding, the same in every run, independent of the line", () => {
    const twoInOneFile: Finding[] = ["a", "b"].map((name) => ({
      ruleId: "allow-policy-without-selector",
      severity: "error" as const,
      message: "ALLOW policy without a selector",
      environments: ["dev", "prod"],
      resource: { apiVersion: "security.istio.io/v1", kind: "AuthorizationPolicy", namespace: "vapora", name },
      location: { file: "base/mesh/policies.yaml", line: name === "a" ? 3 : 20 },
    }));
    const samePointerTwice: Finding[] = ["first", "second"].map((message) => ({
      ruleId: "schema",
      severity: "error" as const,
      message,
      environment: "prod",
      location: { file: "environments/prod/limits.yaml", line: 5, pointer: "/spec" },
    }));
    const fingerprintsOf = (list: Finding[]) => {
      const sarif = JSON.parse(formatSarif({ findings: list, summary: result.summary }, allChecks(), "1", (docs) => docs)) as {
        runs: Array<{ results: Array<{ partialFingerprints: Record<string, string> }> }>;
      };
      return sarif.runs[0]?.results.map((r) => JSON.stringify(r.partialFingerprints)) ?? [];
    };
    const all = [...findings, ...twoInOneFile, ...samePointerTwice];
    const first = fingerprintsOf(all);
    expect(new Set(first).size).toBe(all.length);
    expect(fingerprintsOf(all)).toEqual(first);
    const moved = all.map((f) => (f.location === undefined ? f : { ...f, location: { ...f.location, line: f.location.line + 7 } }));
    expect(fingerprintsOf(moved)).toEqual(first);
  });

  it("a finding several environments share is one line, one annotation, one SARIF result, naming them all", () => {
    const shared = { findings: [findings[3] as Finding], summary: { ...result.summary, errors: 1, warnings: 0 } };
    expect(formatText(shared)).toContain("dev, prod, staging:\n  base/backend/service.yaml:22: error [render]");
    expect(formatGithub(shared).split("\n")[0]).toBe(
      "::error file=base/backend/service.yaml,line=22,title=render (dev%2C prod%2C staging)::kustomize cannot render this environment: invalid YAML: tab characters must not be used in indentation",
    );
    const sarif = JSON.parse(formatSarif(shared, allChecks(), "1", (docs) => docs)) as { runs: Array<{ results: Array<{ properties: unknown }> }> };
    expect(sarif.runs[0]?.results).toHaveLength(1);
    expect(sarif.runs[0]?.results[0]?.properties).toEqual({ environments: ["dev", "prod", "staging"] });
    const json = JSON.parse(formatJson(shared)) as { findings: Array<Record<string, unknown>> };
    expect(json.findings[0]).toMatchObject({ environments: ["dev", "prod", "staging"] });
    expect(json.findings[0]).not.toHaveProperty("environment");
  });

  it("markdown stays under its cap, keeps the summary and says what it cut", () => {
    const many: Finding[] = Array.from({ length: 3000 }, (_, i) => ({
      ruleId: "schema",
      severity: "error" as const,
      message: `problem number ${i} `.repeat(5),
      environment: `env-${String(i % 30).padStart(2, "0")}`,
      location: { file: "base/x.yaml", line: i + 1 },
    }));
    const text = formatMarkdown({ findings: many, summary: { ...result.summary, errors: 3000 } }, 20_000);
    expect(text.length).toBeLessThanOrEqual(20_000);
    expect(text.startsWith("<!-- mesh-policy-check -->\n## mesh-policy check")).toBe(true);
    expect(text).toContain("| env-29 | 100 | 0 | 0 |");
    expect(text).toMatch(/… truncated: \d+ section\(s\) \/ \d+ finding\(s\) not shown/);
  });
});
