import type { JsonObject } from "../model/resource.js";

/** Bumped when a field of {@link DiffReport} changes meaning or goes away. */
export const DIFF_REPORT_VERSION = 1;

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
  /** Environments whose rendered objects differ (or that exist on one side only), sorted by name. */
  environments: EnvironmentDiff[];
  /** Environments rendered on both sides with identical objects, sorted. */
  unchangedEnvironments: string[];
}

export function changeCount(diff: ResourceDiff): number {
  return diff.added.length + diff.removed.length + diff.changed.length;
}

/** `VirtualService vapora/vapora-backend`, or `Namespace vapora` for an object without a namespace. */
export function describeResource(id: ResourceId): string {
  return `${id.kind} ${id.namespace === undefined ? "" : `${id.namespace}/`}${id.name}`;
}
