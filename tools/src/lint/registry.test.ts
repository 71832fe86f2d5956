import { existsSync, readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ADMISSION_RULE } from "../validate/schema-rules.js";
import { ISTIO_ANALYZERS } from "./istio-analyzers.js";
import { LINT_RULES } from "./registry.js";

const rulesDir = fileURLToPath(new URL("./rules/", import.meta.url));
const README_SECTIONS = ["## What it checks", "## Why it matters", "## Examples", "## How to fix", "## How to suppress"];

describe("the lint rule registry", () => {
  it("registers every rule folder, and nothing else", () => {
    const folders = readdirSync(rulesDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    expect(LINT_RULES.map((r) => r.id).sort()).toEqual(folders);
  });

  it("gives every rule a unique kebab-case id and, where it has one, a valid IST code", () => {
    const ids = LINT_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of LINT_RULES) {
      expect(rule.id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      if (rule.code !== undefined) expect(rule.code).toMatch(/^IST\d{4}$/);
      expect(rule.summary.length).toBeGreaterThan(10);
      expect(rule.appliesTo.length).toBeGreaterThan(0);
    }
  });

  it("maps every IST-coded rule to the istioctl analyzer that reports its code, and lists only checks that exist", () => {
    const ids = new Set([...LINT_RULES.map((r) => r.id), ADMISSION_RULE]);
    for (const analyzer of ISTIO_ANALYZERS) for (const check of analyzer.checks) expect(ids, `${analyzer.name} lists ${check}`).toContain(check);
    for (const rule of LINT_RULES) {
      const analyzers = ISTIO_ANALYZERS.filter((a) => a.checks.includes(rule.id));
      if (rule.code === undefined) {
        expect(analyzers.map((a) => a.name), `${rule.id} has no IST code`).toEqual([]);
        continue;
      }
      expect(analyzers.map((a) => a.name), `${rule.id} (${rule.code})`).toHaveLength(1);
      expect(analyzers[0]?.codes).toContain(rule.code);
    }
    expect(new Set(ISTIO_ANALYZERS.map((a) => a.name)).size).toBe(ISTIO_ANALYZERS.length);
  });

  it.each(LINT_RULES.map((r) => [r.id]))("%s has docs, valid and invalid fixtures, and a test", (id) => {
    const dir = `${rulesDir}${id}/`;
    const readme = readFileSync(`${dir}README.md`, "utf8");
    expect(readme.startsWith(`# ${id}\n`)).toBe(true);
    for (const section of README_SECTIONS) expect(readme).toContain(section);
    for (const file of ["fixtures/valid.yaml", "fixtures/invalid.yaml", "rule.test.ts"]) expect(existsSync(`${dir}${file}`)).toBe(true);
  });
});
