import { readFile } from "node:fs/promises";
import { parseYamlDocuments, type ParsedDocument } from "../load/yaml-documents.js";
import type { PatchSource } from "./kustomize-inputs.js";

/**
 * The documents of a patch with the lines of the file a person edits: the patch file, or for a
 * patch written inline, the kustomization that holds it.
 */
export async function patchDocuments(patch: PatchSource, readText: (file: string) => Promise<string | undefined> = readPatchFile): Promise<ParsedDocument[]> {
  if (patch.inline === undefined) {
    const text = await readText(patch.file);
    return text === undefined ? [] : parseYamlDocuments(text).documents;
  }
  const offset = patch.inline.line - 1;
  return parseYamlDocuments(patch.inline.text).documents.map((doc) => ({
    line: doc.line + offset,
    value: doc.value,
    lineOf: (pointer: string) => {
      const hit = doc.lineOf(pointer);
      return { line: hit.line + offset, exact: hit.exact };
    },
  }));
}

function readPatchFile(file: string): Promise<string | undefined> {
  return readFile(file, "utf8").catch(() => undefined);
}
