import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { displayPath } from "../load/load-paths.js";
import type { Finding } from "../model/finding.js";
import { isJsonObject } from "../model/resource.js";
import { currentLimits } from "../util/limits.js";
import { collectKustomizeInputs, KustomizeInputError } from "./kustomize-inputs.js";
import { findKustomize } from "./kustomize-binary.js";
import { runKustomize } from "./run-kustomize.js";
import { firstUnboundedInput } from "./unbounded-inputs.js";

export const KUSTOMIZATION_RULE = "kustomization";

const KUSTOMIZATION_FILE = /^(kustomization\.ya?ml|Kustomization)$/;
const SKIPPED_DIRS = new Set(["node_modules", ".git", ".tools", ".cache", "dist"]);

/** Every kustomization file below the given folders, sorted. */
export async function findKustomizationFiles(dirs: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) await walk(path.join(dir, entry.name));
      else if (entry.isFile() && KUSTOMIZATION_FILE.test(entry.name)) found.push(path.join(dir, entry.name));
    }
  };
  for (const dir of dirs) await walk(dir);
  return found.sort();
}

/**
 * Has kustomize itself load each kustomization (its strict parser rejects unknown fields and
 * broken references): a Kustomization is built as it is, a Component through a throw-away
 * kustomization that includes it. This covers the files no environment reaches.
 */
export async function checkKustomizationFiles(repoRoot: string, files: readonly string[]): Promise<Finding[]> {
  if (files.length === 0) return [];
  const kustomize = await findKustomize(repoRoot);
  const scratch = await mkdtemp(path.join(tmpdir(), "mesh-policy-kustomization-"));
  try {
    const findings: Finding[] = [];
    for (const [index, file] of files.entries()) {
      const text = await readFile(file, "utf8");
      const dir = path.dirname(file);
      // Remote references, paths out of the repository and inputs that expand without bound are
      // refused before kustomize sees them.
      const refused = await collectKustomizeInputs(dir, repoRoot, { allowRemote: currentLimits().remoteResources }).then(
        (inputs) => firstUnboundedInput(inputs.files, repoRoot),
        (error: unknown) => {
          if (error instanceof KustomizeInputError) return error.detail;
          throw error;
        },
      );
      if (refused !== undefined) {
        findings.push({ ruleId: KUSTOMIZATION_RULE, severity: "error", message: refused.reason, location: { file: refused.file, line: refused.line } });
        continue;
      }
      let buildDir = dir;
      if (kindOf(text) === "Component") {
        buildDir = path.join(scratch, String(index));
        await mkdir(buildDir);
        await writeFile(
          path.join(buildDir, "kustomization.yaml"),
          `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\ncomponents:\n- ${path.relative(buildDir, dir)}\n`,
        );
      }
      const run = await runKustomize(kustomize, [buildDir], { cwd: repoRoot });
      if (run.stopped === undefined && run.result.exitCode === 0) continue;
      const reason = run.stopped === undefined ? firstError(run.result.stderr, scratch, repoRoot) : `kustomize ${run.stopped}`;
      findings.push({
        ruleId: KUSTOMIZATION_RULE,
        severity: "error",
        message: `kustomize rejects this ${kindOf(text) ?? "kustomization"}: ${reason}`,
        location: { file: displayPath(file, repoRoot), line: lineOfUnknownField(text, reason) },
      });
    }
    return findings;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function kindOf(text: string): string | undefined {
  try {
    const value = parse(text) as unknown;
    return isJsonObject(value) && typeof value["kind"] === "string" ? value["kind"] : undefined;
  } catch {
    return undefined;
  }
}

/** kustomize's first error line, without the temporary and absolute paths it names. */
function firstError(stderr: string, scratch: string, repoRoot: string): string {
  const line = stderr.split("\n").find((l) => l.trim() !== "") ?? "kustomize failed";
  return line
    .replace(/^Error:\s*/, "")
    .replaceAll('\\"', '"')
    .replaceAll(`${scratch}/`, "")
    .replaceAll(`${repoRoot}/`, "");
}

function lineOfUnknownField(text: string, reason: string): number {
  const field = /unknown field "([^"]+)"/.exec(reason)?.[1];
  if (field === undefined) return 1;
  const index = text.split("\n").findIndex((line) => new RegExp(`^\\s*${field.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*:`).test(line));
  return index === -1 ? 1 : index + 1;
}
