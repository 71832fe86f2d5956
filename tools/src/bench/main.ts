import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { performance } from "node:perf_hooks";
import { benchAccessMatrix } from "../access/bench-access.js";
import { benchDiff } from "../diff/bench-diff.js";
import { diffRevisions } from "../diff/run-diff.js";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { LINT_RULES } from "../lint/registry.js";
import { lintResources } from "../lint/run-lint.js";
import type { Resource } from "../model/resource.js";
import { resourcesFromYaml } from "../load/resources-from-yaml.js";
import { admissionFindings } from "../validate/admission-findings.js";
import { runKubeconform } from "../validate/kubeconform.js";
import { SchemaValidator } from "../validate/schema-validation.js";
import { DEFAULT_SCALE_SIZES, runScaleBench } from "./scale.js";
import { syntheticMeshYaml } from "./synthetic-mesh.js";

const REPO_ROOT = path.resolve(fileURLToPath(new URL("../../../", import.meta.url)));
const OBJECTS = Number(process.env["BENCH_OBJECTS"] ?? 10_000);

interface Row {
  measure: string;
  objects: number;
  ms: number;
  target?: string;
}

async function timed<T>(work: () => T | Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const { yaml, workloads } = syntheticMeshYaml(OBJECTS);
  const load = await timed(() => resourcesFromYaml(yaml, "synthetic.yaml"));
  const resources = load.value.resources;
  rows.push({ measure: `load (parse YAML, lines found on demand), ${workloads} workloads`, objects: resources.length, ms: load.ms });

  const validator = new SchemaValidator();
  const validate = () => resources.reduce((n, r) => n + validator.validate(r).length + admissionFindings(r).findings.length, 0);
  const validation = await timed(async () => {
    await validator.prepare(resources);
    return validate();
  });
  if (validation.value !== 0) throw new Error(`synthetic mesh has ${validation.value} validation findings`);
  rows.push({ measure: "validate: schema + admission (first run, loads the validators)", objects: resources.length, ms: validation.ms, target: "< 1000 ms" });
  const warm = await timed(validate);
  rows.push({ measure: "validate: schema + admission (schemas compiled)", objects: resources.length, ms: warm.ms });

  const lint = await timed(() => lintResources(resources, { environment: "bench" }));
  rows.push({ measure: `lint: every rule (${lint.value.findings.length} findings)`, objects: resources.length, ms: lint.ms, target: "< 1000 ms" });
  for (const [rule, ms] of slowestRules(resources, 3)) rows.push({ measure: `  of which ${rule}`, objects: resources.length, ms });

  const diff = benchDiff({ objects: 2_500 });
  rows.push({ measure: `diff: two revisions, ~5% changed (normalise + diff + markdown, no kustomize)`, objects: diff.objects, ms: diff.totalMs, target: "< 500 ms" });
  rows.push(await diffRenderCacheRow());

  const access = benchAccessMatrix({ runs: 3 });
  rows.push({
    measure: `access matrix: ${access.workloads} workloads, ${access.policies} policies, ${access.cells} cells`,
    objects: access.workloads + access.policies,
    ms: access.totalMs,
    target: "< 1000 ms",
  });

  const kubeconform = await timed(() => runKubeconform(REPO_ROOT, resources));
  rows.push({ measure: "kubeconform on the same objects (real binary, for comparison)", objects: resources.length, ms: kubeconform.ms });

  process.stdout.write(formatRows(rows));
}

/**
 * The render cache across a diff: this repository's environments at HEAD twice in a row; the
 * second time every environment whose inputs did not change comes from the cache.
 */
async function diffRenderCacheRow(): Promise<Row> {
  const cacheDir = await mkdtemp(path.join(tmpdir(), "mesh-policy-bench-cache-"));
  try {
    const first = await timed(() => diffRevisions({ repoRoot: REPO_ROOT, base: "HEAD", head: "HEAD", cacheDir }));
    const second = await timed(() => diffRevisions({ repoRoot: REPO_ROOT, base: "HEAD", head: "HEAD", cacheDir }));
    const environments = first.value.environments.length + first.value.unchangedEnvironments.length;
    return {
      measure: `diff HEAD..HEAD of this repository (${environments} environments): first ${first.ms.toFixed(0)} ms renders each once, then cached`,
      objects: environments,
      ms: second.ms,
    };
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}

/** Each rule alone on a fresh index (which includes building what it reads), slowest first. */
function slowestRules(resources: readonly Resource[], count: number): Array<[string, number]> {
  const times: Array<[string, number]> = LINT_RULES.map((rule) => {
    const start = performance.now();
    lintResources(resources, { rules: [rule], environment: "bench" });
    return [rule.id, performance.now() - start];
  });
  return times.sort((a, b) => b[1] - a[1]).slice(0, count);
}

function formatRows(rows: readonly Row[]): string {
  const lines = ["| measure | objects | ms | target |", "|---|---:|---:|---|"];
  for (const row of rows) lines.push(`| ${row.measure} | ${row.objects} | ${row.ms.toFixed(0)} | ${row.target ?? ""} |`);
  return `${lines.join("\n")}\n`;
}

async function benchMain(args: readonly string[]): Promise<void> {
  if (!args.includes("--scale")) return main();
  const sizesArg = args[args.indexOf("--sizes") + 1];
  const sizes = args.includes("--sizes") && sizesArg !== undefined ? sizesArg.split(",").map(Number) : DEFAULT_SCALE_SIZES;
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error("--sizes takes service counts: --sizes 200,1000,2000");
  process.stdout.write(await runScaleBench(REPO_ROOT, sizes));
}

benchMain(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
