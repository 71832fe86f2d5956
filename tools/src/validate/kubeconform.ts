import { rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { UserError } from "../model/errors.js";
import type { Finding } from "../model/finding.js";
import { refOf, type Resource } from "../model/resource.js";
import { LOCAL_TOOLS_DIR } from "../render/kustomize-binary.js";
import { exportKubeconformSchemas } from "../schemas/export-kubeconform.js";
import { onExit } from "../util/exit-cleanup.js";
import { currentLimits, formatLimit, type Limits } from "../util/limits.js";
import { runBounded, type BoundedResult } from "../util/run-bounded.js";
import { KUBECONFORM_RULE } from "./schema-rules.js";

/** One object's verdict from kubeconform's JSON output. */
export interface KubeconformResult {
  kind: string;
  name: string;
  version: string;
  status: "statusValid" | "statusInvalid" | "statusError" | "statusSkipped" | "statusEmpty";
  msg: string;
  validationErrors?: Array<{ path: string; msg: string }>;
}

/** $MESH_POLICY_KUBECONFORM, the pinned one in .tools/bin, then kubeconform on PATH. */
export async function findKubeconform(repoRoot: string): Promise<string> {
  const explicit = process.env["MESH_POLICY_KUBECONFORM"];
  const candidates = explicit ? [explicit] : [path.join(repoRoot, LOCAL_TOOLS_DIR, "kubeconform"), "kubeconform"];
  for (const command of candidates) {
    const probe = await run(command, ["-v"], { timeoutMs: 20_000, memoryBytes: 512 * 1024 * 1024, maxOutputBytes: 1024 * 1024 });
    if (probe?.outcome === "exited" && probe.exitCode === 0) return command;
  }
  throw new UserError(
    "--kubeconform needs the kubeconform binary: run `bash tools/install-tools.sh` (installs the pinned version into " +
      ".tools/bin), put kubeconform on PATH, or set MESH_POLICY_KUBECONFORM",
  );
}

/**
 * Runs the real kubeconform on exactly the objects we validated (as one YAML stream on stdin),
 * offline against our own schemas exported in its layout, and returns one verdict per object in
 * input order. It runs bounded like kustomize (--limit kubeconform-time, -memory, -output).
 */
export async function runKubeconform(
  repoRoot: string,
  resources: readonly Resource[],
  options: { skipKinds?: readonly string[]; limits?: Readonly<Limits> } = {},
): Promise<KubeconformResult[]> {
  const limits = options.limits ?? currentLimits();
  const binary = await findKubeconform(repoRoot);
  const schemaLocation = await exportedSchemas();
  // -verbose lists valid objects too, so every object gets a verdict.
  const args = ["-strict", "-verbose", "-output", "json", "-schema-location", schemaLocation];
  if (options.skipKinds !== undefined && options.skipKinds.length > 0) args.push("-skip", options.skipKinds.join(","));
  const result = await run(binary, [...args, "-"], {
    input: resources.map((r) => stringify(r.object)).join("---\n"),
    timeoutMs: limits.kubeconformTimeMs,
    memoryBytes: limits.kubeconformMemoryBytes,
    maxOutputBytes: limits.kubeconformOutputBytes,
  });
  if (result === undefined) throw new UserError(`kubeconform (${binary}) cannot be started; run \`bash tools/install-tools.sh\` again`);
  const stopped = stopReason(result, limits);
  if (stopped !== undefined) throw new UserError(`kubeconform ${stopped}; run again with a higher limit, or without --kubeconform`);
  const parsed = parseOutput(result.stdout);
  if (parsed === undefined) {
    throw new UserError(`kubeconform failed (exit ${result.exitCode ?? "?"}): ${(result.stderr || result.stdout).trim().split("\n").slice(-5).join("\n")}`);
  }
  return parsed;
}

/** `command` run bounded in its own process group; undefined when it cannot be started. */
async function run(command: string, args: readonly string[], bounds: { input?: string; timeoutMs: number; memoryBytes: number; maxOutputBytes: number }): Promise<BoundedResult | undefined> {
  try {
    return await runBounded({ command, args, cwd: tmpdir(), env: process.env, ...bounds });
  } catch {
    return undefined;
  }
}

function stopReason(result: BoundedResult, limits: Readonly<Limits>): string | undefined {
  switch (result.outcome) {
    case "timeout":
      return `did not finish within ${formatLimit(limits.kubeconformTimeMs, "duration")} and was stopped (--limit kubeconform-time)`;
    case "memory":
      return `used more than ${formatLimit(limits.kubeconformMemoryBytes, "bytes")} of memory and was stopped (--limit kubeconform-memory)`;
    case "output":
      return `printed more than ${formatLimit(limits.kubeconformOutputBytes, "bytes")} and was stopped (--limit kubeconform-output)`;
    case "signal":
      return `was killed by ${result.signal ?? "a signal"}`;
    case "exited":
      return undefined;
  }
}

let exported: Promise<string> | undefined;

/** Our schemas in kubeconform's layout, written once per run (every environment reads them) and removed at exit. */
function exportedSchemas(): Promise<string> {
  exported ??= (async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "mesh-policy-kubeconform-"));
    onExit(() => rmSync(dir, { recursive: true, force: true }));
    return (await exportKubeconformSchemas(dir)).schemaLocation;
  })();
  return exported;
}

function parseOutput(stdout: string): KubeconformResult[] | undefined {
  try {
    const report = JSON.parse(stdout) as { resources?: KubeconformResult[] };
    return report.resources ?? [];
  } catch {
    return undefined;
  }
}

/**
 * kubeconform's verdicts as findings, for objects our own validator passed: where both reject an
 * object, ours (with its line and field) already says it. kubeconform validates concurrently, so
 * verdicts are matched to objects by kind, name and apiVersion, not by order.
 */
export function kubeconformFindings(
  resources: readonly Resource[],
  results: readonly KubeconformResult[],
  alreadyRejected: ReadonlySet<Resource>,
): Finding[] {
  const byKey = new Map<string, Resource[]>();
  for (const resource of resources) {
    const key = `${resource.apiVersion}\0${resource.kind}\0${resource.name}`;
    byKey.set(key, [...(byKey.get(key) ?? []), resource]);
  }
  const findings: Finding[] = [];
  for (const result of results) {
    if (result.status !== "statusInvalid" && result.status !== "statusError") continue;
    const resource = byKey.get(`${result.version}\0${result.kind}\0${result.name}`)?.[0];
    if (resource !== undefined && alreadyRejected.has(resource)) continue;
    const detail = result.validationErrors?.map((e) => `${e.path || "/"}: ${e.msg}`).join("; ") || result.msg;
    findings.push({
      ruleId: KUBECONFORM_RULE,
      severity: "error",
      message:
        result.status === "statusError"
          ? `kubeconform could not check this object: ${detail}`
          : `kubeconform rejects this object: ${detail}`,
      ...(resource === undefined ? {} : { resource: refOf(resource), location: resource.origin.locate("") }),
    });
  }
  return findings;
}
