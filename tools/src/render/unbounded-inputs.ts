import { readFile } from "node:fs/promises";
import path from "node:path";
import { decodeUtf8, invalidUtf8Message } from "../load/decode-utf8.js";
import { displayPath } from "../util/display-path.js";
import { parseYamlDocuments } from "../load/yaml-documents.js";

/**
 * The first input kustomize would expand without bound or refuse only after reading it whole:
 * bytes that are not UTF-8, or YAML aliases beyond what the Kubernetes decoders accept.
 */
export async function firstUnboundedInput(files: readonly string[], repoRoot: string): Promise<{ file: string; line: number; reason: string } | undefined> {
  for (const file of files) {
    // Generator sources may be binary (they become binaryData); YAML inputs may not.
    if (!/\.ya?ml$|^Kustomization$/i.test(path.basename(file))) continue;
    const bytes = await readFile(file).catch(() => undefined);
    if (bytes === undefined) continue;
    const decoded = decodeUtf8(bytes);
    if ("invalid" in decoded) return { file: displayPath(file, repoRoot), line: decoded.invalid.line, reason: invalidUtf8Message(decoded.invalid.byteOffset) };
    const aliasing = parseYamlDocuments(decoded.text).problems.find((problem) => problem.kind === "aliasing");
    if (aliasing !== undefined) return { file: displayPath(file, repoRoot), line: aliasing.line, reason: aliasing.message };
  }
  return undefined;
}

