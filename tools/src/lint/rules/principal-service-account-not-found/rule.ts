import { pointerOf } from "../../../model/resource.js";
import { authorizationRules, parsePrincipal } from "../../../mesh/authorization-policy.js";
import { arrayAt } from "../../../mesh/fields.js";
import { CLUSTER_DOMAIN, namespaceOf } from "../../../mesh/hosts.js";
import { closestName } from "../../messages.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "principal-service-account-not-found",
  severity: "error",
  summary: "Principals and serviceAccounts in AuthorizationPolicies name service accounts that exist",
  appliesTo: ["AuthorizationPolicy"],
  reads: ["AuthorizationPolicy", "ServiceAccount", "Service", "Deployment", "Pod"],
  *check(index) {
    for (const policy of index.istio("AuthorizationPolicy")) {
      for (const rule of authorizationRules(policy)) {
        // Every value naming a service account, with where it is written.
        const names: Array<{ path: string; pointer: string; namespace: string; account: string; written: string }> = [];
        for (const [j, { source }] of rule.sources.entries()) {
          for (const field of ["principals", "notPrincipals"] as const) {
            for (const [k, value] of arrayAt(source, field).entries()) {
              const principal = typeof value === "string" ? parsePrincipal(value) : undefined;
              // Other trust domains belong to other meshes: not ours to judge.
              if (principal === undefined || principal.trustDomain !== CLUSTER_DOMAIN) continue;
              names.push({
                path: `rules[${rule.index}].from[${j}].source.${field}`,
                pointer: pointerOf("spec", "rules", rule.index, "from", j, "source", field, k),
                namespace: principal.namespace,
                account: principal.serviceAccount,
                written: value as string,
              });
            }
          }
          for (const field of ["serviceAccounts", "notServiceAccounts"] as const) {
            for (const [k, value] of arrayAt(source, field).entries()) {
              if (typeof value !== "string" || value.includes("*")) continue;
              // `sa` alone means the policy's namespace; otherwise `ns/sa`.
              const slash = value.indexOf("/");
              names.push({
                path: `rules[${rule.index}].from[${j}].source.${field}`,
                pointer: pointerOf("spec", "rules", rule.index, "from", j, "source", field, k),
                namespace: slash === -1 ? namespaceOf(policy) : value.slice(0, slash),
                account: slash === -1 ? value : value.slice(slash + 1),
                written: value,
              });
            }
          }
        }
        for (const [k, { condition }] of rule.conditions.entries()) {
          if (condition["key"] !== "source.principal") continue;
          for (const field of ["values", "notValues"] as const) {
            for (const [v, value] of arrayAt(condition, field).entries()) {
              const principal = typeof value === "string" ? parsePrincipal(value) : undefined;
              if (principal === undefined || principal.trustDomain !== CLUSTER_DOMAIN) continue;
              names.push({
                path: `rules[${rule.index}].when[${k}] source.principal ${field}`,
                pointer: pointerOf("spec", "rules", rule.index, "when", k, field, v),
                namespace: principal.namespace,
                account: principal.serviceAccount,
                written: value as string,
              });
            }
          }
        }
        for (const name of names) {
          // A namespace whose workloads the config does not describe cannot be judged.
          if (!index.knowsWorkloadsIn(name.namespace)) continue;
          const known = index.serviceAccountsIn(name.namespace);
          // Kubernetes creates `default` in every namespace.
          if (known.has(name.account) || name.account === "default") continue;
          const guess = closestName(name.account, known);
          yield {
            resource: policy,
            pointer: name.pointer,
            message:
              `${name.path}: "${name.written}" names service account "${name.account}", but no workload in namespace ` +
              `${name.namespace} runs as it and no such ServiceAccount exists, so it matches no caller. ` +
              (guess === undefined
                ? `Use one of: ${[...known].sort().join(", ")}`
                : `Did you mean "${guess}"?`),
          };
        }
      }
    }
  },
};

export default rule;
