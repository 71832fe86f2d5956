/**
 * The README's recipe for adding a workload is one command: on a copy of this repository,
 * `mesh-policy new workload` and `mesh-policy new call`, then `mesh-policy check` and the tests
 * that read this repository's policy, with no edit by hand.
 */
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/run-cli.js";

/** What the copy leaves out: installed, built, cached or version-control state (linked or rebuilt instead). */
const LEFT_OUT = new Set(["node_modules", ".git", ".cache", ".tools"]);

/** The tests whose expectations come from the repository's catalog and docs (the ones a new workload used to break). */
const POLICY_TESTS = [
  "tools/src/access/vapora.test.ts",
  "tools/src/generate/check-generated.test.ts",
  "tools/src/generate/file-transaction.test.ts",
  "tools/src/generate/generate.test.ts",
  "tools/src/generate/catalog-source-map.test.ts",
  "tools/src/promote/promotion.test.ts",
  "tools/test/docs.test.ts",
];

let copy: string;

beforeAll(async () => {
  copy = await mkdtemp(path.join(tmpdir(), "mesh-policy-new-"));
  await cp(REPO_ROOT, copy, {
    recursive: true,
    preserveTimestamps: true,
    filter: (source) => !LEFT_OUT.has(path.relative(REPO_ROOT, source).split(path.sep)[0] ?? ""),
  });
  await symlink(path.join(REPO_ROOT, "node_modules"), path.join(copy, "node_modules"));
  if (existsSync(path.join(REPO_ROOT, ".tools"))) await symlink(path.join(REPO_ROOT, ".tools"), path.join(copy, ".tools"));
}, 120_000);

afterAll(async () => {
  await rm(copy, { recursive: true, force: true });
});

const mesh = (args: string[]) => execa("node", ["tools/bin/mesh-policy.js", ...args], { cwd: copy, reject: false, env: { MESH_POLICY_CACHE_DIR: path.join(copy, ".cache") } });

describe("mesh-policy new on a copy of this repository", () => {
  it("new workload and new call wire everything: check and the policy's tests pass with no edit by hand", async () => {
    const workload = await mesh(["new", "workload", "search", "--port", "8004", "--called-by", "backend"]);
    expect(workload.stderr).toContain("wrote base/search/kustomization.yaml");
    expect(workload.exitCode, workload.stderr).toBe(0);
    expect(workload.stdout).toMatch(/^new workload vapora-search in base\/search\/, port 8004 \(http-search\), called by vapora-backend\nNext:\n/);
    expect(workload.stdout).toContain("npm run check && npm test");

    const call = await mesh(["new", "call", "frontend", "search", "--methods", "GET", "--paths", "/search/*"]);
    expect(call.exitCode, call.stderr).toBe(0);
    expect(call.stdout).toMatch(/^new call vapora-frontend -> vapora-search on http-search, GET \/search\/\*\n/);

    expect(await readFile(path.join(copy, "base/kustomization.yaml"), "utf8")).toMatch(/\n {2}- search\n/);
    for (const environment of ["dev", "staging", "prod"]) {
      expect(await readFile(path.join(copy, `environments/${environment}/limits.yaml`), "utf8"), environment).toContain("name: vapora-search");
    }
    const doc = await readFile(path.join(copy, "docs/policy.md"), "utf8");
    expect(doc).toContain("| vapora-search | vapora-search | 8004 (`http-search`) | 8004 | backend, frontend |");
    expect(doc).toContain("| `cluster.local/ns/vapora/sa/vapora-frontend` | vapora-search | 8004 | GET | `/search/*` | |");

    const check = await mesh(["check", "--format", "json"]);
    expect(check.exitCode, check.stdout).toBe(0);
    expect((JSON.parse(check.stdout) as { summary: { errors: number } }).summary.errors).toBe(0);

    const tests = await execa("npx", ["vitest", "run", ...POLICY_TESTS], { cwd: copy, reject: false, env: { MESH_POLICY_KUSTOMIZE: path.join(REPO_ROOT, ".tools/bin/kustomize") } });
    expect(tests.exitCode, `${tests.stdout}\n${tests.stderr}`).toBe(0);
  }, 600_000);

  it("a workload folder no kustomization includes, and a workload without pool sizes where the others have them, fail check", async () => {
    // The README's old recipe with its step 4 forgotten: neither base/kustomization.yaml nor limits.yaml has the workload.
    const kustomization = path.join(copy, "base/kustomization.yaml");
    const kustomizationText = await readFile(kustomization, "utf8");
    for (const environment of ["dev", "staging", "prod"]) {
      const limits = path.join(copy, `environments/${environment}/limits.yaml`);
      const text = await readFile(limits, "utf8");
      const withoutSearch = text.slice(0, text.lastIndexOf("---\n# vapora-search"));
      expect(withoutSearch.length, environment).toBeLessThan(text.length);
      await writeFile(limits, withoutSearch);
    }
    await writeFile(kustomization, kustomizationText.replace("  - search\n", ""));
    const unreached = await mesh(["check", "-q"]);
    expect(unreached.exitCode, unreached.stdout).toBe(1);
    expect(unreached.stdout).toMatch(
      /base\/search\/kustomization\.yaml:1: error \[catalog-workload-unreached\] vapora-search \(base\/search\/, generated from base\/catalog\/catalog\.jsonnet\) is deployed by no environment/,
    );
    expect(unreached.stdout).not.toContain("unreached-kustomize-input");

    await writeFile(kustomization, kustomizationText);
    const unsized = await mesh(["check", "-f", "json"]);
    expect(unsized.exitCode).toBe(1);
    const findings = (JSON.parse(unsized.stdout) as { findings: Array<{ ruleId: string; message: string; environment?: string; location: { file: string } }> }).findings;
    expect(findings.filter((f) => f.ruleId === "catalog-workload-pool-sizes").map((f) => [f.environment, f.location.file])).toEqual([
      ["dev", "environments/dev/limits.yaml"],
      ["prod", "environments/prod/limits.yaml"],
      ["staging", "environments/staging/limits.yaml"],
    ]);
    expect(findings.find((f) => f.ruleId === "catalog-workload-pool-sizes")?.message).toMatch(/^vapora-search has no connection-pool sizes in dev, where vapora-[a-z-]+(, vapora-[a-z-]+)* have theirs \(environments\/dev\/limits\.yaml\)/);

    // .mesh-policy.yaml's environments: what check renders when none is named.
    await writeFile(path.join(copy, ".mesh-policy.yaml"), "environments: [prod]\n");
    const configured = await mesh(["check", "-f", "json"]);
    const prodOnly = (JSON.parse(configured.stdout) as { findings: Array<{ ruleId: string; environment?: string }>; summary: { environments: number } });
    expect(prodOnly.summary.environments).toBe(1);
    expect(prodOnly.findings.filter((f) => f.ruleId === "catalog-workload-pool-sizes").map((f) => f.environment)).toEqual(["prod"]);
    await writeFile(path.join(copy, ".mesh-policy.yaml"), "environments: [prod, stagin]\n");
    const mistaken = await mesh(["check"]);
    expect(mistaken.exitCode).toBe(2);
    expect(mistaken.stderr).toContain('.mesh-policy.yaml:1: environments: unknown environment "stagin"; did you mean "staging"?');
  }, 300_000);
});
