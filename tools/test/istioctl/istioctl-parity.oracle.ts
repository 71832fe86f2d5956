import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ISTIO_ANALYZERS, SCHEMA_ANALYZER_PREFIX } from "../../src/lint/istio-analyzers.js";
import { resourcesFromYaml } from "../../src/load/resources-from-yaml.js";
import { runChecks } from "../../src/pipeline/run-checks.js";
import { listEnvironments } from "../../src/render/environments.js";
import { renderEnvironment } from "../../src/render/render-environment.js";
import { packageConfig } from "../../src/util/package-config.js";
import { REPO_ROOT } from "../helpers/run-cli.js";
import { compareFindings, expectationFor, parseExpectations, parseIstioctlJson, parseSkippedAnalyzers, type Disagreement, type Expectation } from "./compare.js";

/**
 * The differential suite (npm run test:istioctl): `istioctl analyze --use-kube=false -A` next to
 * mesh-policy's checks on every lint rule fixture and on every rendered environment. It fails on any
 * IST-coded disagreement that expectations.yaml does not list with a reason, and on an expectation
 * that no longer happens. istioctl: $MESH_POLICY_ISTIOCTL, else .tools/bin/istioctl
 * (bash tools/install-tools.sh --istioctl builds it from the pinned Istio module).
 */

const ISTIOCTL = process.env["MESH_POLICY_ISTIOCTL"] ?? path.join(REPO_ROOT, ".tools/bin/istioctl");
const ISTIOCTL_TIMEOUT_MS = 60_000;
const EXPECTATIONS_FILE = path.join(REPO_ROOT, "tools/test/istioctl/expectations.yaml");
const RULES_DIR = path.join(REPO_ROOT, "tools/src/lint/rules");

interface Target {
  name: string;
  /** Repository-relative (fixtures) or absolute (rendered environments) path of the YAML given to istioctl. */
  file: string;
  environment: string | undefined;
}

interface TargetResult {
  target: Target;
  disagreements: Disagreement[];
  skipped: Set<string>;
}

const expectations: Expectation[] = parseExpectations(readFileSync(EXPECTATIONS_FILE, "utf8"));
const results: TargetResult[] = [];
let workDir = "";

function fixtureTargets(): Target[] {
  return readdirSync(RULES_DIR)
    .sort()
    .flatMap((rule) =>
      ["invalid", "valid"].map((which) => {
        const file = path.posix.join("tools/src/lint/rules", rule, "fixtures", `${which}.yaml`);
        return { name: file, file, environment: undefined };
      }),
    )
    .filter((t) => existsSync(path.join(REPO_ROOT, t.file)));
}

async function analyzeWithIstioctl(target: Target): Promise<{ messages: ReturnType<typeof parseIstioctlJson>; skipped: Set<string> }> {
  const result = await execa(ISTIOCTL, ["analyze", "--use-kube=false", "-A", "-v", "-o", "json", target.file], {
    cwd: REPO_ROOT,
    reject: false,
    timeout: ISTIOCTL_TIMEOUT_MS,
    env: { HOME: workDir },
  });
  if (result.timedOut) throw new Error(`istioctl analyze ${target.file} did not finish in ${ISTIOCTL_TIMEOUT_MS / 1000}s`);
  try {
    return { messages: parseIstioctlJson(result.stdout), skipped: parseSkippedAnalyzers(result.stderr) };
  } catch (error) {
    throw new Error(
      `istioctl analyze ${target.file} (exit ${result.exitCode}) gave no JSON: ${error instanceof Error ? error.message : String(error)}\n` +
        result.stderr.split("\n").slice(-15).join("\n"),
    );
  }
}

async function analyzeTarget(target: Target): Promise<TargetResult> {
  const { resources, findings: loadFindings } = resourcesFromYaml(readFileSync(path.resolve(REPO_ROOT, target.file), "utf8"), target.name);
  const [ours, theirs] = await Promise.all([
    runChecks([{ environment: target.environment, resources, loadFindings }], { validate: true, lint: true }),
    analyzeWithIstioctl(target),
  ]);
  return { target, disagreements: compareFindings(target.name, ours.findings, theirs.messages, theirs.skipped), skipped: theirs.skipped };
}

/** Runs `work` on every item, `limit` at a time (the machine's cores are shared). */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await work(item);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

describe("istioctl analyze --use-kube=false -A agrees with mesh-policy on every IST code", () => {
  beforeAll(async () => {
    if (!existsSync(ISTIOCTL)) {
      throw new Error(`no istioctl at ${ISTIOCTL}: set MESH_POLICY_ISTIOCTL, or build it with: bash tools/install-tools.sh --istioctl`);
    }
    workDir = await mkdtemp(path.join(os.tmpdir(), "mesh-policy-istioctl-"));
    const targets = fixtureTargets();
    for (const environment of await listEnvironments(REPO_ROOT)) {
      const rendered = await renderEnvironment(REPO_ROOT, environment, { cacheDir: false });
      const file = path.join(workDir, `${environment}.yaml`);
      await writeFile(file, rendered.yaml);
      targets.push({ name: `env:${environment}`, file, environment });
    }
    await eachLimited(targets, 2, async (target) => {
      results.push(await analyzeTarget(target));
    });
    results.sort((a, b) => (a.target.name < b.target.name ? -1 : 1));
  }, 600_000);

  afterAll(async () => {
    if (workDir !== "") await rm(workDir, { recursive: true, force: true });
  });

  it("uses istioctl built from the pinned Istio module", async () => {
    const { stdout } = await execa("go", ["version", "-m", ISTIOCTL]);
    expect(stdout).toContain(`istio.io/istio\t${packageConfig().istioctlVersion}`);
  });

  it("skips exactly the analyzers that need a cluster (those that read Services, Pods, Namespaces, Secrets)", () => {
    const expected = ISTIO_ANALYZERS.filter((a) => a.needsCluster).map((a) => a.name).sort();
    for (const { target, skipped } of results) {
      expect([...skipped].filter((name) => !name.startsWith(SCHEMA_ANALYZER_PREFIX)).sort(), target.name).toEqual(expected);
    }
  });

  it("disagrees only where expectations.yaml says why", () => {
    const unexplained = results.flatMap((r) => r.disagreements.filter((d) => expectationFor(d, expectations) === undefined));
    expect(unexplained.map((d) => `${d.target}: ${d.side} only: ${d.finding} (${d.detail})`)).toEqual([]);
  });

  it("lists no expectation that no longer happens", () => {
    const all = results.flatMap((r) => r.disagreements);
    const stale = expectations.filter((e) => !all.some((d) => expectationFor(d, [e]) !== undefined));
    expect(stale.map((e) => `${e.target}: ${e.side} only: ${e.finding}`)).toEqual([]);
  });

  it("covers every rule fixture and every environment", async () => {
    expect(results.length).toBe(fixtureTargets().length + (await listEnvironments(REPO_ROOT)).length);
  });
});
