import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { displayPath } from "../load/load-paths.js";
import { parseYamlDocuments } from "../load/yaml-documents.js";
import { UserError } from "../model/errors.js";
import { isJsonObject, type JsonObject } from "../model/resource.js";

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"] as const;

/** A patch file that kustomize applies, and what it targets. */
export interface PatchSource {
  file: string;
  /** JSON6902 patches list operations; strategic-merge patches are partial objects. */
  format: "json6902" | "strategic-merge";
  target: { kind?: string; name?: string };
}

export interface KustomizeInputs {
  /** Every local file the build reads, absolute, sorted. */
  files: string[];
  patches: PatchSource[];
}

/**
 * Follows a kustomization and everything it references (resources, components, patches,
 * generators) to list the local files a build depends on. Remote references are not followed.
 */
export async function collectKustomizeInputs(dir: string, repoRoot: string): Promise<KustomizeInputs> {
  const files = new Set<string>();
  const patches: PatchSource[] = [];
  await visitKustomization(path.resolve(dir), { files, patches, visited: new Set(), repoRoot, referencedBy: undefined });
  return { files: [...files].sort(), patches };
}

export async function findKustomizationFile(dir: string): Promise<string | undefined> {
  for (const name of KUSTOMIZATION_FILES) {
    const candidate = path.join(dir, name);
    if (await readFile(candidate).then(() => true, () => false)) return candidate;
  }
  return undefined;
}

interface Walk {
  files: Set<string>;
  patches: PatchSource[];
  visited: Set<string>;
  repoRoot: string;
  /** The kustomization file that named this folder, for error messages. */
  referencedBy: string | undefined;
}

async function visitKustomization(dir: string, walk: Walk): Promise<void> {
  const { files, patches, visited, repoRoot } = walk;
  if (visited.has(dir)) return;
  visited.add(dir);
  const shown = (target: string) => displayPath(target, repoRoot);
  const file = await findKustomizationFile(dir);
  if (file === undefined) {
    const from = walk.referencedBy === undefined ? "" : ` (referenced by ${shown(walk.referencedBy)})`;
    throw new UserError(`${shown(dir)}: no kustomization.yaml${from}; every folder a kustomization references must have one`);
  }
  files.add(file);
  const text = await readFile(file, "utf8");
  const parsed = parseYamlDocuments(text);
  const problem = parsed.problems[0];
  if (problem !== undefined) {
    throw new UserError(`${shown(file)}:${problem.line}: invalid YAML: ${problem.message}; fix the syntax so kustomize can read it`);
  }
  const kustomization = parsed.documents[0]?.value;
  if (!isJsonObject(kustomization)) return;
  const visitChild = (child: string) => visitKustomization(child, { ...walk, referencedBy: file });

  const local = (entry: unknown): string | undefined =>
    typeof entry === "string" && !/^[a-z]+:\/\/|^git@|^github\.com\//.test(entry) ? path.resolve(dir, entry) : undefined;

  for (const entry of [...listOf(kustomization["resources"]), ...listOf(kustomization["components"]), ...listOf(kustomization["bases"])]) {
    const target = local(entry);
    if (target === undefined) continue;
    if (await isDirectory(target)) await visitChild(target);
    else files.add(target);
  }
  for (const entry of listOf(kustomization["patches"])) {
    if (!isJsonObject(entry)) continue;
    const patchFile = local(entry["path"]);
    if (patchFile === undefined) continue;
    files.add(patchFile);
    patches.push({ file: patchFile, format: await detectPatchFormat(patchFile), target: targetOf(entry["target"]) });
  }
  for (const entry of listOf(kustomization["patchesStrategicMerge"])) {
    const patchFile = local(entry);
    if (patchFile === undefined) continue;
    files.add(patchFile);
    patches.push({ file: patchFile, format: "strategic-merge", target: {} });
  }
  for (const entry of listOf(kustomization["patchesJson6902"])) {
    if (!isJsonObject(entry)) continue;
    const patchFile = local(entry["path"]);
    if (patchFile === undefined) continue;
    files.add(patchFile);
    patches.push({ file: patchFile, format: "json6902", target: targetOf(entry["target"]) });
  }
  for (const generatorKey of ["configMapGenerator", "secretGenerator"]) {
    for (const generator of listOf(kustomization[generatorKey])) {
      if (!isJsonObject(generator)) continue;
      for (const source of [...listOf(generator["files"]), ...listOf(generator["envs"]), generator["env"]]) {
        const sourcePath = typeof source === "string" ? source.slice(source.indexOf("=") + 1) : undefined;
        const resolved = local(sourcePath);
        if (resolved !== undefined) files.add(resolved);
      }
    }
  }
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function targetOf(value: unknown): PatchSource["target"] {
  if (!isJsonObject(value)) return {};
  const target: JsonObject = value;
  return {
    ...(typeof target["kind"] === "string" ? { kind: target["kind"] } : {}),
    ...(typeof target["name"] === "string" ? { name: target["name"] } : {}),
  };
}

async function detectPatchFormat(file: string): Promise<PatchSource["format"]> {
  const text = await readFile(file, "utf8").catch(() => "");
  return /^\s*-\s*op\s*:/m.test(text) || /^\s*\[/.test(text) ? "json6902" : "strategic-merge";
}

async function isDirectory(target: string): Promise<boolean> {
  return stat(target).then((s) => s.isDirectory(), () => false);
}
