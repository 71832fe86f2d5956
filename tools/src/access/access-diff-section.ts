import type { Resource } from "../model/resource.js";
import { computeAccessMatrix } from "./access-matrix.js";
import { diffAccessMatrices, formatAccessDiffMarkdown } from "./access-diff.js";

/**
 * The pull-request comment's "who can reach whom" section: for each environment whose rendered
 * objects changed, the edges newly allowed, newly denied or changed, computed from both renders.
 */
export function accessDiffSection(environments: ReadonlyArray<{ name: string; before: readonly Resource[]; after: readonly Resource[] }>): string {
  return environments
    .map(({ name, before, after }) =>
      formatAccessDiffMarkdown(
        diffAccessMatrices(computeAccessMatrix(before, { environment: name }), computeAccessMatrix(after, { environment: name }), { environment: name }),
        { environment: name },
      ),
    )
    .join("\n");
}
