import { UserError } from "../model/errors.js";
import { CATALOG_FILE } from "./catalog.js";
import { objectOf, outlineJsonnet, tokenize, type Brackets, type OutlineValue, type Token } from "./jsonnet-outline.js";

/**
 * Textual edits of the service catalog that keep everything else byte for byte: a workload added
 * at the end of `workloads: { ... }`, a call at the end of `calls: [ ... ]`, each on its own line
 * with the indentation of the entries around it. An edit is made only where the text has the shape
 * `mesh.catalog { ... }` gives it (both fields plain literals, closed on a line of their own,
 * no comprehension); anything else is refused at its line, with what to do by hand.
 */

export interface NewWorkloadEntry {
  /** The folder under base/: the key in `workloads`. */
  folder: string;
  port: number;
  portName: string;
}

export interface NewCallEntry {
  from: string;
  to: string;
  /** Port names (strings) or Service ports (numbers); none for an external service. */
  ports: ReadonlyArray<string | number>;
  methods: readonly string[];
  paths: readonly string[];
  requireJwt: boolean;
}

export function addWorkloadEntry(text: string, entry: NewWorkloadEntry): string {
  const field = catalogField(text, "workloads", "object");
  if (objectOf(field.value)?.has(entry.folder) === true) {
    throw refusal(text, field.value.start, `workloads already has "${entry.folder}"`, "choose another name");
  }
  const line = `${jsonnetKey(entry.folder)}: $.workload({ ports: [{ name: ${jsonnetString(entry.portName)}, port: ${entry.port} }] }),`;
  return insertEntry(text, field.brackets, line);
}

export function addCallEntry(text: string, entry: NewCallEntry): string {
  const field = catalogField(text, "calls", "array");
  const args = [jsonnetString(entry.from), jsonnetString(entry.to)];
  if (entry.ports.length > 0) args.push(`ports=[${entry.ports.map((p) => (typeof p === "number" ? String(p) : jsonnetString(p))).join(", ")}]`);
  if (entry.methods.length > 0) args.push(`methods=[${entry.methods.map(jsonnetString).join(", ")}]`);
  if (entry.paths.length > 0) args.push(`paths=[${entry.paths.map(jsonnetString).join(", ")}]`);
  if (entry.requireJwt) args.push("requireJwt=true");
  return insertEntry(text, field.brackets, `$.call(${args.join(", ")}),`);
}

/** The 1-based line of an offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === "\n") line++;
  return line;
}

interface LiteralField {
  value: OutlineValue;
  brackets: Brackets;
}

function catalogField(text: string, name: string, kind: "object" | "array"): LiteralField {
  const root = outlineJsonnet(text);
  const catalog = root.object;
  if (catalog === undefined) {
    throw refusal(text, root.start, "the catalog is not an object such as `mesh.catalog { ... }`", `add the ${name} entry by hand`);
  }
  const field = catalog.get(name);
  if (field === undefined) {
    throw refusal(text, root.objectBrackets?.open ?? root.start, `the catalog has no \`${name}:\` field`, `add \`${name}: ${kind === "object" ? "{}" : "[]"},\` to it first`);
  }
  const brackets = kind === "object" ? field.value.objectBrackets : field.value.arrayBrackets;
  const literal = kind === "object" ? "{ ... }" : "[ ... ]";
  if (brackets === undefined || field.value.literal !== true || brackets.close === -1) {
    throw refusal(text, field.value.start, `\`${name}:\` is not one ${literal} literal (it is built by an expression)`, `add the entry by hand`);
  }
  const tokens = tokenize(text).filter((token) => token.offset > brackets.open && token.offset < brackets.close);
  if (topLevel(tokens).some((token) => token.kind === "id" && token.text === "for")) {
    throw refusal(text, field.value.start, `\`${name}:\` is a comprehension`, "add the entry by hand");
  }
  const closingLine = lineText(text, brackets.close);
  if (closingLine.trim().replace(/,$/, "") !== (kind === "object" ? "}" : "]")) {
    throw refusal(text, brackets.close, `the ${literal} of \`${name}:\` does not close on a line of its own`, `put its closing ${kind === "object" ? "}" : "]"} on its own line, or add the entry by hand`);
  }
  return { value: field.value, brackets };
}

/** Tokens at the top level of a bracket's content (not inside nested brackets). */
function topLevel(tokens: readonly Token[]): Token[] {
  let depth = 0;
  const out: Token[] = [];
  for (const token of tokens) {
    if (token.kind === "punct" && ["{", "[", "("].includes(token.text)) depth++;
    else if (token.kind === "punct" && ["}", "]", ")"].includes(token.text)) depth--;
    else if (depth === 0) out.push(token);
  }
  return out;
}

/**
 * Inserts `entry` as the last item before the closing bracket, on its own line, indented like the
 * last item (or two spaces more than the bracket's line); adds the comma the previous item lacks.
 */
function insertEntry(text: string, brackets: Brackets, entry: string): string {
  const lineStart = text.lastIndexOf("\n", brackets.close - 1) + 1;
  const closingIndent = /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? "";
  const inside = tokenize(text).filter((token) => token.offset > brackets.open && token.offset < brackets.close);
  const last = inside.at(-1);
  let indent = `${closingIndent}  `;
  let before = text.slice(0, lineStart);
  let separator = "";
  if (last !== undefined) {
    const firstOfLastItem = firstTokenOfLastItem(inside);
    indent = /^[ \t]*/.exec(lineText(text, firstOfLastItem.offset))?.[0] ?? indent;
    if (last.text !== ",") before = `${text.slice(0, last.endOffset)},${text.slice(last.endOffset, lineStart)}`;
    // Items set apart by blank lines get one before the new item too.
    const itemLineStart = text.lastIndexOf("\n", firstOfLastItem.offset - 1) + 1;
    const previousLine = itemLineStart === 0 ? "" : lineText(text, itemLineStart - 1);
    if (previousLine.trim() === "" && lineText(text, lineStart - 1).trim() !== "") separator = "\n";
  }
  return `${before}${separator}${indent}${entry}\n${text.slice(lineStart)}`;
}

/** The first token of the last top-level item among the tokens between two brackets. */
function firstTokenOfLastItem(tokens: readonly Token[]): Token {
  let depth = 0;
  let start = 0;
  tokens.forEach((token, index) => {
    if (token.kind === "punct" && ["{", "[", "("].includes(token.text)) depth++;
    else if (token.kind === "punct" && ["}", "]", ")"].includes(token.text)) depth--;
    else if (depth === 0 && token.text === "," && index < tokens.length - 1) start = index + 1;
  });
  return tokens[start] as Token;
}

function lineText(text: string, offset: number): string {
  const start = text.lastIndexOf("\n", offset - 1) + 1;
  const end = text.indexOf("\n", offset);
  return text.slice(start, end === -1 ? text.length : end);
}

function refusal(text: string, offset: number, problem: string, remedy: string): UserError {
  return new UserError(`${CATALOG_FILE}:${lineAt(text, offset)}: ${problem}: mesh-policy new cannot edit it safely; ${remedy} (README, "The service catalog")`);
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYWORDS = new Set(["assert", "else", "error", "false", "for", "function", "if", "import", "importstr", "importbin", "in", "local", "null", "tailstrict", "then", "self", "super", "true"]);

function jsonnetKey(name: string): string {
  return IDENTIFIER.test(name) && !KEYWORDS.has(name) ? name : jsonnetString(name);
}

function jsonnetString(value: string): string {
  return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}
