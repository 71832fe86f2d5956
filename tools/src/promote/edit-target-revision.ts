import { isMap, isScalar, parse, parseAllDocuments, Scalar, type Document } from "yaml";
import { UserError } from "../model/errors.js";
import { isJsonObject, pointerSegments } from "../model/resource.js";

export interface TargetRevisionEdit {
  /** The Application whose field changes (a file may hold several documents). */
  applicationName: string;
  /** JSON pointer of the field, such as `/spec/source/targetRevision`. */
  pointer: string;
  from: string;
  to: string;
}

/**
 * Rewrites one scalar of a YAML file in place: the bytes of the value `from` (inside its quotes,
 * if it has any) become `to`; every other byte of the file, comments and formatting included,
 * stays as it was. The position comes from the yaml package's syntax tree, and the result is
 * parsed again to prove that the field, and only that line, changed.
 */
export function editTargetRevision(text: string, edit: TargetRevisionEdit, file: string): string {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) throw new UserError(`${file}: not a YAML stream`);
  const document = documents.find((doc) => isApplication(doc, edit.applicationName));
  if (document === undefined) throw new UserError(`${file}: no Application ${edit.applicationName} to rewrite`);
  if (document.errors.length > 0) throw new UserError(`${file}: invalid YAML: ${document.errors[0]?.message ?? ""}`);
  const node = document.getIn(pointerSegments(edit.pointer), true);
  if (!isScalar(node) || node.range === undefined || node.range === null) {
    throw new UserError(`${file}: ${edit.applicationName} has no scalar at ${edit.pointer} to rewrite`);
  }
  const [start, valueEnd] = node.range;
  const written = text.slice(start, valueEnd);
  const plain = node.type === Scalar.PLAIN;
  // Compare the text as written: a plain SHA of digits reads as a number.
  const current = plain ? written : written.slice(1, -1);
  if (current !== edit.from) {
    throw new UserError(
      `${file}: ${edit.pointer} of ${edit.applicationName} is ${current}, not ${edit.from}: the file changed since the plan was made; plan again`,
    );
  }
  // A plain value YAML would not read as a string (a SHA of digits, or digits with one `e`) is quoted.
  const replacement = plain && typeof parse(edit.to) !== "string" ? `"${edit.to}"` : edit.to;
  const offset = plain ? start : start + 1;
  const result = text.slice(0, offset) + replacement + text.slice(offset + edit.from.length);
  verify(text, result, edit, file);
  return result;
}

function isApplication(document: Document, name: string): boolean {
  const value: unknown = document.toJS();
  if (!isJsonObject(value) || value["kind"] !== "Application") return false;
  const metadata = value["metadata"];
  return isJsonObject(metadata) && metadata["name"] === name;
}

function verify(before: string, after: string, edit: TargetRevisionEdit, file: string): void {
  const oldLines = before.split("\n");
  const newLines = after.split("\n");
  const changed = newLines.filter((line, index) => line !== oldLines[index]);
  const reparsed = parseAllDocuments(after);
  const document = Array.isArray(reparsed) ? reparsed.find((doc) => isApplication(doc, edit.applicationName)) : undefined;
  const value: unknown = document?.getIn(pointerSegments(edit.pointer));
  if (oldLines.length !== newLines.length || changed.length !== 1 || value !== edit.to) {
    throw new Error(`rewriting ${edit.pointer} in ${file} changed more than the one line it should (internal error)`);
  }
  // Anything that is not a plain mapping at the top would have been reformatted by hand; make sure.
  if (document !== undefined && !isMap(document.contents)) throw new Error(`${file}: the Application is not a mapping (internal error)`);
}
