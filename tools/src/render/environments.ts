import { readdir } from "node:fs/promises";
import path from "node:path";
import { likelyMeant } from "../util/did-you-mean.js";
import { UserError } from "../model/errors.js";
import { collectKustomizeInputs, findKustomizationFile } from "./kustomize-inputs.js";

export const ENVIRONMENTS_DIR = "environments";

/** Environment names: the folders of environments/ that hold a kustomization, sorted. */
export async function listEnvironments(repoRoot: string): Promise<string[]> {
  const dir = path.join(repoRoot, ENVIRONMENTS_DIR);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => {
    throw new UserError(`${ENVIRONMENTS_DIR}/ not found in ${repoRoot}; run mesh-policy from the policy repository's root`);
  });
  const names: string[] = [];
  for (const entry of entries) {
    if (entry.isDirectory() && (await findKustomizationFile(path.join(dir, entry.name))) !== undefined) {
      names.push(entry.name);
    }
  }
  return names.sort();
}

/** The named environments, checked to exist; all of them when none is named. */
export async function resolveEnvironments(repoRoot: string, requested: readonly string[]): Promise<string[]> {
  const known = await listEnvironments(repoRoot);
  if (requested.length === 0) return known;
  for (const name of requested) {
    if (!known.includes(name)) {
      const hint = known.length > 0 ? `known environments: ${known.join(", ")}` : `no folder of ${ENVIRONMENTS_DIR}/ has a kustomization.yaml`;
      const guess = likelyMeant(name, known);
      throw new UserError(`unknown environment "${name}"; ${guess === undefined ? "" : `did you mean "${guess}"? `}${hint}`);
    }
  }
  return [...new Set(requested)];
}

export interface EnvironmentInputs {
  files: Set<string>;
  complete: boolean;
}

/**
 * Every file the environments' builds read (kustomizations included), absolute; `complete` is false
 * when some environment's kustomization does not load (that is reported when it is rendered).
 */
export async function environmentInputs(repoRoot: string): Promise<EnvironmentInputs> {
  const files = new Set<string>();
  let complete = true;
  for (const environment of await listEnvironments(repoRoot)) {
    const inputs = await collectKustomizeInputs(path.join(repoRoot, ENVIRONMENTS_DIR, environment), repoRoot).catch((error: unknown) => {
      if (error instanceof UserError) return undefined;
      throw error;
    });
    if (inputs === undefined) complete = false;
    for (const file of inputs?.files ?? []) files.add(file);
  }
  return { files, complete };
}
