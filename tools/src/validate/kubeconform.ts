import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { stringify } from "yaml";
import { UserError } from "../model/errors.js";
import type { Finding } from "../model/finding.js";
import { refOf, type Resource } from "../model/resource.js";
import { LOCAL_TOOLS_DIR } from "../render/kustomize-binary.js";
import { exportKubeconformSchemas } from "../schemas/export-kubeconform.js";
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

/** kubeconform is linear in what it checks, which the YAML and kustomize bounds already bound. */
const KUBECONFORM_TIMEOUT_MS = 300_000;

/**
 * Runs the real kubeconform on exactly the objects we validated (as one YAML stream on stdin),
 * offline against our own schemas exported in its layout, and returns one verdict per object in
 * input order.
 */
export async function runKubeconform(
  repoRoot: string,
  resources: readonly Resource[],
  options: { skipKinds?: readonly string[] } = {},
): Promise<KubeconformResult[]> {
  const binary = await findKubeconform(repoRoot);
  const schemaDir = await mkdtemp(path.join(tmpdir(), "mesh-policy-kubeconform-"));
  try {
    const { schemaLocation } = await exportKubeconformSchemas(schemaDir);
    const stream = resources.map((r) => stringify(r.object)).join("---\n");
    // -verbose lists valid objects too, so every object gets a verdict.
    const args = ["-strict", "-verbose", "-output", "json", "-schema-location", schemaLocation];
    if (options.skipKinds !== undefined && options.skipKinds.length > 0) args.push("-skip", options.skipKinds.join(","));
    const run = await execa(binary, [...args, "-"], { input: stream, reject: false, maxBuffer: 256 * 1024 * 1024, timeout: KUBECONFORM_TIMEOUT_MS });
    if (run.timedOut) throw new UserError(`kubeconform did not finish within ${KUBECONFORM_TIMEOUT_MS / 1000} s and was stopped; run again without --kubeconform`);
    const parsed = parseOutput(run.stdout);
    if (parsed === undefined) {
      throw new UserError(`kubeconform failed (exit ${run.exitCode ?? "?"}): ${(run.stderr || run.stdout).trim().split("\n").slice(-5).join("\n")}`);
    }
    return parsed;
  } finally {
    await rm(schemaDir, { recursive: true, force: true });
  }
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
