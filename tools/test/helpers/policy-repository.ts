import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { GitRepository } from "./git-repository.js";
import { REPO_ROOT } from "./run-cli.js";

/** prod's Application, the one file whose pin a throw-away copy rewrites. */
export const PROD_APPLICATION = "argocd/applications/mesh-policy-prod.yaml";
const PIN = /targetRevision: [0-9a-f]{40}/;

/** This repository's policy as files: base/ (the catalog included), overlays/, environments/, argocd/. */
export async function policyFiles(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const add = async (relative: string): Promise<void> => {
    for (const entry of await readdir(path.join(REPO_ROOT, relative), { withFileTypes: true })) {
      const child = `${relative}/${entry.name}`;
      if (entry.isDirectory()) await add(child);
      else files[child] = await readFile(path.join(REPO_ROOT, child), "utf8");
    }
  };
  for (const dir of ["base", "overlays", "environments", "argocd"]) await add(dir);
  files[".gitignore"] = await readFile(path.join(REPO_ROOT, ".gitignore"), "utf8");
  return files;
}

/** prod's Application pinned to `commit`. */
export function pinProd(files: Record<string, string>, commit: string): Record<string, string> {
  return { [PROD_APPLICATION]: (files[PROD_APPLICATION] as string).replace(PIN, `targetRevision: ${commit}`) };
}

/**
 * A throw-away git repository holding this repository's policy, as its history would have it:
 * the policy committed, then prod's Application pinned to that commit (on main).
 */
export async function createPolicyRepository(): Promise<{ repo: GitRepository; files: Record<string, string>; pin: string }> {
  const files = await policyFiles();
  const repo = await GitRepository.create("mesh-policy-policy-");
  await repo.write(files);
  const pin = await repo.commit("the policy");
  await repo.write(pinProd(files, pin));
  await repo.commit("pin prod to the policy commit");
  return { repo, files, pin };
}
