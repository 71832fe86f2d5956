import type { Severity } from "../model/finding.js";
import type { Resource } from "../model/resource.js";
import type { MeshIndex } from "../mesh/mesh-index.js";

/** One thing a rule found wrong, on one resource; the runner adds location, environment and severity. */
export interface RuleReport {
  resource: Resource;
  /** JSON pointer of the field at fault ("" for the whole object). */
  pointer: string;
  message: string;
  /**
   * Other fields the finding depends on (a retry budget depends on the route's timeout): when a
   * patch sets one of them, the finding is reported at the patch.
   */
  related?: readonly string[];
  /** Only where this occurrence is more or less serious than the rule's default. */
  severity?: Severity;
}

export interface LintRule {
  /** kebab-case, stable: users suppress by it. */
  id: string;
  /** The `istioctl analyze` code, only where that analyzer runs the same check. */
  code?: string;
  severity: Severity;
  /** One line, for the rules table. */
  summary: string;
  /** The kinds the rule reports on, and the kinds it reads to decide. */
  appliesTo: readonly string[];
  reads: readonly string[];
  check(index: MeshIndex): Iterable<RuleReport>;
}
