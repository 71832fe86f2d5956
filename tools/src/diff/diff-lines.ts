import { stringify } from "yaml";
import { isJsonObject } from "../model/resource.js";
import { compareResourceIds } from "./diff-resources.js";
import {
  describeResource,
  type Deployment,
  type DiffReport,
  type DiffSide,
  type EnvironmentDeployment,
  type EnvironmentDiff,
  type FieldChange,
  type ResourceChange,
  type ResourceEntry,
  type ResourceId,
} from "./diff-report.js";
import { canonicalJson } from "./normalize.js";

/** Shared by the text and Markdown formatters: how a diff reads, line by line. */

export const RESOURCE_STATUSES = ["added", "changed", "removed"] as const;
export type ResourceStatus = (typeof RESOURCE_STATUSES)[number];

/** `+` new, `-` old, `@` a hunk header naming the field, ` ` context. */
export interface DiffLine {
  sign: "+" | "-" | "@" | " ";
  text: string;
}

/** One object's part of an environment's diff. */
export interface ResourceBlock {
  status: ResourceStatus;
  id: ResourceId;
  /** `VirtualService vapora/vapora-backend`. */
  title: string;
  source: string | undefined;
  /** Rendered on demand: formatters that cut output short never render what they cut. */
  lines(): DiffLine[];
}

/** The objects of an environment's diff in one sorted list (kind, namespace, name), whatever happened to them. */
export function resourceBlocks(environment: EnvironmentDiff): ResourceBlock[] {
  const blocks: ResourceBlock[] = [
    ...environment.added.map((entry) => entryBlock("added", entry)),
    ...environment.changed.map(changeBlock),
    ...environment.removed.map((entry) => entryBlock("removed", entry)),
  ];
  return blocks.sort(
    (a, b) => compareResourceIds(a.id, b.id) || RESOURCE_STATUSES.indexOf(a.status) - RESOURCE_STATUSES.indexOf(b.status),
  );
}

function entryBlock(status: "added" | "removed", entry: ResourceEntry): ResourceBlock {
  const sign = status === "added" ? "+" : "-";
  return {
    status,
    id: entry,
    title: describeResource(entry),
    source: entry.source,
    lines: () => yamlLines(entry.object).map((text) => ({ sign, text })),
  };
}

function changeBlock(change: ResourceChange): ResourceBlock {
  return {
    status: "changed",
    id: change,
    title: describeResource(change),
    source: change.source,
    lines: () => change.changes.flatMap(fieldChangeLines),
  };
}

export function fieldChangeLines(change: FieldChange): DiffLine[] {
  const notes = [
    change.op === "added" ? "added" : change.op === "removed" ? "removed" : change.op === "reordered" ? "order of items by name" : undefined,
    change.masked === true ? "secret values not shown" : undefined,
  ].filter((note) => note !== undefined);
  const where = change.source === undefined ? "" : ` ${change.source.file}:${change.source.line}`;
  const lines: DiffLine[] = [{ sign: "@", text: `@@ ${change.path}${notes.length > 0 ? ` (${notes.join("; ")})` : ""} @@${where}` }];
  const items = change.op === "changed" && change.masked !== true ? scalarListLines(change.old, change.new) : undefined;
  if (items !== undefined) return [...lines, ...items];
  if (change.op !== "added") lines.push(...valueLines(change.old).map((text) => ({ sign: "-" as const, text })));
  if (change.op !== "removed") lines.push(...valueLines(change.new).map((text) => ({ sign: "+" as const, text })));
  return lines;
}

/** Lists of plain values longer than this are shown whole rather than item by item. */
const MAX_ITEM_DIFF = 200;

/**
 * Two lists of plain values (hosts, principals, methods) item by item, one per line, so the one
 * principal added to a rule stands out: a longest-common-subsequence alignment, items both lists
 * keep as context. Undefined when the values are not two such lists.
 */
function scalarListLines(oldValue: unknown, newValue: unknown): DiffLine[] | undefined {
  if (!isScalarList(oldValue) || !isScalarList(newValue)) return undefined;
  if (oldValue.length + newValue.length <= 2 || oldValue.length > MAX_ITEM_DIFF || newValue.length > MAX_ITEM_DIFF) return undefined;
  const oldItems = oldValue.map(itemText);
  const newItems = newValue.map(itemText);
  const n = oldItems.length;
  const m = newItems.length;
  // common[i][j]: length of the longest common subsequence of oldItems[i..] and newItems[j..].
  const common: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    const row = common[i] as number[];
    const below = common[i + 1] as number[];
    for (let j = m - 1; j >= 0; j--) {
      row[j] = oldItems[i] === newItems[j] ? (below[j + 1] as number) + 1 : Math.max(below[j] as number, row[j + 1] as number);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && oldItems[i] === newItems[j]) {
      lines.push({ sign: " ", text: `- ${oldItems[i++] as string}` });
      j++;
    } else if (i < n && (j === m || (common[i + 1]?.[j] ?? 0) >= (common[i]?.[j + 1] ?? 0))) {
      lines.push({ sign: "-", text: `- ${oldItems[i++] as string}` });
    } else {
      lines.push({ sign: "+", text: `- ${newItems[j++] as string}` });
    }
  }
  return lines;
}

function isScalarList(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.every((item) => item === null || typeof item !== "object");
}

function itemText(item: unknown): string {
  return typeof item === "string" && item.includes("\n") ? JSON.stringify(item) : stringify(item, { lineWidth: 0 }).trimEnd();
}

/** A value as YAML: one line for a plain value or a list of plain values, a block for the rest. */
export function valueLines(value: unknown): string[] {
  if (Array.isArray(value) && value.every((item) => item === null || typeof item !== "object")) {
    return [stringify(value, { collectionStyle: "flow", flowCollectionPadding: false, lineWidth: 0 }).trimEnd()];
  }
  if (Array.isArray(value) || isJsonObject(value)) return yamlLines(value);
  return stringify(value, { lineWidth: 0 }).trimEnd().split("\n");
}

function yamlLines(value: unknown): string[] {
  return stringify(value, { lineWidth: 0 }).trimEnd().split("\n");
}

/** `main (0123abc)`, `the working tree`, `prod at main (0123abc)`. */
export function describeSide(side: DiffSide): string {
  const revision = side.ref === null ? "the working tree" : `${side.ref}${side.commit === null ? "" : ` (${side.commit.slice(0, 7)})`}`;
  return side.environment === null ? revision : `${side.environment} at ${revision}`;
}

/** The one line that says what was compared with what. */
export function diffTitle(report: DiffReport): string {
  const { base, head } = report;
  if (base.environment !== null && head.environment !== null) {
    const revision = describeSide({ ...head, environment: null });
    return `promoting ${head.environment} to ${base.environment}, at ${revision}`;
  }
  return `${describeSide(base)} → ${describeSide(head)}`;
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** `1 added, 2 changed, 0 removed`. */
export function countsOf(environment: EnvironmentDiff): string {
  return `${environment.added.length} added, ${environment.changed.length} changed, ${environment.removed.length} removed`;
}

export function statusNote(environment: EnvironmentDiff): string {
  return environment.status === "added" ? " (new environment)" : environment.status === "removed" ? " (environment removed)" : "";
}

/** Environments whose change is the same (objects, fields, sources and access), shown once. */
export interface EnvironmentGroup {
  names: string[];
  /** The change of the first of them. */
  diff: EnvironmentDiff;
}

/** Groups the environments whose change is identical, in the order of their first member. */
export function groupEnvironments(environments: readonly EnvironmentDiff[]): EnvironmentGroup[] {
  const groups = new Map<string, EnvironmentGroup>();
  for (const environment of environments) {
    const { status, added, removed, changed, access } = environment;
    const key = canonicalJson({ status, added, removed, changed, access: access.changes });
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { names: [environment.name], diff: environment });
    else group.names.push(environment.name);
  }
  return [...groups.values()];
}

/**
 * `prod: 7 changes`, or `dev, staging: same change — 7 changes`; `note` adds to a name (`prod
 * (pin a → b)`).
 */
export function groupHeading(group: EnvironmentGroup, counts: string, note: (name: string) => string = () => ""): string {
  const names = group.names.map((name) => `${name}${note(name)}`).join(", ");
  return group.names.length === 1 ? `${names}${statusNote(group.diff)}: ${counts}` : `${names}: same change${statusNote(group.diff)} — ${counts}`;
}

/** `follows main`, `pinned to 28586ee97037`, `no Application`. */
export function describeDeployment(deployment: Deployment | null): string {
  if (deployment === null) return "absent";
  if (deployment.tracking === "pin") return `pinned to ${(deployment.commit ?? deployment.targetRevision ?? "").slice(0, 12)}`;
  if (deployment.application === undefined) return "no Application (follows the branch)";
  return `follows ${deployment.targetRevision === undefined || deployment.targetRevision === "" ? "HEAD" : deployment.targetRevision}`;
}

/** How an environment changes hands on merge: `pinned to a → b`, or one deployment when it stays. */
export function describeTransition(deployment: EnvironmentDeployment | undefined): string | undefined {
  if (deployment === undefined) return undefined;
  const { before, after } = deployment;
  const pathNote = before !== null && after !== null && before.path !== after.path ? `, path ${before.path} → ${after.path}` : "";
  if (before?.tracking === "pin" && after?.tracking === "pin" && before.commit !== after.commit) {
    return `pin ${(before.commit ?? "").slice(0, 12)} → ${(after.commit ?? "").slice(0, 12)}${pathNote}`;
  }
  if (before !== null && after !== null && describeDeployment(before) !== describeDeployment(after)) {
    return `${describeDeployment(before)} → ${describeDeployment(after)}${pathNote}`;
  }
  return `${describeDeployment(after ?? before)}${pathNote}`;
}

/** ` (pin a → b)` after the name of a pinned environment; nothing for one that follows the branch. */
export function pinnedNote(deployment: EnvironmentDeployment | undefined): string {
  if (deployment?.before?.tracking !== "pin" && deployment?.after?.tracking !== "pin") return "";
  return ` (${describeTransition(deployment) ?? ""})`;
}

/** `prod` pinned by an Application: why it does not change on merge. */
export function pinNote(deployment: EnvironmentDeployment | undefined): string | undefined {
  const after = deployment?.after;
  if (after === null || after === undefined || after.tracking !== "pin") return undefined;
  const where = after.application === undefined ? "" : ` by ${after.application.file}`;
  return `pinned to ${(after.commit ?? "").slice(0, 12)}${where}`;
}
