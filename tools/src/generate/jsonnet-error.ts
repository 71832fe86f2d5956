import path from "node:path";
import { displayPath } from "../util/display-path.js";

/** A position libjsonnet printed: `file:line:col`, `file:line:col-col` or `file:(line:col)-(line:col)`. */
export interface JsonnetPosition {
  /** Absolute, as libjsonnet printed it (the catalog is evaluated by absolute path). */
  file: string;
  line: number;
  column: number;
}

export interface ParsedJsonnetError {
  kind: "static" | "runtime" | "other";
  /** The message without libjsonnet's prefix and position. */
  message: string;
  /** Stack frames, innermost first (runtime errors); the one position of a static error. */
  frames: JsonnetPosition[];
}

const POSITION = /^(.+?):(?:\((\d+):(\d+)\)-\(\d+:\d+\)|(\d+):(\d+)(?:-\d+)?)$/;

function parsePosition(text: string): JsonnetPosition | undefined {
  const match = POSITION.exec(text.trim());
  if (match === null) return undefined;
  const [, file, rangeLine, rangeColumn, line, column] = match;
  return { file: file ?? "", line: Number(rangeLine ?? line), column: Number(rangeColumn ?? column) };
}

/**
 * Reads libjsonnet's error text (v0.20):
 * - `STATIC ERROR: <file>:<pos>: <message>` (syntax, duplicate field, unknown variable);
 * - `RUNTIME ERROR: <message>` followed by one `\t<file>:<pos>\t<description>` line per stack frame,
 *   innermost first (`error`, failed `assert`, missing field, …);
 * - anything else (an unreadable root file) as it is.
 */
export function parseJsonnetError(text: string): ParsedJsonnetError {
  if (text.startsWith("STATIC ERROR: ")) {
    const rest = text.slice("STATIC ERROR: ".length).trimEnd();
    // The position ends at the first ": " that follows something parsePosition accepts.
    for (let at = rest.indexOf(": "); at !== -1; at = rest.indexOf(": ", at + 1)) {
      const position = parsePosition(rest.slice(0, at));
      if (position !== undefined) return { kind: "static", message: rest.slice(at + 2), frames: [position] };
    }
    return { kind: "static", message: rest, frames: [] };
  }
  if (text.startsWith("RUNTIME ERROR: ")) {
    const [head = "", ...frameLines] = text.slice("RUNTIME ERROR: ".length).split("\n\t");
    const frames: JsonnetPosition[] = [];
    for (const frame of frameLines) {
      const position = parsePosition(frame.split("\t")[0] ?? "");
      if (position !== undefined) frames.push(position);
    }
    return { kind: "runtime", message: head.trimEnd(), frames };
  }
  return { kind: "other", message: text.trimEnd(), frames: [] };
}

export interface CatalogErrorLocation {
  /** Repository-relative, forward slashes. */
  file: string;
  line: number;
  column: number;
}

/** libjsonnet's standard library, written in Jsonnet: its frames say nothing about the catalog. */
const STD_LIBRARY_FILE = "std.jsonnet";

/**
 * Where to point the user.
 * - A static error: where libjsonnet found it.
 * - A runtime error: the innermost frame outside the mesh library and the standard library: the
 *   catalog line of the $.workload or $.call being evaluated when a library check failed, or the
 *   user's own expression. `raisedAt` is then the innermost library frame, for reference. When no
 *   frame is outside the libraries (a value that bypassed $.workload), `location` is undefined.
 */
export function locateJsonnetError(
  parsed: ParsedJsonnetError,
  options: { repoRoot: string; libraryDir: string },
): { location: CatalogErrorLocation | undefined; raisedAt: CatalogErrorLocation | undefined } {
  const libraryDir = path.resolve(options.repoRoot, options.libraryDir);
  const isStd = (file: string) => file === STD_LIBRARY_FILE;
  const inLibrary = (file: string) => {
    const relative = path.relative(libraryDir, path.resolve(options.repoRoot, file));
    return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
  };
  const shown = (position: JsonnetPosition): CatalogErrorLocation => ({
    file: displayPath(path.resolve(options.repoRoot, position.file), options.repoRoot),
    line: position.line,
    column: position.column,
  });
  const frames = parsed.frames.filter((frame) => !isStd(frame.file));
  const innermost = frames[0];
  if (innermost === undefined) return { location: undefined, raisedAt: undefined };
  if (parsed.kind === "static") return { location: shown(innermost), raisedAt: undefined };
  const user = frames.find((frame) => !inLibrary(frame.file));
  return { location: user === undefined ? undefined : shown(user), raisedAt: user === innermost ? undefined : shown(innermost) };
}
