import { loadArgoCd, environmentApplications, environmentOf, type ApplicationView, type ArgoCdObjects, type EnvironmentApplication } from "../argocd/argocd-objects.js";
import { checkProjectPermits, TRACKED_BRANCH } from "../argocd/check-argocd.js";
import { COMMIT_SHA, firstLine, runGit } from "../util/git.js";
import { evaluateSyncWindows } from "../argocd/sync-window.js";
import type { DiffReport } from "../diff/diff-report.js";
import { renderAtRevision, resolveCommit, type RenderedTree } from "../diff/render-revision.js";
import { diffTrees } from "../diff/run-diff.js";
import { maskText } from "../mask/mask-secrets.js";
import { UserError } from "../model/errors.js";
import type { Finding } from "../model/finding.js";
import type { Resource } from "../model/resource.js";
import { runChecks } from "../pipeline/run-checks.js";
import {
  FORCEABLE_GATES,
  PROMOTION_PLAN_VERSION,
  type CommitSummary,
  type Gate,
  type GateId,
  type PromotionDirection,
  type PromotionPlan,
} from "./promotion-plan.js";

export const DEFAULT_MIN_SOAK_HOURS = 24;

export interface PlanPromotionOptions {
  repoRoot: string;
  /** The environment whose revision is promoted, such as `staging`. */
  from: string;
  /** The pinned environment that receives it, such as `prod`. */
  to: string;
  /** The commit to promote; by default the one `from` runs (its Application's targetRevision, resolved). */
  revision?: string;
  /** Accept a candidate that does not descend from the current pin. */
  allowRollback: boolean;
  /** Hours the candidate must have been on main; 0 turns the soak gate off. */
  minSoakHours: number;
  /** The time the soak and sync-window gates are evaluated at. */
  now: Date;
  /** Gates whose failure (or unknown verdict) is accepted: only `soak` and `window`. */
  forceGates?: readonly GateId[];
  cacheDir?: string | false;
  toolsRoot?: string;
}

/**
 * Plans promoting what `from` runs to the pinned environment `to`. Reads the repository (argocd/
 * in the working tree, git history), renders `to` at the current pin and at the candidate and
 * runs validate + lint on the candidate's render; writes nothing (renders go to the render cache).
 *
 * Gates: `checks` (no error on `to` at the candidate), `ancestry` (the candidate descends from the
 * pin, unless `allowRollback`), `soak` (the candidate has been on main for `minSoakHours`), `window`
 * (the sync window of `to` is open at `now`). Failing `checks` or `ancestry` refuses the
 * promotion; a failing or unknown `soak` or `window` refuses it unless named in `forceGates`.
 */
export async function planPromotion(options: PlanPromotionOptions): Promise<PromotionPlan> {
  const { repoRoot, from, to } = options;
  if (from === to) throw new UserError(`cannot promote ${from} to itself; name two environments, such as: mesh-policy promote staging prod`);
  for (const gate of options.forceGates ?? []) {
    if (!FORCEABLE_GATES.includes(gate)) {
      throw new UserError(`--force-gates takes ${FORCEABLE_GATES.join(", ")}; "${gate}" cannot be forced (failing checks never, a rollback with --allow-rollback)`);
    }
  }
  if (!Number.isFinite(options.minSoakHours) || options.minSoakHours < 0) {
    throw new UserError(`--min-soak-hours must be a number of hours, 0 or more (got ${options.minSoakHours})`);
  }
  const argocd = await loadArgoCd(repoRoot);
  const target = findEnvironmentApplication(argocd, to);
  const pinned = target.source.targetRevision ?? "";
  if (!COMMIT_SHA.test(pinned)) {
    throw new UserError(
      `${target.application.name} (${target.application.resource.origin.file}) targets "${pinned || "HEAD"}", not a commit: ` +
        `promotion rewrites a pinned targetRevision; pin ${to} to a 40-character commit SHA first`,
    );
  }
  const currentPin = await resolveCommit(repoRoot, pinned);

  const selection = await selectCandidate(options, argocd);
  const candidate = selection.commit;
  await requireOnTrackedBranch(repoRoot, candidate, selection.selectedBy);
  const direction = await directionOf(repoRoot, currentPin, candidate);
  const [commits, rolledBack, candidateSubject, pinSubject] = await Promise.all([
    logRange(repoRoot, currentPin, candidate),
    logRange(repoRoot, candidate, currentPin),
    subjectOf(repoRoot, candidate),
    subjectOf(repoRoot, currentPin),
  ]);

  const shared = {
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
    ...(options.toolsRoot === undefined ? {} : { toolsRoot: options.toolsRoot }),
  };
  const project = argocd.projects.get(target.application.project);
  const permits = (resources: readonly Resource[]): Finding[] =>
    project === undefined ? [] : checkProjectPermits(target.application, target.source, project, resources);
  const checked = await checksGate(options, candidate, shared, permits);
  let diff: DiffReport | undefined;
  if (checked.candidateTree !== undefined) {
    // The candidate is already rendered for the checks: only the current pin is rendered here.
    const candidateTree = checked.candidateTree;
    const pinTree = await renderAtRevision({ repoRoot, ref: currentPin, environments: [to], ...shared }).catch((error: unknown) => {
      if (error instanceof UserError) return undefined;
      throw error;
    });
    diff = pinTree === undefined ? undefined : diffTrees(pinTree, candidateTree);
  }

  const gates: Gate[] = [
    checked.gate,
    ancestryGate(options, direction, commits.length, rolledBack.length, currentPin, candidate),
    await soakGate(options, candidate, selection.branch),
    windowGate(options, argocd, target.application),
  ];
  const forced = new Set(options.forceGates ?? []);
  for (const gate of gates) {
    if (gate.status !== "pass" && forced.has(gate.id)) gate.forced = true;
  }
  // Everything below ends up in a pull-request body: gate reasons quote finding messages and tool
  // output, subjects are whatever committers wrote.
  for (const gate of gates) gate.reason = maskText(gate.reason);
  const maskSubjects = (list: CommitSummary[]) => list.map((commit) => ({ ...commit, subject: maskText(commit.subject) }));
  const refusals = gates
    .filter((gate) => gate.status !== "pass" && gate.forced !== true)
    .map((gate) => `${gate.title}: ${gate.status}, ${gate.reason}${FORCEABLE_GATES.includes(gate.id) ? ` (override with --force-gates ${gate.id})` : ""}`);

  return {
    version: PROMOTION_PLAN_VERSION,
    from,
    to,
    application: {
      name: target.application.name,
      file: target.application.resource.origin.file,
      line: target.application.resource.origin.locate(`${target.source.pointer}/targetRevision`).line,
      pointer: `${target.source.pointer}/targetRevision`,
    },
    candidate: { commit: candidate, subject: maskText(candidateSubject), selectedBy: selection.selectedBy },
    currentPin: { commit: currentPin, subject: maskText(pinSubject) },
    direction,
    commits: maskSubjects(commits),
    rolledBack: maskSubjects(rolledBack),
    diff,
    findings: checked.findings.map((finding) => ({ ...finding, message: maskText(finding.message) })),
    gates,
    refusals,
    evaluatedAt: options.now.toISOString(),
  };
}

// ---------------------------------------------------------------------------------------------
// Applications and the candidate

/** The one Application of this repository that deploys `environment`. */
export function findEnvironmentApplication(argocd: Omit<ArgoCdObjects, "loadFindings">, environment: string): EnvironmentApplication {
  const found = environmentApplications(argocd, environment);
  if (found.length === 1) return found[0] as EnvironmentApplication;
  if (found.length === 0) {
    const known = [...new Set(argocd.applications.flatMap((a) => a.sources.map((s) => environmentOf(a, s))).filter((e) => e !== undefined))].sort();
    throw new UserError(
      `no Application under argocd/ deploys environment "${environment}" from this repository` +
        `${known.length > 0 ? `; environments with an Application: ${known.join(", ")}` : ""}`,
    );
  }
  throw new UserError(
    `${found.length} Applications deploy environment "${environment}" (${found.map((f) => f.application.name).join(", ")}); ` +
      `promotion needs exactly one`,
  );
}

interface CandidateSelection {
  commit: string;
  selectedBy: string;
  /** The branch whose history tells how long the candidate has soaked. */
  branch: string;
}

async function selectCandidate(options: PlanPromotionOptions, argocd: ArgoCdObjects): Promise<CandidateSelection> {
  const { repoRoot } = options;
  if (options.revision !== undefined) {
    const commit = await resolveCommit(repoRoot, options.revision);
    const branch = await firstExistingRef(repoRoot, [`refs/remotes/origin/${TRACKED_BRANCH}`, `refs/heads/${TRACKED_BRANCH}`]);
    return { commit, selectedBy: `--revision ${options.revision}`, branch: branch ?? TRACKED_BRANCH };
  }
  const source = findEnvironmentApplication(argocd, options.from);
  const tracked = source.source.targetRevision ?? "";
  const what = `targetRevision of ${source.application.name}`;
  if (COMMIT_SHA.test(tracked)) {
    const branch = await firstExistingRef(repoRoot, [`refs/remotes/origin/${TRACKED_BRANCH}`, `refs/heads/${TRACKED_BRANCH}`]);
    return { commit: await resolveCommit(repoRoot, tracked), selectedBy: `${tracked.slice(0, 12)}, the ${what}`, branch: branch ?? TRACKED_BRANCH };
  }
  const name = tracked === "" || tracked === "HEAD" ? TRACKED_BRANCH : tracked.replace(/^refs\/heads\//, "");
  // What Argo CD follows is the remote branch; a local branch stands in when there is no remote.
  const ref = await firstExistingRef(repoRoot, [`refs/remotes/origin/${name}`, `refs/heads/${name}`, `refs/tags/${name}`]);
  if (ref === undefined) {
    throw new UserError(
      `${options.from} tracks "${tracked || "HEAD"}" (${what}), but this repository has no branch or tag ${name} ` +
        `(looked for origin/${name} and ${name}); fetch it (in CI: actions/checkout with fetch-depth: 0), or pass --revision`,
    );
  }
  const commit = await resolveCommit(repoRoot, ref);
  return { commit, selectedBy: `${shortRef(ref)} at ${commit.slice(0, 12)}, the ${what}`, branch: ref };
}

/**
 * Only what was merged to main may be promoted: a commit of a pull request that was never merged
 * (or of any other branch) is refused, whatever gates are forced or rollbacks allowed.
 */
async function requireOnTrackedBranch(repoRoot: string, candidate: string, selectedBy: string): Promise<void> {
  const branch = await firstExistingRef(repoRoot, [`refs/remotes/origin/${TRACKED_BRANCH}`, `refs/heads/${TRACKED_BRANCH}`]);
  const short = candidate.slice(0, 12);
  if (branch === undefined) {
    throw new UserError(
      `cannot tell whether ${short} (${selectedBy}) is on ${TRACKED_BRANCH}: this repository has neither origin/${TRACKED_BRANCH} nor ${TRACKED_BRANCH}; ` +
        "fetch it (in CI: actions/checkout with fetch-depth: 0) and run again",
    );
  }
  if (!(await isAncestor(repoRoot, candidate, branch))) {
    throw new UserError(
      `${short} (${selectedBy}) is not on ${shortRef(branch)}: only commits merged to ${TRACKED_BRANCH} can be promoted, whatever gates are forced; ` +
        `merge it to ${TRACKED_BRANCH} first, or promote a commit of ${TRACKED_BRANCH}`,
    );
  }
}

async function firstExistingRef(repoRoot: string, refs: readonly string[]): Promise<string | undefined> {
  for (const ref of refs) {
    const result = await runGit(repoRoot, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    if (result.exitCode === 0) return ref;
  }
  return undefined;
}

function shortRef(ref: string): string {
  return ref.replace(/^refs\/(?:heads|tags)\//, "").replace(/^refs\/remotes\//, "");
}

async function directionOf(repoRoot: string, pin: string, candidate: string): Promise<PromotionDirection> {
  if (pin === candidate) return "unchanged";
  if (await isAncestor(repoRoot, pin, candidate)) return "forward";
  if (await isAncestor(repoRoot, candidate, pin)) return "rollback";
  return "diverged";
}

async function isAncestor(repoRoot: string, ancestor: string, descendant: string): Promise<boolean> {
  const result = await runGit(repoRoot, ["merge-base", "--is-ancestor", ancestor, descendant]);
  if (result.exitCode === 0) return true;
  if (result.exitCode === 1) return false;
  throw new UserError(`git merge-base --is-ancestor ${ancestor.slice(0, 12)} ${descendant.slice(0, 12)} failed: ${firstLine(result.stderr)}`);
}

async function logRange(repoRoot: string, from: string, to: string): Promise<CommitSummary[]> {
  if (from === to) return [];
  const result = await runGit(repoRoot, ["log", "--format=%H%x09%s", `${from}..${to}`]);
  if (result.exitCode !== 0) throw new UserError(`git log ${from.slice(0, 12)}..${to.slice(0, 12)} failed: ${firstLine(result.stderr)}`);
  return result.stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const tab = line.indexOf("\t");
      return { commit: line.slice(0, tab), subject: line.slice(tab + 1) };
    });
}

async function subjectOf(repoRoot: string, commit: string): Promise<string> {
  const result = await runGit(repoRoot, ["show", "-s", "--format=%s", commit]);
  return result.exitCode === 0 ? result.stdout.trim() : "";
}

// ---------------------------------------------------------------------------------------------
// Gates

const MAX_LISTED_FINDINGS = 3;

async function checksGate(
  options: PlanPromotionOptions,
  candidate: string,
  shared: { cacheDir?: string | false; toolsRoot?: string },
  permits: (resources: readonly Resource[]) => Finding[],
): Promise<{ gate: Gate; findings: Finding[]; candidateTree?: RenderedTree }> {
  const { repoRoot, to } = options;
  const title = `checks on ${to} at the candidate`;
  let tree: RenderedTree;
  try {
    tree = await renderAtRevision({ repoRoot, ref: candidate, environments: [to], ...shared });
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return { gate: { id: "checks", title, status: "fail", reason: `${to} does not render at ${candidate.slice(0, 12)}: ${error.message}` }, findings: [] };
  }
  const resources = tree.environments.get(to);
  if (resources === undefined) {
    return {
      gate: { id: "checks", title, status: "fail", reason: `environments/${to} has no kustomization at ${candidate.slice(0, 12)}` },
      findings: [],
    };
  }
  // Validate + lint, and what Argo CD itself would refuse: objects the AppProject (as main has it) does not permit.
  const result = await runChecks([{ environment: to, resources, loadFindings: permits(resources) }], { validate: true, lint: true });
  const findings = result.findings.filter((f) => f.severity !== "info");
  const errors = findings.filter((f) => f.severity === "error");
  const warnings = findings.length - errors.length;
  const counts = `${plural(errors.length, "error")}, ${plural(warnings, "warning")} in ${plural(resources.length, "object")}`;
  if (errors.length === 0) {
    return { gate: { id: "checks", title, status: "pass", reason: `validate + lint + AppProject: ${counts}` }, findings, candidateTree: tree };
  }
  const listed = errors.slice(0, MAX_LISTED_FINDINGS).map((f) => `[${f.ruleId}] ${f.location === undefined ? "" : `${f.location.file}:${f.location.line}: `}${f.message}`);
  const more = errors.length - listed.length;
  return {
    gate: {
      id: "checks",
      title,
      status: "fail",
      reason: `validate + lint + AppProject: ${counts}: ${listed.join("; ")}${more > 0 ? `; and ${more} more` : ""}`,
    },
    findings,
    candidateTree: tree,
  };
}

function ancestryGate(
  options: PlanPromotionOptions,
  direction: PromotionDirection,
  added: number,
  removed: number,
  pin: string,
  candidate: string,
): Gate {
  const title = "the candidate descends from the current pin";
  const c = candidate.slice(0, 12);
  const p = pin.slice(0, 12);
  switch (direction) {
    case "unchanged":
      return { id: "ancestry", title, status: "pass", reason: `${options.to} already runs ${c}: nothing to promote` };
    case "forward":
      return { id: "ancestry", title, status: "pass", reason: `${c} descends from ${p} (${plural(added, "new commit")})` };
    case "rollback":
    case "diverged": {
      const what =
        direction === "rollback"
          ? `${c} is an ancestor of the pin ${p}: ${options.to} would go back ${plural(removed, "commit")}`
          : `${c} and the pin ${p} have diverged: ${options.to} would lose ${plural(removed, "commit")} and gain ${plural(added, "commit")}`;
      return options.allowRollback
        ? { id: "ancestry", title, status: "pass", reason: `${what}; allowed by --allow-rollback` }
        : { id: "ancestry", title, status: "fail", reason: `${what}; pass --allow-rollback if that is intended (or revert the promotion pull request)` };
    }
  }
}

async function soakGate(options: PlanPromotionOptions, candidate: string, branch: string): Promise<Gate> {
  const { repoRoot, minSoakHours, now } = options;
  const title = `soak on ${shortRef(branch)} (at least ${minSoakHours} h)`;
  const unknown = (reason: string): Gate => ({ id: "soak", title, status: "unknown", reason });
  const branchCommit = await runGit(repoRoot, ["rev-parse", "--verify", "--quiet", `${branch}^{commit}`]);
  if (branchCommit.exitCode !== 0) return unknown(`there is no ${branch} here to tell when the candidate reached it`);
  if (!(await isAncestor(repoRoot, candidate, branch))) {
    return unknown(`${candidate.slice(0, 12)} is not on ${shortRef(branch)}, so it cannot have soaked in ${options.from}`);
  }
  const reached = await reachedBranchAt(repoRoot, candidate, branch);
  if (reached === undefined) return unknown(`cannot read the commit dates of ${shortRef(branch)}`);
  const hours = (now.getTime() - reached.getTime()) / 3_600_000;
  const since = `reached ${shortRef(branch)} ${formatHours(hours)} ago (${formatTime(reached)})`;
  if (minSoakHours === 0) return { id: "soak", title, status: "pass", reason: `${since}; no minimum (--min-soak-hours 0)` };
  if (hours >= minSoakHours) return { id: "soak", title, status: "pass", reason: since };
  const ready = new Date(reached.getTime() + minSoakHours * 3_600_000);
  return { id: "soak", title, status: "fail", reason: `${since}, less than ${minSoakHours} h: promote after ${formatTime(ready)}` };
}

/**
 * When the candidate reached the branch: the committer date of the oldest commit on the branch's
 * first-parent line that contains it (the merge that brought it in, or the candidate itself when
 * it was committed or rebased onto the branch). Binary search over the first-parent line.
 */
async function reachedBranchAt(repoRoot: string, candidate: string, branch: string): Promise<Date | undefined> {
  const chain = await runGit(repoRoot, ["rev-list", "--first-parent", branch]);
  if (chain.exitCode !== 0) return undefined;
  const line = chain.stdout.split("\n").filter((sha) => sha !== "");
  // line[0] (the tip) contains the candidate; find the last index that still does.
  let low = 0;
  let high = line.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (await isAncestor(repoRoot, candidate, line[middle] as string)) low = middle;
    else high = middle - 1;
  }
  const commit = line[low];
  if (commit === undefined) return undefined;
  const date = await runGit(repoRoot, ["show", "-s", "--format=%cI", commit]);
  const parsed = new Date(date.stdout.trim());
  return date.exitCode === 0 && !Number.isNaN(parsed.getTime()) ? parsed : undefined;
}

function windowGate(options: PlanPromotionOptions, argocd: ArgoCdObjects, application: ApplicationView): Gate {
  const title = `${options.to} sync window open now`;
  const project = argocd.projects.get(application.project);
  if (project === undefined) {
    return { id: "window", title, status: "unknown", reason: `AppProject ${application.project} of ${application.name} is not under argocd/` };
  }
  const verdict = evaluateSyncWindows(project, application, options.now);
  const status = verdict.state === "open" ? "pass" : verdict.state === "closed" ? "fail" : "unknown";
  return { id: "window", title, status, reason: verdict.reason };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function formatHours(hours: number): string {
  return hours >= 72 ? `${(hours / 24).toFixed(1)} days` : `${hours.toFixed(1)} h`;
}

function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
