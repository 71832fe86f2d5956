import { implies, type Dnf } from "./access-conditions.js";
import { UserError } from "../model/errors.js";
import type { Resource } from "../model/resource.js";
import {
  accessColumns,
  cellRequests,
  clientKey,
  sourceFingerprint,
  type AccessColumn,
  type AccessColumns,
  type AccessMatrix,
  type CellStatus,
  type MatrixCell,
} from "./access-matrix.js";
import type { SourceIdentity } from "./identity.js";
import { buildAccessModel, type AccessModel } from "./mesh-model.js";
import { compareStrings } from "../util/compare-strings.js";

/**
 * The change in effective access between two matrices (before/after a pull request, or staging vs
 * prod): edges newly allowed, newly denied, and edges whose conditions changed. Compared per workload
 * and port, then shown per group (stable + canary together) where the whole group changed alike.
 */

export type EdgeChangeKind = "newly-allowed" | "newly-denied" | "conditions-changed";
/** `wider`: more requests get through; `narrower`: fewer; `changed`: different, neither proved. */
export type ChangeDirection = "wider" | "narrower" | "changed";

export interface CellSummary {
  status: CellStatus;
  conditions: string[];
  except: string[];
  reason: string;
}

export interface EdgeChange {
  kind: EdgeChangeKind;
  direction: ChangeDirection;
  sourceId: string;
  source: string;
  /** `namespace/group:port`, or `namespace/workload:port` when only some versions changed. */
  targetId: string;
  target: string;
  /** Undefined when the source or target did not exist on that side. */
  before: CellSummary | undefined;
  after: CellSummary | undefined;
}

export interface AccessDiff {
  environment: string | undefined;
  changes: EdgeChange[];
  newlyAllowed: number;
  newlyDenied: number;
  conditionsChanged: number;
  /** Some change lets more requests through (or may: a change whose direction is not proved). */
  widens: boolean;
}

interface WorkloadCell {
  sourceId: string;
  sourceLabel: string;
  namespace: string;
  group: string;
  workload: string;
  port: number;
  cell: MatrixCell;
}

function workloadCells(matrix: AccessMatrix): Map<string, WorkloadCell> {
  const result = new Map<string, WorkloadCell>();
  matrix.sources.forEach((source, s) => {
    matrix.targets.forEach((target, t) => {
      const cell = matrix.cells[s]?.[t];
      if (cell === undefined) return;
      for (const workload of target.workloads) {
        result.set(`${source.id}\u0000${workload}:${target.port}`, {
          sourceId: source.id,
          sourceLabel: source.label,
          namespace: target.namespace,
          group: target.group,
          workload,
          port: target.port,
          cell,
        });
      }
    });
  });
  return result;
}

function groupMembers(matrix: AccessMatrix): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  for (const target of matrix.targets) {
    const key = `${target.namespace}/${target.group}:${target.port}`;
    const set = result.get(key) ?? new Set<string>();
    for (const w of target.workloads) set.add(w);
    result.set(key, set);
  }
  return result;
}

function summary(cell: MatrixCell | undefined): CellSummary | undefined {
  return cell === undefined ? undefined : { status: cell.status, conditions: cell.conditions, except: cell.except, reason: cell.reason };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function subset(a: readonly string[], b: readonly string[]): boolean {
  return a.every((x) => b.includes(x));
}

/** Classifies one edge; undefined when access did not change. */
function classify(before: MatrixCell | undefined, after: MatrixCell | undefined): { kind: EdgeChangeKind; direction: ChangeDirection } | undefined {
  const b = before?.status ?? "denied";
  const a = after?.status ?? "denied";
  if (b === "denied" && a === "denied") return undefined;
  if (b === "denied") return { kind: "newly-allowed", direction: "wider" };
  if (a === "denied") return { kind: "newly-denied", direction: "narrower" };
  if (before === undefined || after === undefined) return undefined;
  if (b === a && sameList(before.conditions, after.conditions) && sameList(before.except, after.except)) return undefined;
  if (b === "conditional" && a === "allowed") return { kind: "conditions-changed", direction: "wider" };
  if (b === "allowed" && a === "conditional") return { kind: "conditions-changed", direction: "narrower" };
  const b2 = cellRequests(before);
  const a2 = cellRequests(after);
  // Structured when both cells were computed here: A ⊇ B when B's allowed parts are each inside one
  // of A's and A's exceptions are each inside one of B's. Otherwise compare the texts.
  const within = (x: Dnf, y: Dnf) => x.every((cx) => y.some((cy) => implies(cx, cy)));
  const wider = b2 !== undefined && a2 !== undefined ? within(b2.allow, a2.allow) && within(a2.except, b2.except) : subset(before.conditions, after.conditions) && subset(after.except, before.except);
  const narrower = b2 !== undefined && a2 !== undefined ? within(a2.allow, b2.allow) && within(b2.except, a2.except) : subset(after.conditions, before.conditions) && subset(before.except, after.except);
  return { kind: "conditions-changed", direction: wider && !narrower ? "wider" : narrower && !wider ? "narrower" : "changed" };
}

export function diffAccessMatrices(before: AccessMatrix, after: AccessMatrix, options: { environment?: string } = {}): AccessDiff {
  const beforeCells = workloadCells(before);
  const afterCells = workloadCells(after);
  const members = groupMembers(after);
  for (const [key, set] of groupMembers(before)) members.set(key, new Set([...(members.get(key) ?? []), ...set]));
  const cells = function* (): Generator<CellPair> {
    for (const key of new Set([...beforeCells.keys(), ...afterCells.keys()])) yield [key, beforeCells.get(key), afterCells.get(key)];
  };
  return changesOf(cells(), members, options.environment ?? after.environment ?? before.environment, MAX_CHANGED_PAIRS);
}

/**
 * The same diff as `diffAccessMatrices(computeAccessMatrix(before), computeAccessMatrix(after))`,
 * computed only where something changed: the columns (workload ports) whose fingerprint differs or
 * that exist on one side only, against every source, and the sources that differ, against every
 * column. Every other cell reads the same inputs on both sides, so it is equal and no change. Time
 * and memory grow with the mesh (linearly: indexing both sides) plus the size of the change times
 * the other dimension, never with sources × targets.
 */
export function diffAccess(before: readonly Resource[] | AccessModel, after: readonly Resource[] | AccessModel, options: AccessDiffOptions = {}): AccessDiff {
  const b = accessColumns(Array.isArray(before) ? buildAccessModel(before) : (before as AccessModel));
  const a = accessColumns(Array.isArray(after) ? buildAccessModel(after) : (after as AccessModel));
  const bSources = new Map(b.sources.map((source, index) => [source.id, index] as const));
  const aSources = new Map(a.sources.map((source, index) => [source.id, index] as const));
  const bColumns = new Map(b.columns.map((column) => [column.key, column] as const));
  const aColumns = new Map(a.columns.map((column) => [column.key, column] as const));

  const sourceIds = [...new Set([...bSources.keys(), ...aSources.keys()])];
  const changedSources = sourceIds.filter((id) => {
    const x = bSources.get(id);
    const y = aSources.get(id);
    return x === undefined || y === undefined || sourceFingerprint(b.sources[x] as SourceIdentity) !== sourceFingerprint(a.sources[y] as SourceIdentity);
  });
  // When the DestinationRules differ, a column also changes where some kind of client sends differently.
  const labelSensitive = b.labelSensitive || a.labelSensitive;
  const clients =
    b.clientSide === a.clientSide && b.labelSensitive === a.labelSensitive
      ? []
      : [...new Map([...b.sources, ...a.sources].map((source) => [clientKey(source, labelSensitive), source] as const)).values()];
  const columnKeys = [...new Set([...bColumns.keys(), ...aColumns.keys()])];
  const changedColumns = columnKeys.filter((key) => {
    const x = bColumns.get(key);
    const y = aColumns.get(key);
    return x === undefined || y === undefined || x.fingerprint !== y.fingerprint || clients.some((client) => x.clientSends(client) !== y.clientSends(client));
  });

  const side = (plan: AccessColumns, sources: Map<string, number>, columns: Map<string, AccessColumn>, id: string, key: string): WorkloadCell | undefined => {
    const s = sources.get(id);
    const column = columns.get(key);
    if (s === undefined || column === undefined) return undefined;
    const source = plan.sources[s] as SourceIdentity;
    const { workload, port } = column;
    return { sourceId: id, sourceLabel: source.label, namespace: workload.namespace, group: workload.group, workload: workload.id, port: port.number, cell: column.cellFor(s) };
  };
  const members = new Map<string, Set<string>>();
  for (const column of [...b.columns, ...a.columns]) {
    const key = `${column.workload.namespace}/${column.workload.group}:${column.port.number}`;
    const set = members.get(key) ?? new Set<string>();
    set.add(column.workload.id);
    members.set(key, set);
  }
  // Each affected pair once: changed columns against every source, changed sources against the other columns.
  const changedColumnSet = new Set(changedColumns);
  const cells = function* (): Generator<CellPair> {
    const pair = (id: string, column: string): CellPair => [`${id}\u0000${column}`, side(b, bSources, bColumns, id, column), side(a, aSources, aColumns, id, column)];
    for (const column of changedColumns) for (const id of sourceIds) yield pair(id, column);
    for (const id of changedSources) for (const column of columnKeys) if (!changedColumnSet.has(column)) yield pair(id, column);
  };
  return changesOf(cells(), members, options.environment, options.maxChangedPairs ?? MAX_CHANGED_PAIRS);
}

export interface AccessDiffOptions {
  environment?: string;
  /** Refuse (UserError) a change of access on more pairs than this; MAX_CHANGED_PAIRS by default. */
  maxChangedPairs?: number;
}

/** `source\0workload:port`, and its cell on each side (undefined where the source or the port does not exist). */
type CellPair = [string, WorkloadCell | undefined, WorkloadCell | undefined];

/** Pairs whose access changes that one diff lists; beyond, it would exhaust memory (and no reader would review them). */
export const MAX_CHANGED_PAIRS = 200_000;

/** The changes among the given cells (`source\0workload:port`), grouped per (source, group:port) where a whole group changed alike. */
function changesOf(cells: Iterable<CellPair>, members: ReadonlyMap<string, ReadonlySet<string>>, environment: string | undefined, maxChangedPairs: number): AccessDiff {
  const changed: Array<{ key: string; b: WorkloadCell | undefined; a: WorkloadCell | undefined; kind: { kind: EdgeChangeKind; direction: ChangeDirection } }> = [];
  for (const [key, b, a] of cells) {
    const kind = classify(b?.cell, a?.cell);
    if (kind === undefined) continue;
    changed.push({ key, b, a, kind });
    if (changed.length > maxChangedPairs) {
      throw new UserError(
        `who can reach whom${environment === undefined ? "" : ` in ${environment}`} changes for more than ${maxChangedPairs} pairs of source and workload port: ` +
          "too many to list. Split the change, or compare `mesh-policy graph --env ENV --format json` at both revisions",
      );
    }
  }
  changed.sort((x, y) => compareStrings(x.key, y.key));
  // Per workload, then grouped by (source, group:port, identical change).
  const grouped = new Map<string, { change: Omit<EdgeChange, "targetId" | "target">; namespace: string; group: string; port: number; workloads: string[] }>();
  for (const { b, a, kind } of changed) {
    const any = (a ?? b) as WorkloadCell;
    const change = {
      ...kind,
      sourceId: any.sourceId,
      source: a?.sourceLabel ?? b?.sourceLabel ?? any.sourceId,
      before: summary(b?.cell),
      after: summary(a?.cell),
    };
    const groupKey = `${any.sourceId}\u0000${any.namespace}/${any.group}:${any.port}\u0000${JSON.stringify(change)}`;
    const entry = grouped.get(groupKey) ?? { change, namespace: any.namespace, group: any.group, port: any.port, workloads: [] };
    entry.workloads.push(any.workload);
    grouped.set(groupKey, entry);
  }

  const changes: EdgeChange[] = [];
  for (const entry of grouped.values()) {
    const all = members.get(`${entry.namespace}/${entry.group}:${entry.port}`) ?? new Set<string>();
    const whole = [...all].every((w) => entry.workloads.includes(w));
    if (whole) {
      changes.push({ ...entry.change, targetId: `${entry.namespace}/${entry.group}:${entry.port}`, target: `${entry.group}:${entry.port}` });
    } else {
      for (const workload of entry.workloads.sort()) {
        const name = workload.slice(workload.indexOf("/") + 1);
        changes.push({ ...entry.change, targetId: `${workload}:${entry.port}`, target: `${name}:${entry.port}` });
      }
    }
  }
  const order: Record<EdgeChangeKind, number> = { "newly-allowed": 0, "conditions-changed": 1, "newly-denied": 2 };
  changes.sort((x, y) => order[x.kind] - order[y.kind] || compareStrings(x.sourceId, y.sourceId) || compareStrings(x.targetId, y.targetId));
  return {
    environment,
    changes,
    newlyAllowed: changes.filter((c) => c.kind === "newly-allowed").length,
    newlyDenied: changes.filter((c) => c.kind === "newly-denied").length,
    conditionsChanged: changes.filter((c) => c.kind === "conditions-changed").length,
    widens: changes.some((c) => c.direction !== "narrower"),
  };
}

/** Production environments, whose widening is called out: those named prod…. */
export function isProductionEnvironment(environment: string): boolean {
  return /^prod/i.test(environment);
}

export interface AccessDiffMarkdownOptions {
  /** The environment, or several (`dev, staging`) whose change is the same. */
  environment: string;
  /** Rows shown before the table is cut (with an explicit line saying so). Default 50. */
  maxRows?: number;
  /** What a pinned environment will receive at its next promotion, not what this change applies. */
  pending?: boolean;
}

/** A markdown section for the pull-request comment. */
export function formatAccessDiffMarkdown(diff: AccessDiff, options: AccessDiffMarkdownOptions): string {
  const env = options.environment;
  const pending = options.pending === true;
  const lines = [`#### Who can reach whom: \`${env}\`${pending ? " at its next promotion (pending)" : ""}`, ""];
  if (diff.changes.length === 0) {
    lines.push(`No change in who can reach whom in \`${env}\`${pending ? " at its next promotion" : ""}.`);
    return `${lines.join("\n")}\n`;
  }
  const wider = diff.changes.filter((c) => c.direction === "wider").length;
  const unclear = diff.changes.filter((c) => c.direction === "changed").length;
  if (env.split(", ").some(isProductionEnvironment) && diff.widens) {
    lines.push(
      "> [!WARNING]",
      `> ${pending ? `Its next promotion **will widen access in ${env}**` : `This change **widens access in ${env}**`}: ${[
        wider > 0 ? `${wider} edge${wider === 1 ? "" : "s"} newly allowed or with wider conditions` : "",
        unclear > 0 ? `${unclear} edge${unclear === 1 ? "" : "s"} with changed conditions that may widen access` : "",
      ]
        .filter((x) => x !== "")
        .join(", ")}. Review each row marked ⚠️.`,
      "",
    );
  }
  lines.push(
    `${diff.newlyAllowed} newly allowed, ${diff.newlyDenied} newly denied, ${diff.conditionsChanged} with changed conditions.`,
    "",
    "| Change | From | To | Before | After |",
    "|---|---|---|---|---|",
  );
  const max = options.maxRows ?? 50;
  for (const change of diff.changes.slice(0, max)) {
    const mark = change.direction === "narrower" ? "" : "⚠️ ";
    const label =
      change.kind === "newly-allowed" ? "newly allowed" : change.kind === "newly-denied" ? "newly denied" : `conditions ${change.direction === "changed" ? "changed" : change.direction === "wider" ? "widened" : "narrowed"}`;
    lines.push(`| ${mark}${label} | \`${escapeCell(change.source)}\` | \`${escapeCell(change.target)}\` | ${describeCell(change.before)} | ${describeCell(change.after)} |`);
  }
  if (diff.changes.length > max) lines.push("", `… ${diff.changes.length - max} more change${diff.changes.length - max === 1 ? "" : "s"} not shown (truncated).`);
  return `${lines.join("\n")}\n`;
}

function describeCell(cell: CellSummary | undefined): string {
  if (cell === undefined) return "absent";
  if (cell.status !== "conditional") return cell.status;
  const conditions = cell.conditions.map((c) => `\`${escapeCell(c)}\``).join(" or ");
  const except = cell.except.length === 0 ? "" : ` except ${cell.except.map((c) => `\`${escapeCell(c)}\``).join(", ")}`;
  return `conditional: ${conditions}${except}`;
}

function escapeCell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("`", "'").replaceAll("\n", " ");
}
