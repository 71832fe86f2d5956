import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { displayPath } from "../load/load-paths.js";
import { parseYamlDocuments } from "../load/yaml-documents.js";
import { UserError } from "../model/errors.js";
import { isJsonObject, type JsonObject } from "../model/resource.js";

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"] as const;

/** What a patch's `target` selects (kustomize's Selector: group, version, kind, name, namespace are anchored regular expressions). */
export interface PatchTarget {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

/** A patch that kustomize applies, what it targets, and where it is declared. */
export interface PatchSource {
  /** The patch file; for a patch written inline, the kustomization that holds it. */
  file: string;
  /** JSON6902 patches list operations; strategic-merge patches are partial objects. */
  format: "json6902" | "strategic-merge";
  /** The selector; absent for a strategic-merge patch that names its object itself. */
  target?: PatchTarget;
  /** A patch written inline (`patch: |-`): its text and the line of the kustomization it starts at. */
  inline?: { text: string; line: number };
  /**
   * The kustomization or component that lists it, the line of its entry (its `target`, when it
   * has one), and the entry's JSON pointer in that file (`/patches/2`).
   */
  declaredIn: { file: string; line: number; pointer: string; kind: KustomizationKind };
  /**
   * The folder whose objects the patch sees: the kustomization's own; for a component, that of
   * the kustomization that includes it.
   */
  scope: string;
}

export type KustomizationKind = "Kustomization" | "Component";

export interface KustomizeInputs {
  /** Every local file the build reads, absolute, sorted. */
  files: string[];
  /** In the order kustomize applies them. */
  patches: PatchSource[];
  /** Every kustomization file the build loads, absolute, sorted. */
  kustomizations: string[];
}

/**
 * Follows a kustomization and everything it references (resources, components, patches,
 * generators) to list the local files a build depends on. Remote references are not followed.
 */
export async function collectKustomizeInputs(dir: string, repoRoot: string): Promise<KustomizeInputs> {
  const files = new Set<string>();
  const patches: PatchSource[] = [];
  const kustomizations = new Set<string>();
  const root = path.resolve(dir);
  await visitKustomization(root, { files, patches, kustomizations, visited: new Set(), repoRoot, referencedBy: undefined, scope: root });
  return { files: [...files].sort(), patches, kustomizations: [...kustomizations].sort() };
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
  kustomizations: Set<string>;
  visited: Set<string>;
  repoRoot: string;
  /** The kustomization file that named this folder, for error messages. */
  referencedBy: string | undefined;
  /** The folder whose objects a component's patches see. */
  scope: string;
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
  walk.kustomizations.add(file);
  const text = await readFile(file, "utf8");
  const parsed = parseYamlDocuments(text);
  const problem = parsed.problems[0];
  if (problem !== undefined) {
    throw new UserError(`${shown(file)}:${problem.line}: invalid YAML: ${problem.message}; fix the syntax so kustomize can read it`);
  }
  const document = parsed.documents[0];
  const kustomization = document?.value;
  if (document === undefined || !isJsonObject(kustomization)) return;
  const kind: KustomizationKind = kustomization["kind"] === "Component" ? "Component" : "Kustomization";
  const scope = kind === "Component" ? walk.scope : dir;
  const lines = text.replaceAll("\r\n", "\n").split("\n");
  // Lines are looked up when asked for (a report needs them; rendering does not).
  const patch = (entry: Omit<PatchSource, "declaredIn" | "scope">, pointer: string, hasTarget: boolean) =>
    patches.push({
      ...entry,
      declaredIn: {
        file,
        get line() {
          return document.lineOf(hasTarget ? `${pointer}/target` : pointer).line;
        },
        pointer,
        kind,
      },
      scope,
    });

  const local = (entry: unknown): string | undefined =>
    typeof entry === "string" && !/^[a-z]+:\/\/|^git@|^github\.com\//.test(entry) ? path.resolve(dir, entry) : undefined;

  for (const [key, entries] of [["resources", kustomization["resources"]], ["components", kustomization["components"]], ["bases", kustomization["bases"]]] as const) {
    for (const entry of listOf(entries)) {
      const target = local(entry);
      if (target === undefined) continue;
      if (await isDirectory(target)) await visitKustomization(target, { ...walk, referencedBy: file, scope: key === "components" ? scope : target });
      else files.add(target);
    }
  }
  for (const [index, entry] of listOf(kustomization["patches"]).entries()) {
    if (!isJsonObject(entry)) continue;
    const target = targetOf(entry["target"]);
    const pointer = `/patches/${index}`;
    const patchFile = local(entry["path"]);
    if (patchFile !== undefined) {
      files.add(patchFile);
      patch({ file: patchFile, format: patchFormat(await readFile(patchFile, "utf8").catch(() => "")), ...target }, pointer, target.target !== undefined);
    } else if (typeof entry["patch"] === "string") {
      const text = entry["patch"];
      const inline = {
        text,
        // A block scalar (`patch: |-`) starts on the next line; any other style keeps its own line.
        get line() {
          const keyLine = document.lineOf(`${pointer}/patch`).line;
          return /:\s*[|>][-+0-9]*\s*(#.*)?$/.test(lines[keyLine - 1] ?? "") ? keyLine + 1 : keyLine;
        },
      };
      patch({ file, format: patchFormat(text), ...target, inline }, pointer, target.target !== undefined);
    }
  }
  for (const [index, entry] of listOf(kustomization["patchesStrategicMerge"]).entries()) {
    const patchFile = local(entry);
    if (patchFile === undefined) continue;
    files.add(patchFile);
    patch({ file: patchFile, format: "strategic-merge" }, `/patchesStrategicMerge/${index}`, false);
  }
  for (const [index, entry] of listOf(kustomization["patchesJson6902"]).entries()) {
    if (!isJsonObject(entry)) continue;
    const patchFile = local(entry["path"]);
    if (patchFile === undefined) continue;
    files.add(patchFile);
    patch({ file: patchFile, format: "json6902", ...targetOf(entry["target"]) }, `/patchesJson6902/${index}`, true);
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

const TARGET_FIELDS = ["group", "version", "kind", "name", "namespace", "labelSelector", "annotationSelector"] as const;

function targetOf(value: unknown): { target?: PatchTarget } {
  if (!isJsonObject(value)) return {};
  const given: JsonObject = value;
  const target: PatchTarget = {};
  for (const field of TARGET_FIELDS) {
    const selector = given[field];
    if (typeof selector === "string" && selector !== "") target[field] = selector;
  }
  return { target };
}

function patchFormat(text: string): PatchSource["format"] {
  return /^\s*-\s*op\s*:/m.test(text) || /^\s*\[/.test(text) ? "json6902" : "strategic-merge";
}

async function isDirectory(target: string): Promise<boolean> {
  return stat(target).then((s) => s.isDirectory(), () => false);
}
