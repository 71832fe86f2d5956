import { environmentApplications, environmentOf, loadArgoCd } from "../argocd/argocd-objects.js";
import { followsTrackedBranch } from "../argocd/check-argocd.js";
import { UserError } from "../model/errors.js";
import { ENVIRONMENTS_DIR } from "../render/environments.js";
import type { Deployment } from "./diff-report.js";
import type { CheckedOutTree, Checkouts } from "./render-revision.js";

/** What an environment's Application says at one revision. */
export interface ApplicationSource {
  application: { name: string; file: string };
  /** The folder it renders, repository-relative, without `./` or a trailing `/`. */
  path: string;
  targetRevision: string | undefined;
}

/**
 * The Application source of every environment the tree's argocd/ deploys from this repository,
 * by environment. Two Applications deploying one environment is an error: which one Argo CD
 * would apply is not a question a diff can answer.
 */
export async function environmentSources(treeRoot: string): Promise<Map<string, ApplicationSource>> {
  const argocd = await loadArgoCd(treeRoot);
  const environments = new Set(argocd.applications.flatMap((a) => a.sources.map((s) => environmentOf(a, s)).filter((e) => e !== undefined)));
  const sources = new Map<string, ApplicationSource>();
  for (const environment of [...environments].sort()) {
    const found = environmentApplications(argocd, environment);
    if (found.length > 1) {
      throw new UserError(
        `${found.length} Applications under argocd/ deploy environment "${environment}" (${found.map((f) => f.application.name).join(", ")}); ` +
          "keep one, so that what changes on merge is a question with one answer",
      );
    }
    const [one] = found;
    if (one === undefined) continue;
    sources.set(environment, {
      application: { name: one.application.name, file: one.application.resource.origin.file },
      path: normalizePath(one.source.path ?? "."),
      targetRevision: one.source.targetRevision,
    });
  }
  return sources;
}

/**
 * How Argo CD deploys `environment` from `tree`: through its Application (following the branch,
 * or pinned to a revision, which is resolved here), or, without one, the folder
 * environments/<env> following the branch. Null when the environment does not exist there.
 */
export async function deploymentOf(
  checkouts: Checkouts,
  tree: CheckedOutTree,
  environment: string,
  source: ApplicationSource | undefined,
): Promise<Deployment | null> {
  if (source === undefined) {
    if (!tree.available.includes(environment)) return null;
    return { path: `${ENVIRONMENTS_DIR}/${environment}`, tracking: "branch", commit: tree.commit };
  }
  const branch = followsTrackedBranch(source.targetRevision);
  return {
    application: source.application,
    path: source.path,
    ...(source.targetRevision === undefined ? {} : { targetRevision: source.targetRevision }),
    tracking: branch ? "branch" : "pin",
    commit: branch ? tree.commit : await resolvePin(checkouts, source),
  };
}

/** A pin is a commit (prod's), or a branch or tag, which Argo CD reads from the remote. */
async function resolvePin(checkouts: Checkouts, source: ApplicationSource): Promise<string> {
  const revision = source.targetRevision ?? "";
  const candidates = /^[0-9a-f]{40}$/.test(revision) ? [revision] : [`origin/${revision.replace(/^refs\/heads\//, "")}`, revision];
  for (const candidate of candidates) {
    const commit = await checkouts.resolve(candidate).catch((error: unknown) => {
      if (error instanceof UserError) return undefined;
      throw error;
    });
    if (commit !== undefined) return commit;
  }
  throw new UserError(
    `${source.application.name} (${source.application.file}) pins ${revision}, which this repository does not have; ` +
      "fetch it (git fetch origin; in CI, check out with full history, such as fetch-depth: 0 for actions/checkout)",
  );
}

function normalizePath(folder: string): string {
  const trimmed = folder.replace(/^\.\//, "").replace(/\/+$/, "");
  return trimmed === "" ? "." : trimmed;
}
