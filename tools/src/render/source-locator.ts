import { readFile } from "node:fs/promises";
import path from "node:path";
import jsYaml from "js-yaml";
import type { CatalogSourceMap } from "../generate/catalog-source-map.js";
import { isGeneratedText } from "../generate/generated-marker.js";
import { displayPath } from "../util/display-path.js";
import { parseYamlDocuments, type ParsedDocument } from "../load/yaml-documents.js";
import type { SourceLocation } from "../model/finding.js";
import { isJsonObject, pointerSegments, type JsonObject, type Resource, type ResourceOrigin } from "../model/resource.js";
import type { PatchSource } from "./kustomize-inputs.js";
import { patchDocuments } from "./patch-documents.js";
import { targetSelects } from "./patch-target.js";

export const ORIGIN_ANNOTATION = "config.kubernetes.io/origin";

/** The line a patch sets a field at, or undefined when the patch does not set it. */
type PatchClaim = (pointer: string) => number | undefined;

/**
 * Maps rendered objects back to the lines a person edits:
 * - a field a patch sets (the field itself, a field that contains it, or, for a field below the
 *   object's top level, a value inside it) is located in the patch, the last patch applied first;
 * - any other field in the object's own file (kustomize's origin annotation);
 * - except that a field of a file generated from the service catalog is located at the catalog
 *   line that produced it.
 * `related` pointers (fields a finding depends on, such as the timeout of a retries finding) are
 * tried in patches after the pointer itself.
 */
export class SourceLocator {
  private readonly texts = new Map<string, Promise<string | undefined>>();
  /** Each source file parsed once, its documents by kind and name (the first of each). */
  private readonly sources = new Map<string, SourceDocuments>();
  /** Origin annotations parsed once each: many objects share a file. */
  private readonly originPaths = new Map<string, string | undefined>();
  private catalog: Promise<CatalogSourceMap | undefined> | undefined;

  constructor(
    private readonly repoRoot: string,
    private readonly buildDir: string,
    private readonly patches: readonly PatchSource[],
  ) {}

  async originFor(rendered: Resource): Promise<ResourceOrigin> {
    const originPath = this.originPathOf(rendered);
    if (originPath === undefined) return rendered.origin;
    const sourceFile = path.resolve(this.buildDir, originPath);
    const shown = displayPath(sourceFile, this.repoRoot);
    const text = await this.text(sourceFile);
    // The source file is parsed when a line is first asked for: most objects never are.
    let picked: { doc: ParsedDocument | undefined } | undefined;
    const sourceDoc = () => (picked ??= { doc: this.documents(sourceFile, text).pick(rendered) }).doc;
    const catalog = text !== undefined && isGeneratedText(text) && isJsonObject(sourceDoc()?.value) ? await this.catalogMap() : undefined;
    const own = (pointer: string): SourceLocation => {
      const generatedObject = sourceDoc()?.value;
      const catalogLine = catalog === undefined || !isJsonObject(generatedObject) ? undefined : catalog.locate(shown, generatedObject, pointer);
      if (catalog !== undefined && catalogLine !== undefined) return { file: catalog.file, line: catalogLine };
      return { file: shown, line: sourceDoc()?.lineOf(pointer).line ?? 1 };
    };
    const claims = await this.patchClaimsFor(rendered);
    const locate = (pointer: string, related: readonly string[] = []): SourceLocation => {
      const withPointer = pointer === "" ? {} : { pointer };
      for (const candidate of [pointer, ...related]) {
        for (const claim of claims) {
          const line = claim.at(candidate);
          if (line !== undefined) return { file: claim.file, line, ...withPointer };
        }
      }
      return { ...own(pointer), ...withPointer };
    };
    return {
      file: shown,
      get line() {
        return sourceDoc()?.line ?? 1;
      },
      locate,
    };
  }

  private originPathOf(rendered: Resource): string | undefined {
    const annotation = originAnnotationOf(rendered);
    if (annotation === undefined) return undefined;
    if (!this.originPaths.has(annotation)) this.originPaths.set(annotation, originPathIn(annotation));
    return this.originPaths.get(annotation);
  }

  private documents(file: string, text: string | undefined): SourceDocuments {
    let documents = this.sources.get(file);
    if (documents === undefined) this.sources.set(file, (documents = sourceDocuments(text)));
    return documents;
  }

  private text(file: string): Promise<string | undefined> {
    let text = this.texts.get(file);
    if (text === undefined) {
      text = readFile(file, "utf8").catch(() => undefined);
      this.texts.set(file, text);
    }
    return text;
  }

  private catalogMap(): Promise<CatalogSourceMap | undefined> {
    this.catalog ??= loadCatalogMap(this.repoRoot);
    return this.catalog;
  }

  /** The patches that apply to the object, last applied first. */
  private async patchClaimsFor(rendered: Resource): Promise<Array<{ file: string; at: PatchClaim }>> {
    const claims: Array<{ file: string; at: PatchClaim }> = [];
    for (const patch of this.patches) {
      if (patch.target !== undefined && !targetSelects(patch.target, rendered)) continue;
      const file = displayPath(patch.file, this.repoRoot);
      for (const doc of await patchDocuments(patch, (file) => this.text(file))) {
        if (patch.format === "json6902") {
          claims.push({ file, at: json6902Claim(doc, rendered.object) });
        } else if (isJsonObject(doc.value) && (patch.target !== undefined || sameObject(doc.value, rendered))) {
          claims.push({ file, at: strategicMergeClaim(doc) });
        }
      }
    }
    return claims.reverse();
  }
}

/**
 * Files given on the command line (`lint base/backend`) that the catalog generates: their fields
 * are located at the catalog line that produced them, as in a rendered environment. `cwd` is
 * where the files' shown paths are relative to.
 */
export async function locateGeneratedInCatalog(resources: readonly Resource[], repoRoot: string, cwd: string): Promise<Resource[]> {
  const texts = new Map<string, Promise<string | undefined>>();
  let catalog: Promise<CatalogSourceMap | undefined> | undefined;
  return Promise.all(
    resources.map(async (resource) => {
      const absolute = path.resolve(cwd, resource.origin.file);
      let text = texts.get(absolute);
      if (text === undefined) {
        text = readFile(absolute, "utf8").catch(() => undefined);
        texts.set(absolute, text);
      }
      const source = await text;
      if (source === undefined || !isGeneratedText(source)) return resource;
      catalog ??= loadCatalogMap(repoRoot);
      const map = await catalog;
      if (map === undefined) return resource;
      const generated = displayPath(absolute, repoRoot);
      const catalogFile = displayPath(path.join(repoRoot, map.file), cwd);
      const { origin } = resource;
      const locate = (pointer: string, related?: readonly string[]): SourceLocation => {
        const line = map.locate(generated, resource.object, pointer);
        return line === undefined ? origin.locate(pointer, related) : { file: catalogFile, line, ...(pointer === "" ? {} : { pointer }) };
      };
      return { ...resource, origin: { file: origin.file, get line() { return origin.line; }, locate } };
    }),
  );
}

/** Fields that say which object a strategic-merge patch applies to; the patch does not set them. */
const IDENTITY_POINTERS = new Set(["/apiVersion", "/kind", "/metadata/name", "/metadata/namespace"]);

/**
 * A finding about a field that contains what a patch sets is the patch's, below the object's top
 * level (`/spec/trafficPolicy`, not `/spec`) and unless the field is a list item (a route holds
 * far more than the weight a patch sets).
 */
function claimsContainer(segments: readonly string[]): boolean {
  return segments.length >= 2 && !/^\d+$/.test(segments.at(-1) ?? "");
}

/**
 * A strategic-merge patch sets its scalars and lists (lists are replaced whole: Istio's kinds
 * have no merge keys), nulls (deletions) and `$patch` directives.
 */
function strategicMergeClaim(doc: ParsedDocument): PatchClaim {
  return (pointer) => {
    if (pointer === "" || IDENTITY_POINTERS.has(pointer)) return undefined;
    const segments = pointerSegments(pointer);
    let value: unknown = doc.value;
    for (const segment of segments) {
      if (!isJsonObject(value) || "$patch" in value) return doc.lineOf(pointer).line;
      if (!(segment in value)) return undefined;
      value = value[segment];
    }
    if (!isJsonObject(value) || "$patch" in value) return doc.lineOf(pointer).line;
    return claimsContainer(segments) && setsSomething(value, pointer) ? doc.lineOf(pointer).line : undefined;
  };
}

function setsSomething(value: JsonObject, pointer: string): boolean {
  return Object.entries(value).some(([key, child]) => {
    const childPointer = `${pointer}/${key}`;
    if (IDENTITY_POINTERS.has(childPointer)) return false;
    return !isJsonObject(child) || setsSomething(child, childPointer);
  });
}

/**
 * A JSON6902 operation sets the value at its `path` (add, replace, copy, move) or removes it; `-`
 * (append) is the list's last item in the rendered object.
 */
function json6902Claim(doc: ParsedDocument, rendered: JsonObject): PatchClaim {
  const operations = Array.isArray(doc.value) ? doc.value : [];
  return (pointer) => {
    for (let i = operations.length - 1; i >= 0; i--) {
      const operation: unknown = operations[i];
      if (!isJsonObject(operation) || typeof operation["path"] !== "string" || operation["op"] === "test") continue;
      const opPath = resolveAppend(operation["path"], rendered);
      const hasValue = "value" in operation;
      if (pointer === opPath || pointer.startsWith(`${opPath}/`)) {
        return doc.lineOf(hasValue ? `/${i}/value${pointer.slice(opPath.length)}` : `/${i}/path`).line;
      }
      if (opPath.startsWith(`${pointer}/`) && claimsContainer(pointerSegments(pointer))) {
        return doc.lineOf(hasValue ? `/${i}/value` : `/${i}/path`).line;
      }
    }
    return undefined;
  };
}

function resolveAppend(opPath: string, rendered: JsonObject): string {
  if (!opPath.endsWith("/-")) return opPath;
  const parent = opPath.slice(0, -2);
  let value: unknown = rendered;
  for (const segment of pointerSegments(parent)) {
    value = Array.isArray(value) ? value[Number(segment)] : isJsonObject(value) ? value[segment] : undefined;
  }
  return Array.isArray(value) ? `${parent}/${Math.max(value.length - 1, 0)}` : opPath;
}

function originAnnotationOf(resource: Resource): string | undefined {
  const metadata = resource.object["metadata"];
  const annotations = isJsonObject(metadata) ? metadata["annotations"] : undefined;
  const origin = isJsonObject(annotations) ? annotations[ORIGIN_ANNOTATION] : undefined;
  return typeof origin === "string" ? origin : undefined;
}

/**
 * The repository file an origin annotation names; undefined for an object fetched from a remote
 * resource (--allow-remote-resources), which kustomize marks with `repo` (a git repository) or
 * a URL as its path (`http:/host/file.yaml`): it stays located in the rendered output.
 */
function originPathIn(origin: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = jsYaml.load(origin);
  } catch {
    return undefined; // not kustomize's: the object stays located in the rendered output
  }
  if (!isJsonObject(parsed) || typeof parsed["path"] !== "string" || parsed["repo"] !== undefined) return undefined;
  return /^[a-z][a-z0-9+.-]*:\//i.test(parsed["path"]) ? undefined : parsed["path"];
}

interface SourceDocuments {
  /** The document of a rendered object: same kind and name, else the first of its kind, else the first. */
  pick(rendered: Resource): ParsedDocument | undefined;
}

function sourceDocuments(text: string | undefined): SourceDocuments {
  const documents = text === undefined ? [] : parseYamlDocuments(text).documents;
  const byName = new Map<string, ParsedDocument>();
  const byKind = new Map<string, ParsedDocument>();
  for (const doc of documents) {
    if (!isJsonObject(doc.value)) continue;
    const kind = doc.value["kind"];
    const metadata = doc.value["metadata"];
    const name = isJsonObject(metadata) ? metadata["name"] : undefined;
    const nameKey = `${String(kind)}\u0000${String(name)}`;
    if (typeof kind === "string" && typeof name === "string" && !byName.has(nameKey)) byName.set(nameKey, doc);
    if (typeof kind === "string" && !byKind.has(kind)) byKind.set(kind, doc);
  }
  return {
    pick: (rendered) => byName.get(`${rendered.kind}\u0000${rendered.name}`) ?? byKind.get(rendered.kind) ?? documents[0],
  };
}

function sameObject(value: Record<string, unknown>, rendered: Resource): boolean {
  const metadata = value["metadata"];
  return value["kind"] === rendered.kind && isJsonObject(metadata) && metadata["name"] === rendered.name;
}

/** The catalog's source map, loaded only for a repository that has generated files. */
async function loadCatalogMap(repoRoot: string): Promise<CatalogSourceMap | undefined> {
  const { CatalogSourceMap } = await import("../generate/catalog-source-map.js");
  return CatalogSourceMap.load(repoRoot);
}
