import { stringify } from "yaml";
import { compareKeys } from "../diff/normalize.js";
import { isJsonObject, type JsonObject } from "../model/resource.js";

/** The first line of every generated file; how `generate` tells its own files from hand-written ones. */
export const GENERATED_MARKER = "# Generated from base/catalog by `mesh-policy generate`: do not edit by hand.";

const HEADER = [
  GENERATED_MARKER,
  "# Change base/catalog/catalog.jsonnet (shared defaults: base/catalog/lib/mesh.libsonnet), then run",
  "# `npx mesh-policy generate`; `mesh-policy generate --check` and `mesh-policy check` fail while",
  "# this file differs from what the catalog generates.",
];

export function isGeneratedText(text: string): boolean {
  return text.startsWith(`${GENERATED_MARKER}\n`);
}

/** Comment lines are wrapped to this width, `# ` included. */
const COMMENT_WIDTH = 100;

/**
 * One generated YAML file: the header, the description (paragraphs, wrapped into comment lines)
 * and the objects as documents. Keys are sorted in code-point order at every level (their order means
 * nothing in Kubernetes objects); lists keep their order, which can mean something (rules, routes).
 * The same input gives the same bytes on every machine.
 */
export function formatGeneratedFile(description: readonly string[], objects: readonly JsonObject[]): string {
  const comment = [...HEADER, "#", ...description.flatMap((paragraph) => wrap(paragraph, COMMENT_WIDTH - 2).map((line) => `# ${line}`))].join("\n");
  const documents = objects.map((object) =>
    stringify(sortKeys(object), { indent: 2, indentSeq: true, lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false }),
  );
  return `${comment}\n${documents.join("---\n")}`;
}

/** Greedy word wrap; a word longer than the width gets a line of its own. */
function wrap(paragraph: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of paragraph.split(/\s+/).filter((w) => w !== "")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isJsonObject(value)) return value;
  const sorted: JsonObject = {};
  for (const key of Object.keys(value).sort(compareKeys)) sorted[key] = sortKeys(value[key]);
  return sorted;
}
