import { rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { stringify } from "yaml";
import { UserError } from "../model/errors.js";
import type { Finding } from "../model/finding.js";
import { refOf, type Resource } from "../model/resource.js";
import { LOCAL_TOOLS_DIR } from "../render/kustomize-binary.js";
import { exportKubeconformSchemas } from "../schemas/export-kubeconform.js";
import { onExit } from "../util/exit-cleanup.js";
import { currentLimits, formatLimit, type Limits } from "../util/limits.js";
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
    const probe = await execa(command, ["-v"], { reject: false, timeout: 20_000 });
    if (probe.exitCode === 0) return command;
  }
  throw new UserError(
    "--kubeconform needs the kubeconform binary: run `bash tools/install-tools.sh` (installs the pinned version into " +
      ".tools/bin), put kubeconform on PATH, or set MESH_POLICY_KUBECONFORM",
  );
}

/**
 * Runs the real kubeconform on exactly the objects we validated (as one YAML stream on stdin),
 * offline against our own schemas exported in its layout, and returns one verdict per object in
 * input order. Bounded in time and output (--limit kubeconform-time, kubeconform-output): its
 * input, the objects, is already bounded.
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
  const run = await execa(binary, [...args, "-"], {
    input: resources.map((r) => stringify(r.object)).join("---\n"),
    reject: false,
    timeout: limits.kubeconformTimeMs,
    maxBuffer: limits.kubeconformOutputBytes,
  });
  if (run.timedOut) {
    throw new UserError(`kubeconform did not finish within ${formatLimit(limits.kubeconformTimeMs, "duration")} and was stopped (--limit kubeconform-time)${RAISE}`);
  }
  if (run.isMaxBuffer) {
    throw new UserError(`kubeconform printed more than ${formatLimit(limits.kubeconformOutputBytes, "bytes")} and was stopped (--limit kubeconform-output)${RAISE}`);
  }
  const parsed = parseOutput(run.stdout);
  if (parsed === undefined) {
    throw new UserError(`kubeconform failed (exit ${run.exitCode ?? "?"}): ${(run.stderr || run.stdout).trim().split("\n").slice(-5).join("\n")}`);
  }
  return parsed;
}

const RAISE = "; run again with a higher limit, or without --kubeconform";

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
