import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";
import { displayPath } from "../load/load-paths.js";
import { parseYamlDocuments, type ParsedDocument } from "../load/yaml-documents.js";
import type { SourceLocation } from "../model/finding.js";
import { isJsonObject, type Resource, type ResourceOrigin } from "../model/resource.js";
import type { PatchSource } from "./kustomize-inputs.js";

export const ORIGIN_ANNOTATION = "config.kubernetes.io/origin";

/**
 * Maps rendered objects back to the files a person edits: the resource's own file (from
 * kustomize's origin annotation) and, for fields a patch sets, the patch file.
 */
export class SourceLocator {
  private readonly files = new Map<string, Promise<ParsedDocument[]>>();

  constructor(
    private readonly repoRoot: string,
    private readonly buildDir: string,
    private readonly patches: readonly PatchSource[],
  ) {}

  async originFor(rendered: Resource): Promise<ResourceOrigin> {
    const originPath = originPathOf(rendered);
    if (originPath === undefined) return rendered.origin;
    const sourceFile = path.resolve(this.buildDir, originPath);
    const shown = displayPath(sourceFile, this.repoRoot);
    const sourceDoc = pickDocument(await this.documents(sourceFile), rendered);
    const patchLocators = await this.patchLocatorsFor(rendered);
    const locate = (pointer: string): SourceLocation => {
      const withPointer = pointer === "" ? {} : { pointer };
      for (let i = patchLocators.length - 1; i >= 0; i--) {
        const found = patchLocators[i]?.(pointer);
        if (found !== undefined) return { ...found, ...withPointer };
      }
      return { file: shown, line: sourceDoc?.lineOf(pointer).line ?? 1, ...withPointer };
    };
    return { file: shown, line: sourceDoc?.line ?? 1, locate };
  }

  private documents(file: string): Promise<ParsedDocument[]> {
    let parsed = this.files.get(file);
    if (parsed === undefined) {
      parsed = readFile(file, "utf8").then(
        (text) => parseYamlDocuments(text).documents,
        () => [],
      );
      this.files.set(file, parsed);
    }
    return parsed;
  }

  private async patchLocatorsFor(rendered: Resource): Promise<Array<(pointer: string) => Omit<SourceLocation, "pointer"> | undefined>> {
    const locators: Array<(pointer: string) => Omit<SourceLocation, "pointer"> | undefined> = [];
    for (const patch of this.patches) {
      if (patch.target.kind !== undefined && patch.target.kind !== rendered.kind) continue;
      if (patch.target.name !== undefined && !targetNameMatches(patch.target.name, rendered.name)) continue;
      const file = displayPath(patch.file, this.repoRoot);
      for (const doc of await this.documents(patch.file)) {
        if (patch.format === "json6902") {
          locators.push(json6902Locator(doc, file));
        } else if (isJsonObject(doc.value) && sameObject(doc.value, rendered)) {
          locators.push((pointer) => {
            const hit = doc.lineOf(pointer);
            return hit.exact && pointer !== "" ? { file, line: hit.line } : undefined;
          });
        }
      }
    }
    return locators;
  }
}

function json6902Locator(doc: ParsedDocument, file: string) {
  const operations = Array.isArray(doc.value) ? doc.value : [];
  return (pointer: string): Omit<SourceLocation, "pointer"> | undefined => {
    for (let i = operations.length - 1; i >= 0; i--) {
      const op: unknown = operations[i];
      if (!isJsonObject(op) || typeof op["path"] !== "string") continue;
      const opPath = op["path"];
      if (pointer === opPath || pointer.startsWith(opPath + "/")) {
        return { file, line: doc.lineOf(`/${i}/value${pointer.slice(opPath.length)}`).line };
      }
    }
    return undefined;
  };
}

function originPathOf(resource: Resource): string | undefined {
  const metadata = resource.object["metadata"];
  const annotations = isJsonObject(metadata) ? metadata["annotations"] : undefined;
  const origin = isJsonObject(annotations) ? annotations[ORIGIN_ANNOTATION] : undefined;
  if (typeof origin !== "string") return undefined;
  const parsed = parse(origin) as unknown;
  return isJsonObject(parsed) && typeof parsed["path"] === "string" ? parsed["path"] : undefined;
}

function pickDocument(documents: readonly ParsedDocument[], rendered: Resource): ParsedDocument | undefined {
  return (
    documents.find((doc) => isJsonObject(doc.value) && sameObject(doc.value, rendered)) ??
    documents.find((doc) => isJsonObject(doc.value) && doc.value["kind"] === rendered.kind) ??
    documents[0]
  );
}

function sameObject(value: Record<string, unknown>, rendered: Resource): boolean {
  const metadata = value["metadata"];
  return value["kind"] === rendered.kind && isJsonObject(metadata) && metadata["name"] === rendered.name;
}

/** Kustomize patch targets name objects by an anchored regular expression. */
function targetNameMatches(pattern: string, name: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(name);
  } catch {
    return pattern === name;
  }
}
