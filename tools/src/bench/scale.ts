import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { writeScaleRepo } from "./scale-repo.js";

/**
 * `npm run bench -- --scale`: the CLI end to end on generated repositories of growing size, each
 * stage timed as a whole process (wall time; CPU time and peak memory of the process or its
 * largest child, from /usr/bin/time), and each stage's growth exponent (of CPU time) between the
 * two largest sizes, flagged when it grows faster than n log n.
 */

export const DEFAULT_SCALE_SIZES = [200, 1_000, 2_000];

interface Stage {
  name: string;
  /** Arguments after `mesh-policy`; `cache` names the cache directory the stage uses. */
  args: readonly string[];
  cache: "check" | "diff";
}

/**
 * The PR workflow's order: check renders the head (cold, then warm); diff then renders only the
 * base revision (cold: head comes from check's cache), then nothing (warm); graph reads the cache.
 */
const STAGES: readonly Stage[] = [
  { name: "check cold", args: ["check", "--format", "sarif", "--output", "check.sarif", "--fail-on", "never"], cache: "check" },
  { name: "check warm", args: ["check", "--format", "sarif", "--output", "check.sarif", "--fail-on", "never"], cache: "check" },
  { name: "diff cold (base rendered)", args: ["diff", "--base", "base", "--head", "head", "--format", "markdown", "--output", "diff.md"], cache: "check" },
  { name: "diff warm", args: ["diff", "--base", "base", "--head", "head", "--format", "markdown", "--output", "diff.md"], cache: "check" },
  { name: "graph (json)", args: ["graph", "--env", "prod", "--format", "json", "--output", "graph.json"], cache: "check" },
];

interface Measure {
  stage: string;
  services: number;
  objects: number;
  seconds: number;
  /** User + system CPU of the process and its children: steadier than wall time on a shared machine. */
  cpuSeconds: number | undefined;
  peakMb: number | undefined;
  exitCode: number | null;
}

export async function runScaleBench(repoRoot: string, sizes: readonly number[]): Promise<string> {
  const cli = path.join(repoRoot, "tools", "dist", "cli", "main.js");
  const kustomize = process.env["MESH_POLICY_KUSTOMIZE"] ?? path.join(repoRoot, ".tools", "bin", "kustomize");
  const timeBinary = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
  const measures: Measure[] = [];
  for (const services of sizes) {
    const dir = await mkdtemp(path.join(tmpdir(), `mesh-policy-scale-${services}-`));
    try {
      const repo = await writeScaleRepo(path.join(dir, "repo"), services);
      for (const stage of STAGES) {
        const env = { ...process.env, MESH_POLICY_KUSTOMIZE: kustomize, MESH_POLICY_CACHE_DIR: path.join(dir, `cache-${stage.cache}`) };
        // kustomize alone takes minutes at 10,000 objects on a busy machine: the default bound is for real repositories.
        const args = [cli, ...stage.args, "--limit", "kustomize-time=30m"];
        const start = performance.now();
        const run = timeBinary === undefined
          ? spawnSync(process.execPath, args, { cwd: repo.root, env, encoding: "utf8" })
          : spawnSync(timeBinary, ["-f", "peak-kb=%M cpu=%U+%S", process.execPath, ...args], { cwd: repo.root, env, encoding: "utf8" });
        const seconds = (performance.now() - start) / 1000;
        const peak = /peak-kb=(\d+) cpu=([\d.]+)\+([\d.]+)/.exec(run.stderr ?? "");
        const cpuSeconds = peak === null ? undefined : Number(peak[2]) + Number(peak[3]);
        measures.push({ stage: stage.name, services, objects: repo.objects, seconds, cpuSeconds, peakMb: peak === null ? undefined : Number(peak[1]) / 1024, exitCode: run.status });
        process.stderr.write(`${services} services, ${stage.name}: ${seconds.toFixed(1)} s${peak === null ? "" : ` (CPU ${cpuSeconds?.toFixed(1)} s), ${(Number(peak[1]) / 1024).toFixed(0)} MB`}, exit ${run.status}\n`);
        if (run.status !== 0 && run.status !== 1) process.stderr.write(`${(run.stderr ?? "").split("\n").slice(-5).join("\n")}\n`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return formatScale(measures, sizes);
}

/** Growth exponent k of t ∝ n^k between two sizes. */
export function growthExponent(n1: number, t1: number, n2: number, t2: number): number {
  return Math.log(t2 / t1) / Math.log(n2 / n1);
}

/** The exponent n log n itself shows between two sizes (a little above 1). */
export function nLogNExponent(n1: number, n2: number): number {
  return growthExponent(n1, n1 * Math.log(n1), n2, n2 * Math.log(n2));
}

function formatScale(measures: readonly Measure[], sizes: readonly number[]): string {
  const header = ["stage", ...sizes.flatMap((n) => [`${n} svc s`, `${n} svc CPU s`, `${n} svc MB`]), "exponent (CPU)", "verdict"];
  const lines = [`objects per environment: ${sizes.map((n) => `${n} services = ${measures.find((m) => m.services === n)?.objects ?? "?"}`).join(", ")}`, ""];
  lines.push(`| ${header.join(" | ")} |`, `|${header.map((_, i) => (i === 0 || i === header.length - 1 ? "---" : "---:")).join("|")}|`);
  for (const stage of STAGES) {
    const row = sizes.map((n) => measures.find((m) => m.stage === stage.name && m.services === n));
    const cells = row.flatMap((m) =>
      m === undefined
        ? ["", "", ""]
        : [`${m.seconds.toFixed(2)}${m.exitCode === 0 || m.exitCode === 1 ? "" : ` (exit ${m.exitCode})`}`, m.cpuSeconds?.toFixed(2) ?? "n/a", m.peakMb === undefined ? "n/a" : m.peakMb.toFixed(0)],
    );
    // Between the two largest sizes, where the work outweighs the fixed start-up.
    const first = row.at(-2);
    const last = row.at(-1);
    let exponent = "";
    let verdict = "";
    if (first !== undefined && last !== undefined && last.services > first.services) {
      // CPU time where /usr/bin/time gave it: wall time on a shared machine swings with its load.
      const k = growthExponent(first.services, first.cpuSeconds ?? first.seconds, last.services, last.cpuSeconds ?? last.seconds);
      const bound = nLogNExponent(first.services, last.services);
      exponent = k.toFixed(2);
      verdict = k > bound + 0.1 ? `⚠️ faster than n log n (${bound.toFixed(2)})` : "≤ n log n";
    }
    lines.push(`| ${[stage.name, ...cells, exponent, verdict].join(" | ")} |`);
  }
  return `${lines.join("\n")}\n`;
}
