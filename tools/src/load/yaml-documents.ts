import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node } from "yaml";
import { pointerSegments } from "../model/resource.js";

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
}

export interface ParsedYaml {
  documents: ParsedDocument[];
  problems: YamlProblem[];
}

/** Parses a multi-document YAML text, keeping positions; never throws on bad input. */
export function parseYamlDocuments(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const problems: YamlProblem[] = [];
  const documents: ParsedDocument[] = [];
  // An error at the very end (an unclosed bracket) points past the last line; show the last line instead.
  const lastLine = text.replace(/\n+$/, "").split("\n").length;
  const lineAt = (offset: number): number => Math.min(lineCounter.linePos(offset).line, lastLine);
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        problems.push({ line: lineAt(error.pos[0]), message: firstLine(error.message) });
      }
      continue;
    }
    if (doc.contents === null) continue;
    const contents = doc.contents as Node;
    documents.push({
      line: lineAt(contents.range?.[0] ?? 0),
      value: doc.toJS({ maxAliasCount: 100 }),
      lineOf: (pointer) => locatePointer(doc, pointer, lineAt),
    });
  }
  return { documents, problems };
}

function locatePointer(doc: Document, pointer: string, lineAt: (offset: number) => number) {
  let node: unknown = doc.contents;
  let line = lineAt((doc.contents as Node | null)?.range?.[0] ?? 0);
  for (const segment of pointerSegments(pointer)) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment);
      if (pair === undefined) return { line, exact: false };
      const keyNode = pair.key as Node;
      line = lineAt(keyNode.range?.[0] ?? 0);
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)] as Node | undefined;
      if (item === undefined || !/^\d+$/.test(segment)) return { line, exact: false };
      line = lineAt(item.range?.[0] ?? 0);
      node = item;
    } else {
      return { line, exact: false };
    }
  }
  return { line, exact: true };
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
