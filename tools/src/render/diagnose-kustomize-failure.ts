import { readFile } from "node:fs/promises";
import path from "node:path";
import { displayPath } from "../util/display-path.js";
import { parseYamlDocuments, type ParsedDocument } from "../load/yaml-documents.js";
import { isJsonObject } from "../model/resource.js";
import type { KustomizeInputs, PatchSource } from "./kustomize-inputs.js";
import { patchDocuments } from "./patch-documents.js";

/** Why kustomize could not build a kustomization: the file and line to fix, in one sentence. */
export interface KustomizeDiagnosis {
  /** Repository-relative. */
  file: string;
  line: number;
  /** One sentence that says what is wrong and what to do; no kustomize jargon, no absolute paths. */
  message: string;
}

export interface FailureContext {
  repoRoot: string;
  /** The folder kustomize was asked to build. */
  buildDir: string;
  inputs: KustomizeInputs;
}

/**
 * Reads kustomize's error (v5: `Error: ...` on stderr) and finds the file and line that caused it:
 * an input that is not valid YAML, an unknown kustomization field, a resource, component or patch
 * path that does not exist, a strategic-merge patch naming an object the build does not have, a
 * JSON6902 operation on a field that does not exist or with an unknown `op`, a Component listed as
 * a resource (or the reverse), a patch file that is not a patch. Anything else is reported at the
 * built kustomization with kustomize's first line.
 */
export async function diagnoseKustomizeFailure(stderr: string, context: FailureContext): Promise<KustomizeDiagnosis> {
  const diagnosis = new Diagnosis(context, stderr.replaceAll('\\"', '"'));
  return (
    (await diagnosis.invalidYaml()) ??
    (await diagnosis.unknownField()) ??
    (await diagnosis.wrongType()) ??
    diagnosis.empty() ??
    (await diagnosis.kindMismatch()) ??
    (await diagnosis.missingPath()) ??
    (await diagnosis.unmatchedStrategicMerge()) ??
    (await diagnosis.missingJsonPatchPath()) ??
    (await diagnosis.unknownOperation()) ??
    (await diagnosis.notAPatch()) ??
    (await diagnosis.targetWithSeveralPatches()) ??
    (await diagnosis.fallback())
  );
}

interface Entry {
  /** The kustomization file. */
  file: string;
  line: number;
  /** What the entry says, as written. */
  value: string;
  /** The absolute path it names. */
  target: string;
  field: string;
}

class Diagnosis {
  private readonly documents = new Map<string, Promise<ParsedDocument[]>>();

  constructor(
    private readonly context: FailureContext,
    private readonly error: string,
  ) {}

  private shown(file: string): string {
    return displayPath(file, this.context.repoRoot);
  }

  private parsed(file: string): Promise<ParsedDocument[]> {
    let documents = this.documents.get(file);
    if (documents === undefined) {
      documents = readFile(file, "utf8").then((text) => parseYamlDocuments(text).documents, () => []);
      this.documents.set(file, documents);
    }
    return documents;
  }

  async invalidYaml(): Promise<KustomizeDiagnosis | undefined> {
    for (const file of this.context.inputs.files) {
      if (!/\.ya?ml$/i.test(file)) continue;
      const text = await readFile(file, "utf8").catch(() => undefined);
      const problem = text === undefined ? undefined : parseYamlDocuments(text).problems[0];
      if (problem !== undefined) {
        return { file: this.shown(file), line: problem.line, message: `invalid YAML: ${problem.message}; fix the syntax so kustomize can read the file` };
      }
    }
    return undefined;
  }

  async unknownField(): Promise<KustomizeDiagnosis | undefined> {
    const field = /unknown field "([^"]+)"/.exec(this.error)?.[1];
    if (field === undefined) return undefined;
    return this.kustomizationKey(field, `unknown field "${field}": kustomize refuses a kustomization with a field it does not know; check the spelling`);
  }

  async wrongType(): Promise<KustomizeDiagnosis | undefined> {
    const match = /cannot unmarshal (\w+) into Go struct field \w+\.([\w.]+) of type (\S+)/.exec(this.error);
    if (match === null) return undefined;
    const [, given = "", fieldPath = "", expected = ""] = match;
    const field = fieldPath.split(".").at(-1) ?? fieldPath;
    return this.kustomizationKey(
      field,
      `${field}: kustomize expects a ${expected} here, not a ${given}; quote values YAML would read otherwise (yes, no, on, off, y, n, numbers)`,
    );
  }

  /** The first key named `field` in the kustomization kustomize names, or in any it loads. */
  private async kustomizationKey(field: string, message: string): Promise<KustomizeDiagnosis | undefined> {
    const named = /couldn't make target for path '([^']+)'/.exec(this.error)?.[1];
    const candidates = this.context.inputs.kustomizations.filter((file) => named === undefined || path.dirname(file) === path.resolve(named));
    for (const file of candidates) {
      for (const doc of await this.parsed(file)) {
        const pointer = pointerOfKey(doc.value, field);
        if (pointer !== undefined) return { file: this.shown(file), line: doc.lineOf(pointer).line, message };
      }
    }
    return undefined;
  }

  empty(): KustomizeDiagnosis | undefined {
    const dir = /couldn't make target for path '([^']+)': kustomization\.ya?ml is empty/.exec(this.error)?.[1];
    const file = dir === undefined ? undefined : this.context.inputs.kustomizations.find((k) => path.dirname(k) === path.resolve(dir));
    if (file === undefined) return undefined;
    return {
      file: this.shown(file),
      line: 1,
      message: "this kustomization is empty, which kustomize refuses; give it its resources, components or patches, or stop listing it",
    };
  }

  async kindMismatch(): Promise<KustomizeDiagnosis | undefined> {
    const asResource = /expected kind != 'Component' for path '([^']+)'/.exec(this.error)?.[1];
    const asComponent = /expected kind 'Component' for path '([^']+)'/.exec(this.error)?.[1];
    const target = asResource ?? asComponent;
    if (target === undefined) return undefined;
    const entry = await this.entryNaming(path.resolve(target));
    if (entry === undefined) return undefined;
    return {
      file: this.shown(entry.file),
      line: entry.line,
      message:
        asResource !== undefined
          ? `${entry.value} is a Component: list it under components:, not ${entry.field}:`
          : `${entry.value} is a Kustomization, not a Component: list it under resources:, or make it kind: Component`,
    };
  }

  async missingPath(): Promise<KustomizeDiagnosis | undefined> {
    const missing = /evalsymlink failure on '([^']+)'/.exec(this.error)?.[1] ?? /lstat ([^:]+): no such file or directory/.exec(this.error)?.[1];
    if (missing === undefined) return undefined;
    const entry = await this.entryNaming(path.resolve(missing));
    if (entry === undefined) return undefined;
    return {
      file: this.shown(entry.file),
      line: entry.line,
      message: `${entry.field} entry ${entry.value} names ${this.shown(entry.target)}, which does not exist; fix the path or add the file`,
    };
  }

  async unmatchedStrategicMerge(): Promise<KustomizeDiagnosis | undefined> {
    const id = /no resource matches strategic merge patch "([^"]+)"/.exec(this.error)?.[1];
    if (id === undefined) return undefined;
    const kind = id.slice(0, id.indexOf("."));
    const tail = id.slice(id.indexOf("/") + 1);
    for (const patch of this.context.inputs.patches) {
      if (patch.format !== "strategic-merge" || patch.target !== undefined || patch.inline !== undefined) continue;
      for (const doc of await this.parsed(patch.file)) {
        const metadata = isJsonObject(doc.value) ? doc.value["metadata"] : undefined;
        const name = isJsonObject(metadata) ? metadata["name"] : undefined;
        const namespace = isJsonObject(metadata) ? metadata["namespace"] : undefined;
        if (!isJsonObject(doc.value) || doc.value["kind"] !== kind || typeof name !== "string") continue;
        if (tail !== `${name}.${typeof namespace === "string" ? namespace : "[noNs]"}` && tail !== name && !tail.startsWith(`${name}.`)) continue;
        const where = typeof namespace === "string" ? `${namespace}/${name}` : name;
        const known = await this.namesOf(kind);
        if (known.length === 0) {
          return {
            file: this.shown(patch.file),
            line: doc.lineOf("/kind").line,
            message: `this strategic-merge patch names ${kind} ${where}, but the build has no object of kind ${kind}; fix the kind`,
          };
        }
        const sameName = known.some((k) => k === name || k.endsWith(`/${name}`));
        return {
          file: this.shown(patch.file),
          line: doc.lineOf(sameName ? "/metadata/namespace" : "/metadata/name").line,
          message:
            `this strategic-merge patch names ${kind} ${where}, which the build does not have (${plural(kind)} in the build: ${known.join(", ")}); ` +
            `fix the ${sameName ? "namespace" : "name"} so it patches an existing object`,
        };
      }
    }
    return undefined;
  }

  async missingJsonPatchPath(): Promise<KustomizeDiagnosis | undefined> {
    const match = /(add|replace|remove|move|copy|test) operation does not apply: doc is missing (?:from )?path: ([^:\s]+)/.exec(this.error);
    if (match === null) return undefined;
    const [, op = "", pointer = ""] = match;
    const found = await this.findOperation((operation) => operation["op"] === op && (operation["path"] === pointer || operation["from"] === pointer));
    if (found === undefined) return undefined;
    const targets = found.patch.target?.name === undefined ? "" : ` of ${found.patch.target.kind ?? "object"} ${found.patch.target.name}`;
    const advice = op === "add" ? "add needs the parent of the path to exist" : `${op} needs an existing value at the path (add creates one)`;
    return {
      file: found.file,
      line: found.doc.lineOf(`/${found.index}/path`).line,
      message: `${op} ${pointer}: the patched object${targets} has no such field (${advice}); fix the path`,
    };
  }

  async unknownOperation(): Promise<KustomizeDiagnosis | undefined> {
    const op = /Unexpected kind: (\S+)/.exec(this.error)?.[1];
    if (op === undefined) return undefined;
    const found = await this.findOperation((operation) => operation["op"] === op);
    if (found === undefined) return undefined;
    return {
      file: found.file,
      line: found.doc.lineOf(`/${found.index}/op`).line,
      message: `"${op}" is not a JSON patch operation; use add, remove, replace, move, copy or test`,
    };
  }

  async notAPatch(): Promise<KustomizeDiagnosis | undefined> {
    const named = /unable to parse SM or JSON patch from \[path: "([^"]+)"\]/.exec(this.error)?.[1];
    if (named === undefined) return undefined;
    const patch = this.context.inputs.patches.find((p) => p.inline === undefined && path.basename(p.file) === path.basename(named) && p.file.endsWith(named));
    if (patch === undefined) return undefined;
    const documents = await this.parsed(patch.file);
    const broken = documents.find((doc) => {
      if (Array.isArray(doc.value)) return false;
      const metadata = isJsonObject(doc.value) ? doc.value["metadata"] : undefined;
      return !isJsonObject(doc.value) || typeof doc.value["kind"] !== "string" || !isJsonObject(metadata) || typeof metadata["name"] !== "string";
    });
    return {
      file: this.shown(patch.file),
      line: broken?.line ?? 1,
      message:
        "this is neither a strategic-merge patch (an object with apiVersion, kind and metadata.name) nor a JSON6902 patch (a list of operations); " +
        "give the object its kind and name, or write the patch as operations",
    };
  }

  async targetWithSeveralPatches(): Promise<KustomizeDiagnosis | undefined> {
    const named = /Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set `patches.target` field: \[path: "([^"]+)"\]/.exec(this.error)?.[1];
    if (named === undefined) return undefined;
    const patch = this.context.inputs.patches.find((p) => p.inline === undefined && p.file.endsWith(named));
    if (patch === undefined) return undefined;
    return {
      file: this.shown(patch.declaredIn.file),
      line: patch.declaredIn.line,
      message: `${named} holds several strategic-merge patches, and an entry with a target takes exactly one; remove the target (each document names its object) or split the file`,
    };
  }

  async fallback(): Promise<KustomizeDiagnosis> {
    const file = this.context.inputs.kustomizations.find((k) => path.dirname(k) === path.resolve(this.context.buildDir));
    const firstLine = this.error.split("\n").find((line) => line.trim() !== "") ?? "kustomize failed";
    const reason = firstLine
      .replace(/^Error:\s*/, "")
      .replaceAll(`${this.context.repoRoot}/`, "")
      .replace(/\s+/g, " ")
      .trim();
    return {
      file: this.shown(file ?? path.join(this.context.buildDir, "kustomization.yaml")),
      line: 1,
      message: `kustomize cannot build it: ${reason.length > 300 ? `${reason.slice(0, 300)}…` : reason}`,
    };
  }

  /** The kustomization entry (resources, components, bases, patches) that names `target`. */
  private async entryNaming(target: string): Promise<Entry | undefined> {
    for (const file of this.context.inputs.kustomizations) {
      const doc = (await this.parsed(file))[0];
      if (doc === undefined || !isJsonObject(doc.value)) continue;
      const dir = path.dirname(file);
      for (const field of ["resources", "components", "bases", "patchesStrategicMerge"]) {
        const list = doc.value[field];
        if (!Array.isArray(list)) continue;
        for (const [index, value] of list.entries()) {
          if (typeof value === "string" && path.resolve(dir, value) === target) {
            return { file, line: doc.lineOf(`/${field}/${index}`).line, value, target, field };
          }
        }
      }
      for (const field of ["patches", "patchesJson6902"]) {
        const list = doc.value[field];
        if (!Array.isArray(list)) continue;
        for (const [index, entry] of list.entries()) {
          const value = isJsonObject(entry) ? entry["path"] : undefined;
          if (typeof value === "string" && path.resolve(dir, value) === target) {
            return { file, line: doc.lineOf(`/${field}/${index}/path`).line, value, target, field };
          }
        }
      }
    }
    return undefined;
  }

  private async findOperation(
    test: (operation: Record<string, unknown>) => boolean,
  ): Promise<{ patch: PatchSource; file: string; doc: ParsedDocument; index: number } | undefined> {
    for (const patch of this.context.inputs.patches) {
      if (patch.format !== "json6902") continue;
      const documents = patch.inline === undefined ? await this.parsed(patch.file) : await patchDocuments(patch);
      for (const doc of documents) {
        if (!Array.isArray(doc.value)) continue;
        const index = doc.value.findIndex((operation) => isJsonObject(operation) && test(operation));
        if (index !== -1) return { patch, file: this.shown(patch.file), doc, index };
      }
    }
    return undefined;
  }

  /** The names of the objects of one kind among the build's resource files. */
  private async namesOf(kind: string): Promise<string[]> {
    const patchFiles = new Set(this.context.inputs.patches.map((p) => p.file));
    const kustomizations = new Set(this.context.inputs.kustomizations);
    const names = new Set<string>();
    for (const file of this.context.inputs.files) {
      if (patchFiles.has(file) || kustomizations.has(file) || !/\.ya?ml$/i.test(file)) continue;
      for (const doc of await this.parsed(file)) {
        const metadata = isJsonObject(doc.value) ? doc.value["metadata"] : undefined;
        if (isJsonObject(doc.value) && doc.value["kind"] === kind && isJsonObject(metadata) && typeof metadata["name"] === "string") {
          names.add(typeof metadata["namespace"] === "string" ? `${metadata["namespace"]}/${metadata["name"]}` : metadata["name"]);
        }
      }
    }
    return [...names].sort();
  }
}

/** The JSON pointer of the first key named `key`, searched breadth first. */
function pointerOfKey(value: unknown, key: string): string | undefined {
  const queue: Array<{ value: unknown; pointer: string }> = [{ value, pointer: "" }];
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
    if (Array.isArray(item.value)) {
      item.value.forEach((child, index) => queue.push({ value: child, pointer: `${item.pointer}/${index}` }));
    } else if (isJsonObject(item.value)) {
      for (const [name, child] of Object.entries(item.value)) {
        const pointer = `${item.pointer}/${name.replaceAll("~", "~0").replaceAll("/", "~1")}`;
        if (name === key) return pointer;
        queue.push({ value: child, pointer });
      }
    }
  }
  return undefined;
}

function plural(kind: string): string {
  return kind.endsWith("y") ? `${kind.slice(0, -1)}ies` : kind.endsWith("s") ? `${kind}es` : `${kind}s`;
}
