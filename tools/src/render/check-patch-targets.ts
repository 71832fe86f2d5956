import { readFile } from "node:fs/promises";
import { displayPath } from "../util/display-path.js";
import { parseYamlDocuments } from "../load/yaml-documents.js";
import type { Finding } from "../model/finding.js";
import type { Resource } from "../model/resource.js";
import { collectKustomizeInputs, type PatchSource, type PatchTarget } from "./kustomize-inputs.js";
import { literalAlternatives, targetSelects } from "./patch-target.js";
import type { RenderedEnvironment } from "./render-environment.js";

export const PATCH_TARGET_RULE = "patch-target";

/**
 * Patches whose `target` selects nothing: kustomize skips such a patch without a word, so a typo
 * in a target name silently leaves an environment as the base has it. An error at the target in
 * the kustomization that lists the patch; a name pattern that is a plain alternation (`a|b|c`) is
 * checked name by name. A patch sees the objects of the kustomization that lists it (for a
 * component, of the kustomization that includes the component), which the rendered objects'
 * origin annotations tell apart.
 */
export async function checkPatchTargets(repoRoot: string, rendered: Pick<RenderedEnvironment, "resources" | "inputs">): Promise<Finding[]> {
  const { resources, inputs } = rendered;
  const scopes = new Map<string, Promise<Resource[]>>();
  const inScope = (scope: string): Promise<Resource[]> => {
    let found = scopes.get(scope);
    if (found === undefined) {
      found = collectKustomizeInputs(scope, repoRoot).then((scoped) => {
        const files = new Set(scoped.files.map((file) => displayPath(file, repoRoot)));
        // An object without an origin annotation cannot be placed: it counts everywhere.
        return resources.filter((resource) => files.has(resource.origin.file) || resource.origin.file.endsWith(" (rendered)"));
      });
      scopes.set(scope, found);
    }
    return found;
  };
  const findings: Finding[] = [];
  for (const patch of inputs.patches) {
    if (patch.target === undefined) continue;
    const candidates = await inScope(patch.scope);
    findings.push(...(await unmatched(patch, patch.target, candidates, repoRoot)));
  }
  return findings;
}

async function unmatched(patch: PatchSource, target: PatchTarget, candidates: readonly Resource[], repoRoot: string): Promise<Finding[]> {
  const file = displayPath(patch.declaredIn.file, repoRoot);
  const patchName = patch.inline === undefined ? displayPath(patch.file, repoRoot) : "the inline patch";
  const { name: _name, ...anyName } = target;
  const sameKind = candidates.filter((resource) => targetSelects(anyName, resource));
  const known = [...new Set(sameKind.map((r) => r.name))].sort();
  const knownText = known.length === 0 ? `no ${describeKind(target)} is there at all` : `${describeKind(target)} there: ${list(known)}`;
  const nameLine = await lineOf(patch, "/target/name");
  // The most telling field of a target that selects nothing: its name, else its kind.
  const targetLine = target.name !== undefined ? nameLine : target.kind !== undefined ? await lineOf(patch, "/target/kind") : patch.declaredIn.line;
  const finding = (line: number, message: string): Finding => ({ ruleId: PATCH_TARGET_RULE, severity: "error", message, location: { file, line } });

  if (!candidates.some((resource) => targetSelects(target, resource))) {
    return [
      finding(
        targetLine,
        `the target of ${patchName} (${describeTarget(target)}) selects no object, so kustomize skips the patch without a word (${knownText}); fix the target`,
      ),
    ];
  }
  const alternatives = target.name === undefined ? undefined : literalAlternatives(target.name);
  if (alternatives === undefined || alternatives.length < 2) return [];
  return alternatives
    .filter((name) => !sameKind.some((resource) => resource.name === name))
    .map((name) =>
      finding(
        nameLine,
        `"${name}" in the target name of ${patchName} selects no object, so that part of the patch does nothing (${knownText}); fix the name`,
      ),
    );
}

async function lineOf(patch: PatchSource, suffix: string): Promise<number> {
  const text = await readFile(patch.declaredIn.file, "utf8").catch(() => undefined);
  const document = text === undefined ? undefined : parseYamlDocuments(text).documents[0];
  return document?.lineOf(`${patch.declaredIn.pointer}${suffix}`).line ?? patch.declaredIn.line;
}

function describeKind(target: PatchTarget): string {
  return target.kind ?? "object";
}

function describeTarget(target: PatchTarget): string {
  return (["kind", "name", "namespace", "group", "version", "labelSelector", "annotationSelector"] as const)
    .flatMap((field) => (target[field] === undefined ? [] : [`${field} ${target[field]}`]))
    .join(", ");
}

function list(names: readonly string[]): string {
  return names.length > 10 ? `${names.slice(0, 10).join(", ")}, …` : names.join(", ");
}
