import {
  HTTP_OPERATION_FIELDS,
  HTTP_SOURCE_FIELDS,
  OPERATION_FIELDS,
  SOURCE_FIELDS,
  type AuthorizationAction,
  type AuthorizationRule,
  type ParsedAuthorizationPolicy,
} from "../mesh/authorization-policy.js";
import type { SourceLocation } from "../model/finding.js";
import { compareStrings } from "../util/compare-strings.js";
import type { AccessModel, AccessWorkload, PortProtocol } from "./mesh-model.js";
import {
  anyTri,
  conditionFields,
  describeActual,
  matchField,
  operationFieldInfo,
  sourceFieldInfo,
  type FieldInfo,
  type RequestFacts,
  type Tri,
} from "./rule-fields.js";

/**
 * Concrete evaluation of one request against the AuthorizationPolicies of one workload
 * (istio-semantics.md §2.1–§2.11): CUSTOM → DENY → ALLOW; no ALLOW policy = allow; otherwise allow
 * only if some ALLOW rule matches. Rule = from AND to AND when; `from[]`/`to[]` entries OR; fields
 * in an entry AND; values OR; `notValues` none. On a TCP port an ALLOW rule with an HTTP-only field
 * is dropped whole, while DENY/AUDIT/CUSTOM rules only lose that field.
 */

export interface PolicySelection {
  /** Enforced policies that apply to the workload, in Istio's order. */
  applied: ParsedAuthorizationPolicy[];
  /** Policies that select the workload but are not enforced on its sidecar, with the reason. */
  ignored: Array<{ policy: string; reason: string }>;
}

/**
 * §2.1 + §2.10: root and workload namespace, selector ⊆ labels, targetRef(s) ignored for sidecars,
 * dry-run excluded. A policy with an invalid selector applies to nothing; it is listed as ignored for
 * the workloads of its namespace (so that the reader learns why it does not count). Entries of
 * `rules` that are not rules (null) are skipped by Istio: listed as ignored too, the policy applies.
 */
export function policiesForWorkload(model: AccessModel, workload: Pick<AccessWorkload, "namespace" | "labels">): PolicySelection {
  const applied: ParsedAuthorizationPolicy[] = [];
  const ignored: PolicySelection["ignored"] = [];
  for (const policy of model.policyModel.authorizationPoliciesSelecting(workload.namespace, workload.labels)) {
    if (policy.invalidSelector !== undefined) ignored.push({ policy: policy.id, reason: `is invalid: ${policy.invalidSelector}; it applies to no workload` });
    else if (policy.hasTargetRefs) ignored.push({ policy: policy.id, reason: "has targetRef(s): sidecars ignore it" });
    else if (policy.dryRun) ignored.push({ policy: policy.id, reason: "istio.io/dry-run: not enforced" });
    else {
      applied.push(policy);
      for (const rule of policy.rules) if (rule.invalid !== undefined) ignored.push({ policy: policy.id, reason: rule.invalid });
    }
  }
  return { applied, ignored };
}

export interface RuleOutcome {
  policy: string;
  action: AuthorizationAction;
  rule: number;
  result: Tri;
  /** Why it did not match (or what is unknown): one line per failed field. */
  failures: string[];
  /** How far from matching: identity misses weigh most, then ports, then request details. */
  score: number;
  /** Set when the rule cannot take part at all (invalid key, HTTP-only field on a TCP ALLOW rule). */
  skipped?: string;
}

export type Decision = "allowed" | "denied" | "depends";

interface FieldsResult {
  result: Tri;
  failures: string[];
  score: number;
}

export interface AuthzDecision {
  decision: Decision;
  reason: string;
  /** The policy rule that decided (a DENY that matched, or the ALLOW that matched), and where that rule is written. */
  decidedBy: { policy: string; action: AuthorizationAction; rule: number; location: SourceLocation } | undefined;
  /** CUSTOM rules that match: an external authorizer decides (§2.11). */
  external: Array<{ policy: string; provider: string; rule: number }>;
  /** AUDIT rules that match (they never decide). */
  audited: string[];
  /**
   * When no ALLOW rule matched: the nearest miss of each ALLOW policy that has rules, nearest
   * first (a policy without rules, such as deny-all, allows nothing and is no miss).
   */
  nearestMisses: Array<{ policy: string; rule: number; failures: string[]; location: SourceLocation }>;
  applied: string[];
  ignored: PolicySelection["ignored"];
}

/** HTTP-only fields and keys (§2.9). */
export function isHttpOnly(info: FieldInfo): boolean {
  return info.kind === "request";
}

export function ruleHasHttpOnlyField(rule: AuthorizationRule): boolean {
  if (rule.from?.some((source) => HTTP_SOURCE_FIELDS.some((f) => source[f] !== undefined))) return true;
  if (rule.to?.some((operation) => HTTP_OPERATION_FIELDS.some((f) => operation[f] !== undefined))) return true;
  return rule.conditions.some((condition) => (conditionFields(condition) ?? []).some((field) => isHttpOnly(field.info)));
}

/** Rules whose `when` key Istio does not know are skipped for every action (§2.5). */
export function invalidWhenKey(rule: AuthorizationRule): string | undefined {
  return rule.conditions.find((condition) => conditionFields(condition) === undefined || (condition.values.length === 0 && condition.notValues.length === 0))?.key;
}

export function evaluateRule(policy: ParsedAuthorizationPolicy, rule: AuthorizationRule, facts: RequestFacts, protocol: PortProtocol): RuleOutcome {
  const base = { policy: policy.id, action: policy.action, rule: rule.index };
  if (rule.invalid !== undefined) return { ...base, result: false, failures: [rule.invalid], score: 1000, skipped: "not a rule" };
  const invalid = invalidWhenKey(rule);
  if (invalid !== undefined) return { ...base, result: false, failures: [`when key "${invalid}" is not valid: Istio skips this rule`], score: 1000, skipped: "invalid when key" };
  const tcp = protocol === "TCP";
  if (tcp && policy.action === "ALLOW" && ruleHasHttpOnlyField(rule)) {
    return { ...base, result: false, failures: ["HTTP-only field on a TCP port: Istio drops this ALLOW rule whole"], score: 1000, skipped: "HTTP-only field on TCP" };
  }
  // On TCP, DENY/AUDIT/CUSTOM lose their HTTP-only fields (treated as matching).
  const keep = (info: FieldInfo) => !(tcp && isHttpOnly(info));
  const failures: string[] = [];

  // Each failure weighs by what it says about the caller: a wrong identity is a worse miss than a
  // wrong method, so the "nearest miss" is the rule that only failed on request details.
  let score = 0;
  const weightOf = (info: FieldInfo) => (info.kind === "identity" ? 100 : info.kind === "port" ? 10 : 1);
  const entries = <E>(list: readonly E[] | undefined, evaluateEntry: (entry: E) => FieldsResult, label: string): Tri => {
    if (list === undefined) return true;
    const outcomes = list.map(evaluateEntry);
    const result = anyTri(outcomes.map((o) => o.result));
    if (result !== true) {
      const best = [...outcomes].sort((a, b) => a.score - b.score)[0];
      const prefix = list.length > 1 ? `${label}: none of ${list.length} entries matches; nearest: ` : "";
      for (const failure of best?.failures ?? []) failures.push(prefix + failure);
      score += best?.score ?? 0;
    }
    return result;
  };
  const fieldsResult = (pairs: Array<{ info: FieldInfo; values: readonly string[] }>): FieldsResult => {
    let result: Tri = true;
    let fieldScore = 0;
    const fieldFailures: string[] = [];
    for (const { info, values } of pairs) {
      if (!keep(info)) continue;
      const r = matchField(info, values, facts, policy.namespace);
      if (r === true) continue;
      fieldFailures.push(`${info.label}: ${describeActual(info, facts)} ${r === "unknown" ? "is unknown here; needs" : info.negated ? "is in" : "is not in"} [${values.join(", ")}]`);
      fieldScore += weightOf(info);
      result = r === false ? false : result === false ? false : "unknown";
    }
    return { result, failures: fieldFailures, score: fieldScore };
  };

  const from = entries(
    rule.from,
    (source) => fieldsResult(SOURCE_FIELDS.flatMap((f) => (source[f] === undefined ? [] : [{ info: sourceFieldInfo(f), values: source[f] }]))),
    "from",
  );
  const to = entries(
    rule.to,
    (operation) => fieldsResult(OPERATION_FIELDS.flatMap((f) => (operation[f] === undefined ? [] : [{ info: operationFieldInfo(f), values: operation[f] }]))),
    "to",
  );
  const when = fieldsResult(rule.conditions.flatMap((condition) => conditionFields(condition) ?? []));
  failures.push(...when.failures);
  score += when.score;
  const parts = [from, to, when.result];
  const result: Tri = parts.includes(false) ? false : parts.includes("unknown") ? "unknown" : true;
  return { ...base, result, failures, score };
}

/** Evaluates the policies of one workload for one request. */
export function authorizeRequest(selection: PolicySelection, facts: RequestFacts, protocol: PortProtocol): AuthzDecision {
  const outcomes = new Map<ParsedAuthorizationPolicy, RuleOutcome[]>();
  const outcomesOf = (policy: ParsedAuthorizationPolicy) => {
    let list = outcomes.get(policy);
    if (list === undefined) outcomes.set(policy, (list = policy.rules.map((rule) => evaluateRule(policy, rule, facts, protocol))));
    return list;
  };
  const byAction = (action: AuthorizationAction) => selection.applied.filter((p) => p.action === action);
  const base = {
    external: [] as AuthzDecision["external"],
    audited: [] as string[],
    nearestMisses: [] as AuthzDecision["nearestMisses"],
    applied: selection.applied.map((p) => p.id),
    ignored: selection.ignored,
  };

  for (const policy of byAction("AUDIT")) if (outcomesOf(policy).some((o) => o.result === true)) base.audited.push(policy.id);
  let uncertain: string | undefined;
  for (const policy of byAction("CUSTOM")) {
    for (const outcome of outcomesOf(policy)) {
      if (outcome.result === false) continue;
      base.external.push({ policy: policy.id, provider: policy.provider ?? "(no provider)", rule: outcome.rule });
      if (outcome.result === "unknown") uncertain ??= `CUSTOM ${policy.id} rule ${outcome.rule} may match (${outcome.failures.join("; ")})`;
    }
  }
  for (const policy of byAction("DENY")) {
    for (const outcome of outcomesOf(policy)) {
      if (outcome.result === true) {
        return {
          ...base,
          decision: "denied",
          reason: `DENY policy ${policy.id} rule ${outcome.rule} matches`,
          decidedBy: { policy: policy.id, action: "DENY", rule: outcome.rule, location: ruleLocation(policy, outcome.rule) },
        };
      }
      if (outcome.result === "unknown") uncertain ??= `DENY ${policy.id} rule ${outcome.rule} may match (${outcome.failures.join("; ")})`;
    }
  }

  const allowPolicies = byAction("ALLOW");
  let decidedBy: AuthzDecision["decidedBy"];
  let reason: string;
  if (allowPolicies.length === 0) {
    reason = "no ALLOW policy applies to the workload";
  } else {
    let allowUnknown: string | undefined;
    for (const policy of allowPolicies) {
      for (const outcome of outcomesOf(policy)) {
        if (outcome.result === true && decidedBy === undefined) decidedBy = { policy: policy.id, action: "ALLOW", rule: outcome.rule, location: ruleLocation(policy, outcome.rule) };
        if (outcome.result === "unknown") allowUnknown ??= `ALLOW ${policy.id} rule ${outcome.rule} may match (${outcome.failures.join("; ")})`;
      }
    }
    if (decidedBy === undefined) {
      const misses: Array<RuleOutcome & { location: SourceLocation }> = [];
      for (const policy of allowPolicies) {
        const nearest = [...outcomesOf(policy)].sort((a, b) => a.score - b.score)[0];
        if (nearest !== undefined) misses.push({ ...nearest, location: ruleLocation(policy, nearest.rule) });
      }
      misses.sort((a, b) => a.score - b.score || compareStrings(a.policy, b.policy));
      base.nearestMisses.push(...misses.map(({ policy, rule, failures, location }) => ({ policy, rule, failures, location })));
      if (allowUnknown === undefined) {
        const ids = allowPolicies.map((p) => p.id).join(", ");
        const only = misses.length === 0 ? ` (only ${ids} ${allowPolicies.length === 1 ? "applies, which has no rules: it allows" : "apply, which have no rules: they allow"} nothing)` : "";
        return { ...base, decision: "denied", reason: `no ALLOW rule matches${only}`, decidedBy: undefined };
      }
      return { ...base, decision: "depends", reason: allowUnknown, decidedBy: undefined };
    }
    reason = `ALLOW policy ${decidedBy.policy} rule ${decidedBy.rule} matches`;
  }
  if (uncertain !== undefined) return { ...base, decision: "depends", reason: `${reason}, but ${uncertain}`, decidedBy };
  if (base.external.length > 0) {
    const providers = [...new Set(base.external.map((e) => e.provider))].join(", ");
    return { ...base, decision: "depends", reason: `${reason}; the external authorizer ${providers} decides first (CUSTOM ${base.external[0]?.policy})`, decidedBy };
  }
  return { ...base, decision: "allowed", reason, decidedBy };
}

/** Where rule `index` of a policy is written: the file and line a person edits (a patch, or the catalog line of a generated policy). */
function ruleLocation(policy: ParsedAuthorizationPolicy, index: number): SourceLocation {
  const { file, line } = policy.resource.origin.locate(`/spec/rules/${index}`);
  return { file, line };
}
