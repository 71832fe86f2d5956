import type { LintRule } from "./rule.js";
import allowPolicyWithoutSelector from "./rules/allow-policy-without-selector/rule.js";
import retriesExceedTimeout from "./rules/retries-exceed-timeout/rule.js";
import virtualServiceCatchAll from "./rules/virtual-service-catch-all/rule.js";

/** Every lint rule, listed explicitly: a rule not named here does not run. */
export const LINT_RULES: readonly LintRule[] = [
  allowPolicyWithoutSelector,
  retriesExceedTimeout,
  virtualServiceCatchAll,
];
