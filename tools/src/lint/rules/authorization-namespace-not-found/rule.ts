import { authorizationRules } from "../../../mesh/authorization-policy.js";
import { arrayAt } from "../../../mesh/fields.js";
import { ROOT_NAMESPACE } from "../../../mesh/hosts.js";
import { matchesNamespace } from "../../../mesh/string-match.js";
import { closestName } from "../../messages.js";
import { pointerOf } from "../../../model/resource.js";
import type { LintRule } from "../../rule.js";

/** Namespaces every cluster has, whether or not the config declares them. */
const BUILT_IN_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease", ROOT_NAMESPACE];

const rule: LintRule = {
  id: "authorization-namespace-not-found",
  code: "IST0101",
  severity: "error",
  summary: "AuthorizationPolicy namespaces and notNamespaces name namespaces that exist in the config",
  appliesTo: ["AuthorizationPolicy"],
  reads: ["AuthorizationPolicy", "Namespace"],
  *check(index) {
    // Only a config that declares its namespaces can tell that one is missing.
    if (index.kind("Namespace").length === 0) return;
    const known = [...new Set([...index.namespaces, ...BUILT_IN_NAMESPACES])].sort();
    const exact = new Set(known);
    for (const policy of index.istio("AuthorizationPolicy")) {
      for (const rule of authorizationRules(policy)) {
        for (const [j, { source }] of rule.sources.entries()) {
          for (const field of ["namespaces", "notNamespaces"] as const) {
            for (const [k, value] of arrayAt(source, field).entries()) {
              if (typeof value !== "string") continue;
              // Exact names by lookup; only patterns are compared with every namespace. Istio compiles the
              // value to a case-sensitive regex with each `*` (anywhere) turned into `.*`.
              if (value.includes("*") ? known.some((ns) => matchesNamespace(value, ns)) : exact.has(value)) continue;
              const guess = value.includes("*") ? undefined : closestName(value, known);
              yield {
                resource: policy,
                pointer: pointerOf("spec", "rules", rule.index, "from", j, "source", field, k),
                message:
                  `rules[${rule.index}].from[${j}].source.${field}: ` +
                  `${value.includes("*") ? `no namespace of the config matches "${value}"` : `no namespace "${value}" exists in the config`}, ` +
                  `so the value ${field === "namespaces" ? "matches" : "excludes"} no caller. ` +
                  `${guess === undefined ? "Fix the name." : `Did you mean "${guess}"?`} If the namespace is created ` +
                  `outside this config, declare it with a Namespace object or suppress this finding`,
              };
            }
          }
        }
      }
    }
  },
};

export default rule;
