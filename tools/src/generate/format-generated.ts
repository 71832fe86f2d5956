import { stringify } from "yaml";
import { compareKeys } from "../diff/normalize.js";
import { isJsonObject, type JsonObject } from "../model/resource.js";
import { GENERATED_MARKER } from "./generated-marker.js";

const HEADER = [
  GENERATED_MARKER,
  "# Change base/catalog/catalog.jsonnet (shared defaults: base/catalog/lib/mesh.libsonnet), then run",
  "# `npx mesh-policy generate`; `mesh-policy generate --check` and `mesh-policy check` fail while",
  "# this file differs from what the catalog generates.",
];

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
