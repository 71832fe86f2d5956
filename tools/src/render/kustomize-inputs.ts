import { readFile, readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { displayPath } from "../util/display-path.js";
import { parseYamlDocuments, type ParsedDocument } from "../load/yaml-documents.js";
import { UserError } from "../model/errors.js";
import { isJsonObject, pointerOf, type JsonObject } from "../model/resource.js";
import { isInsideFolder } from "../util/inside-folder.js";
import { currentLimits } from "../util/limits.js";

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
  /** The patches applied to the build's objects, in the order kustomize applies them. */
  patches: PatchSource[];
  /** Every kustomization file the build loads, absolute, sorted. */
  kustomizations: string[];
  /** Remote references (URLs, git repositories) the build fetches; empty unless they are allowed. */
  remote: string[];
}

/**
 * A reference in a kustomization that the build must not follow: a remote resource (not
 * allowed), or a path that leaves the repository (through `..` or a symbolic link). `file` and
 * `line` point at the entry.
 */
export class KustomizeInputError extends UserError {
  constructor(
    message: string,
    readonly detail: { file: string; line: number; reason: string },
  ) {
    super(message);
  }
}

export interface CollectOptions {
  /**
   * Let remote references through (they are listed in `remote`); refused otherwise. Defaults to
   * the run's limits (--allow-remote-resources).
   */
  allowRemote?: boolean;
}

/**
 * Follows a kustomization and everything it references to list every local file kustomize reads
 * for the build: resources, components and bases (folders recursively), patches of every form,
 * replacements, generators, transformers and validators (and the files their configurations
 * name), configMapGenerator/secretGenerator files and env files, configurations, crds, the
 * openapi schema, Helm values files and chart home. Remote references are refused unless
 * allowed, and every path must resolve inside the repository.
 */
export async function collectKustomizeInputs(dir: string, repoRoot: string, options: CollectOptions = {}): Promise<KustomizeInputs> {
  const walk: Walk = {
    files: new Set(),
    patches: [],
    kustomizations: new Set(),
    remote: new Set(),
    visited: new Set(),
    repoRoot,
    realRoot: await realpath(repoRoot).catch(() => path.resolve(repoRoot)),
    allowRemote: options.allowRemote ?? currentLimits().remoteResources,
  };
  const root = path.resolve(dir);
  await visitKustomization(root, walk, undefined, root);
  return {
    files: [...walk.files].sort(),
    patches: walk.patches,
    kustomizations: [...walk.kustomizations].sort(),
    remote: [...walk.remote].sort(),
  };
}

export async function findKustomizationFile(dir: string): Promise<string | undefined> {
  for (const name of KUSTOMIZATION_FILES) {
    const candidate = path.join(dir, name);
    if (await stat(candidate).then((info) => info.isFile(), () => false)) return candidate;
  }
  return undefined;
}

/**
 * kustomize fetches these itself: http(s) URLs of files, git repositories (ssh, https, file,
 * scp-style `user@host:`, `github.com/...`, optionally prefixed `git::`) and OCI artifacts.
 */
const REMOTE_REFERENCE = /^(?:git::)?(?:(?:ssh|https?|file|oci):\/\/|[a-z][a-z0-9-]*@[^\s/:]+:|github\.com[/:])/i;

function isRemoteReference(entry: string): boolean {
  return REMOTE_REFERENCE.test(entry.trim());
}

interface Walk {
  files: Set<string>;
  patches: PatchSource[];
  kustomizations: Set<string>;
  remote: Set<string>;
  visited: Set<string>;
  repoRoot: string;
  realRoot: string;
  allowRemote: boolean;
}

/** Where a reference was written, for messages: the kustomization file and the entry's pointer. */
interface Referrer {
  file: string;
  document: ParsedDocument | undefined;
  pointer: string;
}

/** Fields whose entries are files or kustomization folders, local or remote. */
const REFERENCE_FIELDS = ["resources", "components", "bases", "generators", "transformers", "validators"] as const;

/**
 * `scope` is the folder whose objects the kustomization's patches see: its own, or for a
 * component that of the kustomization that includes it; undefined below a generator, transformer
 * or validator, whose kustomization builds plugin configurations, not the build's objects.
 */
async function visitKustomization(dir: string, walk: Walk, referrer: Referrer | undefined, scope: string | undefined): Promise<void> {
  if (walk.visited.has(dir)) return;
  walk.visited.add(dir);
  const shown = (target: string) => displayPath(target, walk.repoRoot);
  const file = await findKustomizationFile(dir);
  if (file === undefined) {
    const from = referrer === undefined ? "" : ` (referenced by ${shown(referrer.file)})`;
    throw new UserError(`${shown(dir)}: no kustomization.yaml${from}; every folder a kustomization references must have one`);
  }
  await requireInside(file, walk, referrer);
  walk.files.add(file);
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
  const at = (...segments: Array<string | number>): Referrer => ({ file, document, pointer: pointerOf(...segments) });
  const lines = text.replaceAll("\r\n", "\n").split("\n");
  // Lines are looked up when asked for (a report needs them; rendering does not).
  const addPatch = (entry: Omit<PatchSource, "declaredIn" | "scope">, pointer: string, hasTarget: boolean) => {
    if (scope === undefined) return;
    walk.patches.push({
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
  };

  for (const field of REFERENCE_FIELDS) {
    for (const [index, entry] of listOf(kustomization[field]).entries()) {
      // generators/transformers/validators may hold a configuration inline instead of a path.
      if (typeof entry !== "string" || entry.includes("\n")) continue;
      const target = await localReference(entry, dir, walk, at(field, index));
      if (target === undefined) continue;
      const isResource = field === "resources" || field === "bases";
      if (await isDirectory(target)) {
        const childScope = field === "components" ? scope : isResource && scope !== undefined ? target : undefined;
        await visitKustomization(target, walk, at(field, index), childScope);
      } else {
        walk.files.add(target);
        if (!isResource && field !== "components") await addConfigurationFiles(target, dir, walk, at(field, index));
      }
    }
  }
  for (const [index, entry] of listOf(kustomization["patches"]).entries()) {
    if (!isJsonObject(entry)) continue;
    const target = targetOf(entry["target"]);
    const pointer = pointerOf("patches", index);
    const patchFile = await localFile(entry["path"], dir, walk, at("patches", index, "path"));
    if (patchFile !== undefined) {
      addPatch({ file: patchFile, format: patchFormat(await readFile(patchFile, "utf8").catch(() => "")), ...target }, pointer, target.target !== undefined);
    } else if (typeof entry["patch"] === "string") {
      const patchText = entry["patch"];
      const inline = {
        text: patchText,
        // A block scalar (`patch: |-`) starts on the next line; any other style keeps its own line.
        get line() {
          const keyLine = document.lineOf(`${pointer}/patch`).line;
          return /:\s*[|>][-+0-9]*\s*(#.*)?$/.test(lines[keyLine - 1] ?? "") ? keyLine + 1 : keyLine;
        },
      };
      addPatch({ file, format: patchFormat(patchText), ...target, inline }, pointer, target.target !== undefined);
    }
  }
  for (const [index, entry] of listOf(kustomization["patchesStrategicMerge"]).entries()) {
    if (typeof entry === "string" && entry.includes("\n")) continue; // an inline patch
    const patchFile = await localFile(entry, dir, walk, at("patchesStrategicMerge", index));
    if (patchFile !== undefined) addPatch({ file: patchFile, format: "strategic-merge" }, pointerOf("patchesStrategicMerge", index), false);
  }
  for (const [index, entry] of listOf(kustomization["patchesJson6902"]).entries()) {
    if (!isJsonObject(entry)) continue;
    const patchFile = await localFile(entry["path"], dir, walk, at("patchesJson6902", index, "path"));
    if (patchFile !== undefined) {
      addPatch({ file: patchFile, format: "json6902", ...targetOf(entry["target"]) }, pointerOf("patchesJson6902", index), true);
    }
  }
  for (const [index, entry] of listOf(kustomization["replacements"]).entries()) {
    if (isJsonObject(entry)) await localFile(entry["path"], dir, walk, at("replacements", index, "path"));
  }
  for (const field of ["configurations", "crds"] as const) {
    for (const [index, entry] of listOf(kustomization[field]).entries()) await localFile(entry, dir, walk, at(field, index));
  }
  const openapi = kustomization["openapi"];
  if (isJsonObject(openapi)) await localFile(openapi["path"], dir, walk, at("openapi", "path"));
  for (const field of ["configMapGenerator", "secretGenerator"] as const) {
    for (const [index, generator] of listOf(kustomization[field]).entries()) {
      if (isJsonObject(generator)) await addGeneratorSources(generator, dir, walk, at(field, index));
    }
  }
  for (const [index, chart] of listOf(kustomization["helmCharts"]).entries()) {
    if (!isJsonObject(chart)) continue;
    await localFile(chart["valuesFile"], dir, walk, at("helmCharts", index, "valuesFile"));
    for (const [valuesIndex, values] of listOf(chart["additionalValuesFiles"]).entries()) {
      await localFile(values, dir, walk, at("helmCharts", index, "additionalValuesFiles", valuesIndex));
    }
  }
  const helmGlobals = kustomization["helmGlobals"];
  if (isJsonObject(helmGlobals) && typeof helmGlobals["chartHome"] === "string") {
    const chartHome = await localReference(helmGlobals["chartHome"], dir, walk, at("helmGlobals", "chartHome"));
    if (chartHome !== undefined && (await isDirectory(chartHome))) await addFolder(chartHome, walk, at("helmGlobals", "chartHome"));
  }
}

/** `files: [key=path]`, `envs: [path]`, `env: path` of a ConfigMap or Secret generator. */
async function addGeneratorSources(generator: JsonObject, dir: string, walk: Walk, referrer: Referrer): Promise<void> {
  const sources = [...listOf(generator["files"]), ...listOf(generator["envs"]), generator["env"]];
  for (const source of sources) {
    if (typeof source !== "string") continue;
    await localFile(source.slice(source.indexOf("=") + 1), dir, walk, referrer);
  }
}

/**
 * A generator, transformer or validator configuration (PatchTransformer `path`,
 * ReplacementTransformer `replacements[].path`, HelmChartInflationGenerator `valuesFile`,
 * ConfigMapGenerator `files`...): every string in it naming a file of the repository, relative
 * to the kustomization, is an input; remote ones are refused like any other.
 */
async function addConfigurationFiles(configFile: string, dir: string, walk: Walk, referrer: Referrer): Promise<void> {
  const parsed = parseYamlDocuments(await readFile(configFile, "utf8").catch(() => ""));
  const strings: string[] = [];
  const collect = (value: unknown, key: string | undefined): void => {
    if (typeof value === "string") {
      if (key !== undefined && FILE_FIELDS.has(key)) strings.push(value.slice(value.indexOf("=") + 1));
      return;
    }
    if (Array.isArray(value)) for (const item of value) collect(item, key);
    else if (isJsonObject(value)) for (const [childKey, child] of Object.entries(value)) collect(child, childKey);
  };
  for (const document of parsed.documents) collect(document.value, undefined);
  for (const entry of strings) await localFile(entry, dir, walk, referrer);
}

const FILE_FIELDS = new Set(["path", "paths", "valuesFile", "additionalValuesFiles", "files", "envs", "env"]);

/**
 * A file the build reads: added to the inputs when it exists (kustomize reports a missing one);
 * undefined for anything else (not a string, remote and allowed, a folder).
 */
async function localFile(entry: unknown, dir: string, walk: Walk, referrer: Referrer): Promise<string | undefined> {
  if (typeof entry !== "string") return undefined;
  const target = await localReference(entry, dir, walk, referrer);
  if (target === undefined || (await isDirectory(target))) return undefined;
  walk.files.add(target);
  return target;
}

/** The local path an entry names, checked to stay inside the repository; remote entries refused or recorded. */
async function localReference(entry: string, dir: string, walk: Walk, referrer: Referrer): Promise<string | undefined> {
  if (entry.trim() === "") return undefined;
  if (isRemoteReference(entry)) {
    if (walk.allowRemote) {
      walk.remote.add(entry);
      return undefined;
    }
    throw inputError(
      referrer,
      walk,
      entry,
      `is a remote resource, which kustomize would fetch while rendering: refused (an unbounded input that is not reviewed in this repository). ` +
        `Vendor it into the repository, or pass --allow-remote-resources to fetch it (never cached)`,
    );
  }
  const target = path.resolve(dir, entry);
  await requireInside(target, walk, referrer, entry);
  return target;
}

/**
 * A path (after symbolic links) must stay inside the repository; `entry` is how the
 * kustomization wrote it. A missing path is kustomize's to report.
 */
async function requireInside(target: string, walk: Walk, referrer: Referrer | undefined, entry?: string): Promise<void> {
  const root = path.resolve(walk.repoRoot);
  const resolvedPath = path.resolve(target);
  const lexicallyInside = resolvedPath === root || isInsideFolder(resolvedPath, root);
  const real = await realpath(resolvedPath).catch(() => undefined);
  const inside = real === undefined ? lexicallyInside : real === walk.realRoot || isInsideFolder(real, walk.realRoot);
  if (inside && lexicallyInside) return;
  const how = lexicallyInside ? "is a symbolic link that leads outside the repository" : "lies outside the repository";
  const reason = `${how}: refused, everything kustomize reads must be in the repository (copy it in, or remove the link)`;
  if (referrer === undefined) {
    const shown = displayPath(resolvedPath, walk.repoRoot);
    throw new KustomizeInputError(`${shown} ${reason}`, { file: shown, line: 1, reason });
  }
  throw inputError(referrer, walk, entry ?? displayPath(resolvedPath, walk.repoRoot), reason);
}

function inputError(referrer: Referrer, walk: Walk, entry: string, reason: string): KustomizeInputError {
  const file = displayPath(referrer.file, walk.repoRoot);
  const line = referrer.document?.lineOf(referrer.pointer).line ?? 1;
  const what = `${JSON.stringify(entry)} ${reason}`;
  return new KustomizeInputError(`${file}:${line}: ${what}`, { file, line, reason: what });
}

/** Every file below a folder (a Helm chart home), each checked to stay inside the repository. */
async function addFolder(dir: string, walk: Walk, referrer: Referrer): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) await requireInside(full, walk, referrer, displayPath(full, walk.repoRoot));
    if (entry.isDirectory() || (entry.isSymbolicLink() && (await isDirectory(full)))) await addFolder(full, walk, referrer);
    else walk.files.add(full);
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
