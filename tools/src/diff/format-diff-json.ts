import type { AccessDiff, CellSummary, EdgeChange } from "../access/access-diff.js";
import { isJsonObject, type JsonObject } from "../model/resource.js";
import type { Deployment, DiffReport, EnvironmentDeployment, EnvironmentDiff, FieldChange, ResourceChange, ResourceEntry, ResourceId } from "./diff-report.js";
import { compareKeys } from "./normalize.js";

/**
 * The {@link DiffReport} as stable JSON: fields in a fixed order, object keys sorted, optional
 * fields left out when absent, so equal reports are equal bytes. `summary` holds what a bot
 * gates on (`changesOnMerge`, `widensAccess`, `widensProd`, `pending`).
 */
export function formatDiffJson(report: DiffReport): string {
  const json = {
    version: report.version,
    base: { ref: report.base.ref, commit: report.base.commit, environment: report.base.environment },
    head: { ref: report.head.ref, commit: report.head.commit, environment: report.head.environment },
    summary: {
      changesOnMerge: report.summary.changesOnMerge,
      widensAccess: [...report.summary.widensAccess],
      widensProd: report.summary.widensProd,
      pending: [...report.summary.pending],
    },
    deployments: report.deployments.map(deploymentJson),
    environments: report.environments.map(environmentJson),
    unchangedEnvironments: [...report.unchangedEnvironments],
    pending: report.pending.map(environmentJson),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

function deploymentJson(deployment: EnvironmentDeployment) {
  return { name: deployment.name, before: sideJson(deployment.before), after: sideJson(deployment.after) };
}

function sideJson(deployment: Deployment | null) {
  if (deployment === null) return null;
  return {
    ...(deployment.application === undefined ? {} : { application: { name: deployment.application.name, file: deployment.application.file } }),
    path: deployment.path,
    ...(deployment.targetRevision === undefined ? {} : { targetRevision: deployment.targetRevision }),
    tracking: deployment.tracking,
    commit: deployment.commit,
  };
}

function environmentJson(environment: EnvironmentDiff) {
  return {
    name: environment.name,
    status: environment.status,
    added: environment.added.map(entryJson),
    removed: environment.removed.map(entryJson),
    changed: environment.changed.map(changeJson),
    unchanged: environment.unchanged,
    access: accessJson(environment.access),
  };
}

function accessJson(access: AccessDiff) {
  return {
    widens: access.widens,
    newlyAllowed: access.newlyAllowed,
    newlyDenied: access.newlyDenied,
    conditionsChanged: access.conditionsChanged,
    changes: access.changes.map(edgeJson),
  };
}

function edgeJson(change: EdgeChange) {
  return {
    kind: change.kind,
    direction: change.direction,
    source: change.source,
    sourceId: change.sourceId,
    target: change.target,
    targetId: change.targetId,
    before: cellJson(change.before),
    after: cellJson(change.after),
  };
}

function cellJson(cell: CellSummary | undefined) {
  return cell === undefined ? null : { status: cell.status, conditions: [...cell.conditions], except: [...cell.except], reason: cell.reason };
}

function idJson(id: ResourceId & { apiVersion: string }) {
  return {
    apiVersion: id.apiVersion,
    group: id.group,
    kind: id.kind,
    ...(id.namespace === undefined ? {} : { namespace: id.namespace }),
    name: id.name,
  };
}

function entryJson(entry: ResourceEntry) {
  return { ...idJson(entry), ...(entry.source === undefined ? {} : { source: entry.source }), object: sortKeys(entry.object) };
}

function changeJson(change: ResourceChange) {
  return {
    ...idJson(change),
    ...(change.source === undefined ? {} : { source: change.source }),
    changes: change.changes.map(fieldChangeJson),
  };
}

function fieldChangeJson(change: FieldChange) {
  return {
    path: change.path,
    pointer: change.pointer,
    op: change.op,
    ...("old" in change ? { old: sortKeys(change.old) } : {}),
    ...("new" in change ? { new: sortKeys(change.new) } : {}),
    ...(change.masked === true ? { masked: true } : {}),
    ...(change.source === undefined ? {} : { source: { file: change.source.file, line: change.source.line } }),
  };
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isJsonObject(value)) return value === undefined ? null : value;
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort(compareKeys)) out[key] = sortKeys(value[key]);
  return out;
}
