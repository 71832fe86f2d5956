import type { AccessDiff } from "../access/access-diff.js";
import type { JsonObject } from "../model/resource.js";

/**
 * Bumped when a field of {@link DiffReport} changes meaning or goes away. 2: `environments` is
 * what changes on merge as Argo CD deploys it (a pinned environment changes only with its pin);
 * `deployments`, `pending`, `access` and `summary` added.
 */
export const DIFF_REPORT_VERSION = 2;

/** What names a resource in a diff: Argo CD's identity of an object, without its version. */
export interface ResourceId {
  /** The API group, `""` for the core group. */
  group: string;
  kind: string;
  /** Absent for cluster-scoped kinds and for objects that leave it to the applier. */
  namespace?: string;
  name: string;
}

/** A source file and line, repository-relative. */
export interface SourcePosition {
  file: string;
  line: number;
}

export const FIELD_CHANGE_OPS = ["added", "removed", "changed", "reordered"] as const;
export type FieldChangeOp = (typeof FIELD_CHANGE_OPS)[number];

/**
 * One difference inside an object. `path` is for people (`spec.http[0].route[1].weight`, or
 * `spec.ports[name=http].port` in a list whose items are matched by name); `pointer` is the JSON
 * pointer of the field in the object that has it (the new one, or the old one for `removed`).
 * `reordered`: the items of a list matched by name are the same but their order changed (order
 * matters for Istio routes); `old` and `new` then list the names in order.
 */
export interface FieldChange {
  path: string;
  pointer: string;
  op: FieldChangeOp;
  /** Absent for `added`. */
  old?: unknown;
  /** Absent for `removed`. */
  new?: unknown;
  /** Set when secret values in `old`/`new` were replaced by `***`. */
  masked?: true;
  /** Where the field is set: the file a person edits, and its line. */
  source?: SourcePosition;
}

/** An object only one side has: `object` is its canonical form, with secret values masked. */
export interface ResourceEntry extends ResourceId {
  apiVersion: string;
  /** The file the object comes from, repository-relative. */
  source?: string;
  object: JsonObject;
}

export interface ResourceChange extends ResourceId {
  /** The new object's apiVersion (a change of version shows as a change of `apiVersion`). */
  apiVersion: string;
  source?: string;
  changes: FieldChange[];
}

/** The difference between two sets of rendered objects; every list is sorted by kind, namespace, name, group. */
export interface ResourceDiff {
  added: ResourceEntry[];
  removed: ResourceEntry[];
  changed: ResourceChange[];
  /** How many objects are the same on both sides. */
  unchanged: number;
}

export const ENVIRONMENT_STATUSES = ["changed", "added", "removed"] as const;
/** `added`: the environment exists only on the head side (all its objects are added); `removed`: only on the base side. */
export type EnvironmentStatus = (typeof ENVIRONMENT_STATUSES)[number];

export interface EnvironmentDiff extends ResourceDiff {
  name: string;
  status: EnvironmentStatus;
  /** Who can newly reach whom, and who no longer can, computed from both renders. */
  access: AccessDiff;
}

export const TRACKING_MODES = ["branch", "pin"] as const;
/** `branch`: the Application follows the branch pull requests merge into; `pin`: a fixed revision (prod). */
export type TrackingMode = (typeof TRACKING_MODES)[number];

/** How Argo CD deploys an environment at one side of a comparison. */
export interface Deployment {
  /** The Application that deploys it (its name and file); absent when none does: it is then taken to follow the branch. */
  application?: { name: string; file: string };
  /** The folder rendered: the Application's source.path (environments/<env> without an Application). */
  path: string;
  /** The Application's targetRevision as written; absent without an Application. */
  targetRevision?: string;
  tracking: TrackingMode;
  /** The commit rendered (a pin resolved); null for the working tree. */
  commit: string | null;
}

/** An environment's deployment before and after the merge; null where it does not exist. */
export interface EnvironmentDeployment {
  name: string;
  before: Deployment | null;
  after: Deployment | null;
}

/** What a bot can gate on. */
export interface DiffSummary {
  /** Something changes in some environment on merge (`diff --exit-code` then exits 1). */
  changesOnMerge: boolean;
  /** Environments in which access widens on merge (newly allowed, or conditions wider or changed), sorted. */
  widensAccess: string[];
  /** Access widens on merge in a production environment (named prod…). */
  widensProd: boolean;
  /** Pinned environments with something pending for their next promotion, sorted. */
  pending: string[];
}

/**
 * One side of a comparison. `ref: null` is the working tree as it is on disk (`commit` is then
 * null too); `environment` is set when two environments are compared.
 */
export interface DiffSide {
  ref: string | null;
  commit: string | null;
  environment: string | null;
}

/** What `mesh-policy diff` reports; JSON-serialisable, deterministic and versioned. */
export interface DiffReport {
  version: typeof DIFF_REPORT_VERSION;
  base: DiffSide;
  head: DiffSide;
  /**
   * How Argo CD deploys each environment before and after the merge, sorted by name; empty when
   * the comparison is not one of two revisions (two environments, a promotion's pin and candidate).
   */
  deployments: EnvironmentDeployment[];
  /**
   * What changes in each environment on merge, sorted by name: an environment that follows the
   * branch changes by the head's rendering; a pinned one only when its pin (or its Application)
   * changes, by the rendering at the old pin against the new.
   */
  environments: EnvironmentDiff[];
  /** Environments that do not change on merge, sorted. */
  unchangedEnvironments: string[];
  /**
   * Pinned environments: what the head would bring at their next promotion (the head's rendering
   * against their pin), sorted by name. Nothing here is applied on merge.
   */
  pending: EnvironmentDiff[];
  summary: DiffSummary;
}

export function changeCount(diff: ResourceDiff): number {
  return diff.added.length + diff.removed.length + diff.changed.length;
}

/** `VirtualService vapora/vapora-backend`, or `Namespace vapora` for an object without a namespace. */
export function describeResource(id: ResourceId): string {
  return `${id.kind} ${id.namespace === undefined ? "" : `${id.namespace}/`}${id.name}`;
}
