import { readFile, realpath } from "node:fs/promises";
import path from "node:path";
import { isInsideFolder } from "../util/inside-folder.js";

/** One `import`, `importstr` or `importbin` of a Jsonnet file, where it is written. */
export interface JsonnetImport {
  keyword: "import" | "importstr" | "importbin";
  /** The path as written (escapes decoded). */
  path: string;
  line: number;
  column: number;
}

/**
 * The imports of a Jsonnet source, found by its lexical grammar: an import keyword is followed by
 * a string literal (libjsonnet refuses computed imports), and keywords cannot be identifiers or
 * field names, so every `import*` token outside comments and strings is an import. Strings are
 * read in all their forms: '…' and "…" with escapes, @'…' and @"…" verbatim, and |||
 * text blocks.
 */
export function findJsonnetImports(source: string): JsonnetImport[] {
  const imports: JsonnetImport[] = [];
  let i = 0;
  let pendingKeyword: { keyword: JsonnetImport["keyword"]; line: number; column: number } | undefined;
  const position = (offset: number) => {
    const before = source.slice(0, offset);
    const line = before.split("\n").length;
    return { line, column: offset - before.lastIndexOf("\n") };
  };
  while (i < source.length) {
    const ch = source[i] ?? "";
    const next = source[i + 1] ?? "";
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "#" || (ch === "/" && next === "/")) {
      const end = source.indexOf("\n", i);
      i = end === -1 ? source.length : end + 1;
      continue;
    }
    if (ch === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      i = end === -1 ? source.length : end + 2;
      continue;
    }
    const literal = readStringLiteral(source, i);
    if (literal !== undefined) {
      if (pendingKeyword !== undefined) imports.push({ ...pendingKeyword, path: literal.value });
      pendingKeyword = undefined;
      i = literal.end;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i, i + 64));
    if (word !== null) {
      const token = word[0];
      pendingKeyword = token === "import" || token === "importstr" || token === "importbin" ? { keyword: token, ...position(i) } : undefined;
      i += token.length;
      continue;
    }
    pendingKeyword = undefined;
    i++;
  }
  return imports;
}

/** A string literal starting at `start`: its decoded value and where it ends. */
function readStringLiteral(source: string, start: number): { value: string; end: number } | undefined {
  const ch = source[start];
  if (ch === '"' || ch === "'") return readQuoted(source, start + 1, ch);
  if (ch === "@" && (source[start + 1] === '"' || source[start + 1] === "'")) return readVerbatim(source, start + 2, source[start + 1] ?? "");
  if (source.startsWith("|||", start)) return readTextBlock(source, start + 3);
  return undefined;
}

const ESCAPES: Record<string, string> = { '"': '"', "'": "'", "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

function readQuoted(source: string, from: number, quote: string): { value: string; end: number } {
  let value = "";
  let i = from;
  while (i < source.length && source[i] !== quote) {
    if (source[i] === "\\") {
      const escape = source[i + 1] ?? "";
      if (escape === "u") {
        value += String.fromCharCode(Number.parseInt(source.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        value += ESCAPES[escape] ?? escape;
        i += 2;
      }
    } else {
      value += source[i];
      i++;
    }
  }
  return { value, end: i + 1 };
}

function readVerbatim(source: string, from: number, quote: string): { value: string; end: number } {
  let value = "";
  let i = from;
  while (i < source.length) {
    if (source[i] === quote) {
      if (source[i + 1] !== quote) break;
      value += quote;
      i += 2;
    } else {
      value += source[i];
      i++;
    }
  }
  return { value, end: i + 1 };
}

/**
 * `|||` (or `|||-`, without the final newline), the rest of the line blank, lines sharing the
 * first line's indentation (each kept with its newline), a closing `|||`.
 */
function readTextBlock(source: string, from: number): { value: string; end: number } {
  const chomp = source[from] === "-";
  let i = chomp ? from + 1 : from;
  const text = (lines: string[]) => {
    const joined = lines.map((line) => `${line}\n`).join("");
    return chomp ? joined.slice(0, -1) : joined;
  };
  const lineEnd = source.indexOf("\n", i);
  if (lineEnd === -1) return { value: "", end: source.length };
  i = lineEnd + 1;
  const lines: string[] = [];
  let indent: string | undefined;
  while (i < source.length) {
    const end = source.indexOf("\n", i);
    const line = source.slice(i, end === -1 ? source.length : end);
    if (indent === undefined && line.trim() === "") {
      lines.push("");
    } else {
      indent ??= /^[ \t]*/.exec(line)?.[0] ?? "";
      if (!line.startsWith(indent) || indent === "") {
        if (line.trim() !== "") {
          const close = source.indexOf("|||", i);
          return { value: text(lines), end: close === -1 ? source.length : close + 3 };
        }
        lines.push("");
      } else {
        lines.push(line.slice(indent.length));
      }
    }
    if (end === -1) break;
    i = end + 1;
  }
  return { value: text(lines), end: source.length };
}

/** An import that would read outside the folder the catalog may read. */
export interface ImportOutside {
  /** The importing file, absolute. */
  file: string;
  import: JsonnetImport;
}

/**
 * Follows the catalog's imports from `entry` (code imports recursively) and returns the first
 * one that names an absolute path or resolves, through `..` or a symbolic link, outside
 * `root`: libjsonnet would read any file the process can, so the catalog is confined to its folder.
 */
export async function findImportOutside(entry: string, root: string): Promise<ImportOutside | undefined> {
  const realRoot = await realpath(root).catch(() => path.resolve(root));
  const seen = new Set<string>();
  const visit = async (file: string): Promise<ImportOutside | undefined> => {
    if (seen.has(file)) return undefined;
    seen.add(file);
    const source = await readFile(file, "utf8").catch(() => undefined);
    if (source === undefined) return undefined; // libjsonnet reports a missing file, at its import
    for (const found of findJsonnetImports(source)) {
      const target = path.resolve(path.dirname(file), found.path);
      const real = await realpath(target).catch(() => undefined);
      const inside = !path.isAbsolute(found.path) && isInsideFolder(target, path.resolve(root)) && (real === undefined || isInsideFolder(real, realRoot));
      if (!inside) return { file, import: found };
      if (found.keyword === "import" && real !== undefined) {
        const deeper = await visit(target);
        if (deeper !== undefined) return deeper;
      }
    }
    return undefined;
  };
  return visit(path.resolve(entry));
}
