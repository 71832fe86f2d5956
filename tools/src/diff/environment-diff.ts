import { diffAccess, isProductionEnvironment, type AccessDiff } from "../access/access-diff.js";
import type { Resource } from "../model/resource.js";
import { diffResources } from "./diff-resources.js";
import { changeCount, type DiffSummary, type EnvironmentDiff } from "./diff-report.js";
import { compareKeys } from "./normalize.js";

/**
 * One environment rendered twice, compared: object by object, and in who can reach whom. Absent
 * objects (undefined) mean the environment does not exist on that side. Undefined when it exists
 * on both sides and nothing differs.
 */
export function compareEnvironment(
  name: string,
  before: readonly Resource[] | undefined,
  after: readonly Resource[] | undefined,
): EnvironmentDiff | undefined {
  const status = before === undefined ? "added" : after === undefined ? "removed" : "changed";
  const diff = diffResources(before ?? [], after ?? []);
  if (status === "changed" && changeCount(diff) === 0) return undefined;
  return { name, status, ...diff, access: accessChange(name, before ?? [], after ?? []) };
}

function accessChange(environment: string, before: readonly Resource[], after: readonly Resource[]): AccessDiff {
  return diffAccess(before, after, { environment });
}

/** The fields a bot gates on, from what changes on merge and what is pending. */
export function summarize(environments: readonly EnvironmentDiff[], pending: readonly EnvironmentDiff[]): DiffSummary {
  const widensAccess = environments.filter((e) => e.access.widens).map((e) => e.name).sort(compareKeys);
  return {
    changesOnMerge: environments.length > 0,
    widensAccess,
    widensProd: widensAccess.some(isProductionEnvironment),
    pending: pending.map((e) => e.name).sort(compareKeys),
  };
}
