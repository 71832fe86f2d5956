import jsYaml from "js-yaml";
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from "yaml";
import { pointerSegments } from "../model/resource.js";
import { checkAliasBudget } from "./alias-budget.js";
import { KUBERNETES_YAML_SCHEMA } from "./kubernetes-yaml-schema.js";

export interface ParsedDocument {
  /** 1-based line where the document's content starts. */
  line: number;
  value: unknown;
  /** Line of the deepest node on the pointer's path that exists in this document. */
  lineOf(pointer: string): { line: number; exact: boolean };
}

export interface YamlProblem {
  line: number;
  message: string;
  /** `aliasing`: valid YAML whose aliases expand beyond what Kubernetes accepts. */
  kind: "syntax" | "aliasing";
}

export interface ParsedYaml {
  documents: ParsedDocument[];
  problems: YamlProblem[];
}

/** A line that starts a new document: `---` at column 0, alone or followed by a space. */
const DOCUMENT_START = /^---(?:[ \t]|$)/;

/**
 * Parses a multi-document YAML text; never throws on bad input. Values come from js-yaml, ten
 * times faster than a full syntax tree, read as the Kubernetes tools read them
 * (KUBERNETES_YAML_SCHEMA: `<<` merges, `0755` is octal, `yes` is true; duplicate keys rejected),
 * and a document whose aliases expand beyond what the Kubernetes decoders accept is refused; a
 * document is parsed again with positions only when someone asks for the line of one of its fields.
 */
export function parseYamlDocuments(source: string): ParsedYaml {
  // Windows line endings (or a checkout with autocrlf) must not hide the `---` separators.
  const text = source.replaceAll("\r\n", "\n");
  const documents: ParsedDocument[] = [];
  const problems: YamlProblem[] = [];
  for (const chunk of splitDocuments(text)) {
    let value: unknown;
    try {
      value = jsYaml.load(chunk.text, { schema: KUBERNETES_YAML_SCHEMA });
    } catch (error) {
      const yamlError = error as { reason?: string; mark?: { line: number }; message: string };
      const line = chunk.firstLine + (yamlError.mark?.line ?? 0);
      problems.push({ line: Math.min(line, chunk.lastContentLine), message: yamlError.reason ?? yamlError.message, kind: "syntax" });
      continue;
    }
    if (value === undefined || value === null) continue;
    const aliasing = aliasProblem(chunk, value);
    if (aliasing !== undefined) {
      problems.push(aliasing);
      continue;
    }
    documents.push(locatedDocument(chunk, value));
  }
  return { documents, problems };
}

function aliasProblem(chunk: Chunk, value: unknown): YamlProblem | undefined {
  try {
    const problem = checkAliasBudget(chunk.text, value);
    if (problem === undefined) return undefined;
    const line = chunk.firstLine + chunk.text.slice(0, problem.offset).split("\n").length - 1;
    return { line, message: `${problem.message}; Kubernetes refuses such a document: write the values out instead of repeating aliases`, kind: "aliasing" };
  } catch (error) {
    if (error instanceof RangeError) return { line: chunk.firstLine, message: "the document nests too deeply to be read", kind: "aliasing" };
    throw error;
  }
}

interface Chunk {
  text: string;
  /** 1-based line of the chunk's first line in the whole file. */
  firstLine: number;
  lastContentLine: number;
}

function splitDocuments(text: string): Chunk[] {
  const lines = text.split("\n");
  const chunks: Chunk[] = [];
  let start = 0;
  const flush = (end: number) => {
    if (end <= start) return;
    const slice = lines.slice(start, end);
    let last = slice.length;
    while (last > 0 && (slice[last - 1] ?? "").trim() === "") last--;
    if (last === 0) return;
    chunks.push({ text: slice.join("\n"), firstLine: start + 1, lastContentLine: start + last });
  };
  lines.forEach((line, index) => {
    if (index > 0 && DOCUMENT_START.test(line)) {
      flush(index);
      start = index;
    }
  });
  flush(lines.length);
  return chunks;
}

function locatedDocument(chunk: Chunk, value: unknown): ParsedDocument {
  let positions: { doc: Document; lineCounter: LineCounter } | undefined;
  const parsePositions = () => {
    if (positions === undefined) {
      const lineCounter = new LineCounter();
      positions = { doc: parseDocument(chunk.text, { lineCounter }), lineCounter };
    }
    return positions;
  };
  const lineOf = (pointer: string) => {
    const { doc, lineCounter } = parsePositions();
    const located = locatePointer(doc, pointer, (offset) => lineCounter.linePos(offset).line);
    return { line: located.line + chunk.firstLine - 1, exact: located.exact };
  };
  return { line: firstContentLine(chunk), value, lineOf };
}

/** The first line that is neither blank, a comment nor a bare `---`: where the object starts. */
function firstContentLine(chunk: Chunk): number {
  const lines = chunk.text.split("\n");
  const index = lines.findIndex((line) => {
    const trimmed = line.trim();
    return trimmed !== "" && !trimmed.startsWith("#") && trimmed !== "---";
  });
  return chunk.firstLine + Math.max(index, 0);
}

function locatePointer(doc: Document, pointer: string, lineAt: (offset: number) => number) {
  let node: unknown = doc.contents;
  let line = lineAt((doc.contents as Node | null)?.range?.[0] ?? 0);
  for (const segment of pointerSegments(pointer)) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment);
      if (pair === undefined) return { line, exact: false };
      line = lineAt((pair.key as Node).range?.[0] ?? 0);
      node = pair.value;
    } else if (isSeq(node)) {
      const item = /^\d+$/.test(segment) ? (node.items[Number(segment)] as Node | undefined) : undefined;
      if (item === undefined) return { line, exact: false };
      line = lineAt(item.range?.[0] ?? 0);
      node = item;
    } else {
      return { line, exact: false };
    }
  }
  return { line, exact: true };
}
