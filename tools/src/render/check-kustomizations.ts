import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { displayPath } from "../util/display-path.js";
import { parseYamlDocuments } from "../load/yaml-documents.js";
import { UserError } from "../model/errors.js";
import type { Finding } from "../model/finding.js";
import { isJsonObject } from "../model/resource.js";
import { isInsideFolder } from "../util/inside-folder.js";
import { environmentInputs, type EnvironmentInputs } from "./environments.js";
import { findKustomize } from "./kustomize-binary.js";
import { collectKustomizeInputs, KustomizeInputError } from "./kustomize-inputs.js";
import { readCachedRender, renderCacheKey, writeCachedRender } from "./render-cache.js";
import { defaultCacheDir } from "./render-environment.js";
import { runKustomize } from "./run-kustomize.js";
import { firstUnboundedInput } from "./unbounded-inputs.js";

export const KUSTOMIZATION_RULE = "kustomization";
export const UNREACHED_RULE = "unreached-kustomize-input";

const KUSTOMIZATION_FILE = /^(kustomization\.ya?ml|Kustomization)$/;
const YAML_FILE = /\.ya?ml$/i;
const SKIPPED_DIRS = new Set(["node_modules", ".git", ".tools", ".cache", "dist"]);

/** Every kustomization file below the given folders, sorted. */
export async function findKustomizationFiles(dirs: readonly string[]): Promise<string[]> {
  return (await findFiles(dirs, (name) => KUSTOMIZATION_FILE.test(name))).sort();
}

async function findFiles(dirs: readonly string[], wanted: (name: string) => boolean): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) await walk(path.join(dir, entry.name));
      else if (entry.isFile() && wanted(entry.name)) found.push(path.join(dir, entry.name));
    }
  };
  for (const dir of dirs) await walk(dir);
  return found;
}

/**
 * `check`'s view of the shared folders (base/, overlays/): every kustomization, component and
 * YAML file there that no environment's build reads is a warning naming it (Argo CD never applies
 * it; a workload folder missing from base/kustomization.yaml, a patch file nobody lists), and each
 * unreached kustomization is still loaded by kustomize, so that a mistake in it does not wait for
 * the day an environment uses it. What environments reach is checked by rendering them.
 */
export async function checkSharedFolders(
  repoRoot: string,
  dirs: readonly string[],
  options: CheckKustomizationOptions & { reached?: EnvironmentInputs } = {},
): Promise<Finding[]> {
  const reached = (options.reached ?? (await environmentInputs(repoRoot))).files;
  const absolute = dirs.map((dir) => path.join(repoRoot, dir));
  const unreached = (await findKustomizationFiles(absolute)).filter((file) => !reached.has(file));
  const unreachedDirs = unreached.map((file) => path.dirname(file));
  const strayFiles = (await findFiles(absolute, (name) => YAML_FILE.test(name) && !KUSTOMIZATION_FILE.test(name)))
    .filter((file) => !reached.has(file) && !unreachedDirs.some((dir) => isInsideFolder(file, dir)))
    .sort();
  const warning = (file: string, message: string): Finding => ({
    ruleId: UNREACHED_RULE,
    severity: "warning",
    message,
    location: { file: displayPath(file, repoRoot), line: 1 },
  });
  const kinds = await Promise.all(unreached.map(async (file) => kindOf(await readFile(file, "utf8").catch(() => ""))));
  return [
    ...unreached.map((file, index) =>
      warning(
        file,
        `no environment uses this ${kinds[index] ?? "kustomization"}: no environments/<env>/kustomization.yaml reaches it ` +
          "through resources or components, so Argo CD never applies it; list it where it belongs, or delete it",
      ),
    ),
    ...strayFiles.map((file) =>
      warning(
        file,
        `no environment reads this file: no kustomization an environment uses lists it (in resources, components or patches), ` +
          `so Argo CD never applies it; list it in ${displayPath(path.join(path.dirname(file), "kustomization.yaml"), repoRoot)}, or delete it`,
      ),
    ),
    ...(await checkKustomizationFiles(repoRoot, unreached, options)),
  ];
}

/**
 * Has kustomize itself load each kustomization (its strict parser rejects unknown fields and
 * broken references): a Kustomization is built as it is, a Component through a throw-away
 * kustomization that includes it. A failure is reported at the file and line that caused it.
 */
export async function checkKustomizationFiles(repoRoot: string, files: readonly string[], options: CheckKustomizationOptions = {}): Promise<Finding[]> {
  if (files.length === 0) return [];
  const cacheDir = options.cacheDir ?? defaultCacheDir(repoRoot);
  const kustomize = await findKustomize(repoRoot, cacheDir);
  // Where components are built through a throw-away kustomization: made at the first such build (a warm run makes none).
  let scratch: string | undefined;
  try {
    const findings: Finding[] = [];
    for (const [index, file] of files.entries()) {
      const kind = kindOf(await readFile(file, "utf8"));
      const dir = path.dirname(file);
      const inputs = await collectKustomizeInputs(dir, repoRoot).catch((error: unknown) => {
        if (error instanceof UserError) return error;
        throw error;
      });
      // Remote references, paths out of the repository and inputs that expand without bound are
      // refused before kustomize sees them; inputs that cannot be listed are never handed to it.
      if (inputs instanceof UserError) {
        findings.push(
          inputs instanceof KustomizeInputError
            ? { ruleId: KUSTOMIZATION_RULE, severity: "error", message: inputs.detail.reason, location: { file: inputs.detail.file, line: inputs.detail.line } }
            : { ruleId: KUSTOMIZATION_RULE, severity: "error", message: `kustomize rejects this ${kind ?? "kustomization"}: ${inputs.message}`, location: { file: displayPath(file, repoRoot), line: 1 } },
        );
        continue;
      }
      // The outcome of a kustomization whose inputs were all listed is cached by their hash, as renders are.
      const key =
        cacheDir === false || inputs.remote.length > 0
          ? undefined
          : await renderCacheKey({ repoRoot, tool: [kustomize.command, kustomize.version, "check-kustomization", kind ?? "", path.relative(repoRoot, dir)], files: inputs.files });
      let outcome = cacheDir === false || key === undefined ? undefined : parseOutcome(await readCachedRender(cacheDir, key));
      if (outcome === undefined) {
        const refused = await firstUnboundedInput(inputs.files, repoRoot);
        if (refused !== undefined) {
          findings.push({ ruleId: KUSTOMIZATION_RULE, severity: "error", message: refused.reason, location: { file: refused.file, line: refused.line } });
          continue;
        }
        let buildDir = dir;
        if (kind === "Component") {
          scratch ??= await mkdtemp(path.join(tmpdir(), "mesh-policy-kustomization-"));
          buildDir = path.join(scratch, String(index));
          await mkdir(buildDir);
          await writeFile(
            path.join(buildDir, "kustomization.yaml"),
            `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\ncomponents:\n- ${path.relative(buildDir, dir)}\n`,
          );
        }
        const run = await runKustomize(kustomize, [buildDir], { cwd: repoRoot });
        outcome = { stopped: run.stopped, ok: run.stopped === undefined && run.result.exitCode === 0, stderr: scratch === undefined ? run.result.stderr : run.result.stderr.replaceAll(`${scratch}/`, "") };
        // A stopped run says nothing about the inputs: it is not kept.
        if (cacheDir !== false && key !== undefined && outcome.stopped === undefined) await writeCachedRender(cacheDir, key, JSON.stringify(outcome));
      }
      if (outcome.ok) continue;
      // A component is built through a throw-away kustomization: what is wrong is in the component,
      // diagnosed from its own inputs.
      const diagnosis =
        outcome.stopped !== undefined
          ? { file: displayPath(file, repoRoot), line: 1, message: `kustomize ${outcome.stopped}` }
          : await (await import("./diagnose-kustomize-failure.js")).diagnoseKustomizeFailure(outcome.stderr, { repoRoot, buildDir: dir, inputs });
      findings.push({
        ruleId: KUSTOMIZATION_RULE,
        severity: "error",
        message: `kustomize rejects this ${kind ?? "kustomization"}: ${diagnosis.message}`,
        location: { file: diagnosis.file, line: diagnosis.line },
      });
    }
    return findings;
  } finally {
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  }
}

export interface CheckKustomizationOptions {
  /** Where outcomes are cached by input hash (the render cache); `false` turns the cache off. */
  cacheDir?: string | false;
}

/** What kustomize said about one kustomization: whether it built, and its stderr (scratch paths removed) to diagnose. */
interface CheckOutcome {
  ok: boolean;
  stopped: string | undefined;
  stderr: string;
}

function parseOutcome(text: string | undefined): CheckOutcome | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    if (isJsonObject(value) && typeof value["ok"] === "boolean" && typeof value["stderr"] === "string") return { ok: value["ok"], stopped: undefined, stderr: value["stderr"] };
  } catch {
    // Not an outcome: treated as a miss.
  }
  return undefined;
}

function kindOf(text: string): string | undefined {
  const { documents, problems } = parseYamlDocuments(text);
  const value = problems.length === 0 && documents.length === 1 ? documents[0]?.value : undefined;
  return isJsonObject(value) && typeof value["kind"] === "string" ? value["kind"] : undefined;
}
