import { UserError } from "../model/errors.js";

/**
 * Adds one entry to the `resources:` list of a kustomization, as a person would: a new `- entry`
 * line after the last one, with its indentation; every other byte as it was. Refused at its line
 * when the list is not a block list of plain names (a flow list `[a, b]`, no `resources:`).
 * Nothing changes when the entry is there already.
 */
export function addResource(text: string, file: string, entry: string): string {
  const lines = text.split("\n");
  const key = lines.findIndex((line) => /^resources:\s*(#.*)?$/.test(line));
  if (key === -1) {
    const flow = lines.findIndex((line) => /^resources:/.test(line));
    if (flow !== -1) throw new UserError(`${file}:${flow + 1}: resources is not a block list (one "- name" per line): mesh-policy new cannot edit it safely; add "- ${entry}" by hand`);
    throw new UserError(`${file}:1: no top-level "resources:" list: mesh-policy new cannot edit it safely; add "resources:" with "- ${entry}" by hand`);
  }
  let last = -1;
  let indent: string | undefined;
  for (let i = key + 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === "" || /^\s*#/.test(line)) continue;
    const item = /^(\s*)- ([^\s#]+)\s*(#.*)?$/.exec(line);
    if (item === null) {
      if (/^\S/.test(line)) break;
      throw new UserError(`${file}:${i + 1}: an item of resources that is not a plain name: mesh-policy new cannot edit it safely; add "- ${entry}" by hand`);
    }
    if ((item[2] ?? "").replace(/\/$/, "") === entry) return text;
    if (indent !== undefined && item[1] !== indent) throw new UserError(`${file}:${i + 1}: the items of resources are not indented alike: mesh-policy new cannot edit it safely; add "- ${entry}" by hand`);
    indent = item[1] ?? "";
    last = i;
  }
  const at = last === -1 ? key : last;
  lines.splice(at + 1, 0, `${indent ?? "  "}- ${entry}`);
  return lines.join("\n");
}
