import type { JsonObject } from "../../../model/resource.js";
import { type AuthorizationRule, actionOf, authorizationRules, portScopeOf } from "../../../mesh/authorization-policy.js";
import { arrayAt } from "../../../mesh/fields.js";
import { describeMtls } from "../../../mesh/peer-authentication.js";
import { PolicyModel } from "../../../mesh/policy-model.js";
import { listNames } from "../../messages.js";
import type { LintRule, RuleReport } from "../../rule.js";

/** Source fields read from the peer certificate (§2.7). */
const IDENTITY_FIELDS = ["principals", "namespaces", "serviceAccounts", "trustDomains"] as const;
const NEGATED_FIELDS = ["notPrincipals", "notNamespaces", "notServiceAccounts", "notTrustDomains"] as const;
const IDENTITY_KEYS = new Set(["source.principal", "source.namespace", "source.serviceAccount", "source.trustDomain"]);

interface Occurrence {
  field: string;
  pointer: string;
  negated: boolean;
}

const rule: LintRule = {
  id: "identity-without-strict-mtls",
  severity: "warning",
  summary: "AuthorizationPolicy rules that match peer identities apply only where mTLS is STRICT",
  appliesTo: ["AuthorizationPolicy"],
  reads: ["AuthorizationPolicy", "PeerAuthentication", "Service", "Deployment", "Pod"],
  *check(index) {
    const model = PolicyModel.of(index);
    for (const policy of index.istio("AuthorizationPolicy")) {
      // Where no object describes the pods, the Services selecting them say where they listen.
      const workloads = model.authorizationPolicyWorkloads(policy, { withInferredPods: true });
      if (workloads.length === 0) continue;
      const action = actionOf(policy);
      for (const rule of authorizationRules(policy)) {
        const occurrences = identityOccurrences(rule);
        const first = occurrences[0];
        if (first === undefined) continue;
        const scope = portScopeOf(rule);
        // The first way the selected workloads accept plaintext, and everything that does.
        const plain: Array<{ workload: string; port: number | undefined; how: string; disabled: boolean }> = [];
        for (const workload of workloads) {
          const ports = model.portsInScope(workload, scope);
          for (const port of ports.length > 0 ? ports : [undefined]) {
            const mtls = model.effectiveMtls(workload, port);
            if (mtls.mode !== "STRICT") plain.push({ workload: workload.name, port, how: describeMtls(mtls), disabled: mtls.mode === "DISABLE" });
          }
        }
        const example = plain[0];
        if (example === undefined) continue;
        const same = plain.filter((p) => p.how === example.how);
        const ports = [...new Set(same.map((p) => p.port).filter((p): p is number => p !== undefined))].sort((a, b) => a - b);
        const others = plain.length - same.length;
        const negated = occurrences.some((o) => o.negated);
        const positive = occurrences.some((o) => !o.negated);
        const widens = (action === "ALLOW" && negated) || (action === "DENY" && positive);
        const fields = [...new Set(occurrences.map((o) => o.field))].join(", ");
        const report: RuleReport = {
          resource: policy,
          pointer: first.pointer,
          message:
            `rules[${rule.index}]: ${fields} identify the caller by its mTLS certificate, but ` +
            `${listNames(same.map((p) => p.workload))} accept${new Set(same.map((p) => p.workload)).size === 1 ? "s" : ""}` +
            `${example.disabled ? " only" : ""} plaintext` +
            `${ports.length > 0 ? ` on port${ports.length > 1 ? "s" : ""} ${ports.join(", ")}` : ""} (${example.how})` +
            `${others > 0 ? ` and ${others} more workload port(s) do too` : ""}: plaintext requests carry no identity, ` +
            `so ${consequence(action, negated, positive)}. Make mTLS STRICT for these workloads ` +
            `(PeerAuthentication mtls.mode: STRICT)`,
          ...(widens ? { severity: "error" as const } : {}),
        };
        yield report;
      }
    }
  },
};

export default rule;

function identityOccurrences(rule: AuthorizationRule): Occurrence[] {
  const found: Occurrence[] = [];
  for (const { source, pointer } of rule.sources) {
    for (const field of IDENTITY_FIELDS) if (arrayAt(source, field).length > 0) found.push({ field, pointer: `${pointer}/${field}`, negated: false });
    for (const field of NEGATED_FIELDS) if (arrayAt(source, field).length > 0) found.push({ field, pointer: `${pointer}/${field}`, negated: true });
  }
  for (const { condition, pointer } of rule.conditions) {
    const key = condition["key"];
    if (typeof key !== "string" || !IDENTITY_KEYS.has(key)) continue;
    if (arrayAt(condition, "values").length > 0) found.push({ field: `when ${key}`, pointer, negated: false });
    if (arrayAt(condition as JsonObject, "notValues").length > 0) found.push({ field: `when ${key} notValues`, pointer, negated: true });
  }
  return found;
}

function consequence(action: string, negated: boolean, positive: boolean): string {
  if (action === "ALLOW") {
    return negated ? "the not* conditions match them and this ALLOW rule lets plaintext callers in" : "they never match it and this rule allows no plaintext caller";
  }
  if (action === "DENY") {
    return positive ? "this DENY rule does not catch plaintext callers" : "the not* conditions match them and plaintext callers are denied";
  }
  return `this ${action} rule sees plaintext callers as unauthenticated`;
}
