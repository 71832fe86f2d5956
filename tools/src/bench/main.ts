import { performance } from "node:perf_hooks";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { lintResources } from "../lint/run-lint.js";
import { resourcesFromYaml } from "../load/resources-from-yaml.js";
import { runKubeconform } from "../validate/kubeconform.js";
import { SchemaValidator } from "../validate/schema-validation.js";
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
  const validation = await timed(() => resources.reduce((n, r) => n + validator.validate(r).length, 0));
  if (validation.value !== 0) throw new Error(`synthetic mesh has ${validation.value} schema findings`);
  rows.push({ measure: "validate: schema (first run, compiles the schemas)", objects: resources.length, ms: validation.ms, target: "< 1000 ms" });
  const warm = await timed(() => resources.reduce((n, r) => n + validator.validate(r).length, 0));
  rows.push({ measure: "validate: schema (schemas compiled)", objects: resources.length, ms: warm.ms });

  const lint = await timed(() => lintResources(resources, { environment: "bench" }));
  rows.push({ measure: `lint: every rule (${lint.value.findings.length} findings)`, objects: resources.length, ms: lint.ms, target: "< 1000 ms" });

  const kubeconform = await timed(() => runKubeconform(REPO_ROOT, resources));
  rows.push({ measure: "kubeconform on the same objects (real binary, for comparison)", objects: resources.length, ms: kubeconform.ms });

  process.stdout.write(formatRows(rows));
}

function formatRows(rows: readonly Row[]): string {
  const lines = ["| measure | objects | ms | target |", "|---|---:|---:|---|"];
  for (const row of rows) lines.push(`| ${row.measure} | ${row.objects} | ${row.ms.toFixed(0)} | ${row.target ?? ""} |`);
  return `${lines.join("\n")}\n`;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
