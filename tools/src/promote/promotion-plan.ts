import type { DiffReport } from "../diff/diff-report.js";
import type { Finding } from "../model/finding.js";

/** Bumped when a field of {@link PromotionPlan} changes meaning or goes away. */
export const PROMOTION_PLAN_VERSION = 1;

export const GATE_IDS = ["checks", "ancestry", "soak", "window"] as const;
export type GateId = (typeof GATE_IDS)[number];

/** Gates `--force-gates` may override; failing checks never, a rollback only with --allow-rollback. */
export const FORCEABLE_GATES: readonly GateId[] = ["soak", "window"];

export const GATE_STATUSES = ["pass", "fail", "unknown"] as const;
export type GateStatus = (typeof GATE_STATUSES)[number];

export interface Gate {
  id: GateId;
  /** What the gate asks, for people: `checks on prod at the candidate`. */
  title: string;
  status: GateStatus;
  reason: string;
  /** Set when the gate did not pass and `--force-gates` overrode it. */
  forced?: true;
}

export interface CommitSummary {
  commit: string;
  subject: string;
}

export const PROMOTION_DIRECTIONS = ["forward", "rollback", "diverged", "unchanged"] as const;
/**
 * `forward`: the candidate descends from the pin; `rollback`: it is an ancestor of the pin;
 * `diverged`: neither; `unchanged`: it is the pin.
 */
export type PromotionDirection = (typeof PROMOTION_DIRECTIONS)[number];

/**
 * What `mesh-policy promote FROM TO` would do, computed without writing anything: the commit to
 * pin, the change to prod it brings, and the gates it passes or fails. JSON-serialisable.
 */
export interface PromotionPlan {
  version: typeof PROMOTION_PLAN_VERSION;
  from: string;
  to: string;
  /** The Application whose `targetRevision` is rewritten, and where. */
  application: { name: string; file: string; line: number; pointer: string };
  candidate: CommitSummary & {
    /** How it was chosen: `--revision X`, or the branch the `from` Application tracks. */
    selectedBy: string;
  };
  currentPin: CommitSummary;
  direction: PromotionDirection;
  /** `git log pin..candidate`: what the promotion brings, newest first. */
  commits: CommitSummary[];
  /** `git log candidate..pin`: what a rollback (or a diverged candidate) takes away, newest first. */
  rolledBack: CommitSummary[];
  /** `to` rendered at the current pin compared with `to` at the candidate; absent when either does not render. */
  diff: DiffReport | undefined;
  /** Validate + lint findings of `to` rendered at the candidate (errors and warnings). */
  findings: Finding[];
  gates: Gate[];
  /** Why applying the plan is refused; empty when it may be applied. */
  refusals: string[];
  /** ISO time the soak and window gates were evaluated at. */
  evaluatedAt: string;
}

export function isUpToDate(plan: PromotionPlan): boolean {
  return plan.direction === "unchanged";
}
