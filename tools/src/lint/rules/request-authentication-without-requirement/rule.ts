import type { Resource } from "../../../model/resource.js";
import { actionOf, authorizationRules, isDryRun } from "../../../mesh/authorization-policy.js";
import { arrayAt, objectAt } from "../../../mesh/fields.js";
import { PolicyModel } from "../../../mesh/policy-model.js";
import { listNames } from "../../messages.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "request-authentication-without-requirement",
  severity: "warning",
  summary: "Workloads with a RequestAuthentication have an AuthorizationPolicy that requires a token",
  appliesTo: ["RequestAuthentication"],
  reads: ["RequestAuthentication", "AuthorizationPolicy", "Service", "Deployment", "Pod"],
  *check(index) {
    const model = PolicyModel.of(index);
    const requiresToken = new Map<Resource, boolean>();
    const requires = (policy: Resource): boolean => {
      let result = requiresToken.get(policy);
      if (result === undefined) {
        result = policyRequiresToken(policy);
        requiresToken.set(policy, result);
      }
      return result;
    };
    for (const authn of index.istio("RequestAuthentication")) {
      // Selects no known workload (targetRefs, or workloads installed elsewhere): not judged.
      const workloads = model.requestAuthenticationWorkloads(authn);
      const open = workloads.filter((w) => !model.authorizationPoliciesFor(w).some(requires));
      if (open.length === 0) continue;
      const spec = objectAt(authn.object, "spec");
      yield {
        resource: authn,
        pointer: "jwtRules" in spec ? "/spec/jwtRules" : "/spec",
        message:
          `no AuthorizationPolicy of ${listNames(open.map((w) => w.name))} requires a token (requestPrincipals in an ` +
          `ALLOW rule, or notRequestPrincipals in a DENY rule): a RequestAuthentication only rejects requests with an ` +
          `invalid token, so requests without any token are accepted. Add an ALLOW rule with ` +
          `from.source.requestPrincipals: ["*"] for the callers that must present one (or a DENY rule with ` +
          `notRequestPrincipals: ["*"])`,
      };
    }
  },
};

export default rule;

/** An enforced ALLOW rule that needs a request principal, or a DENY rule that rejects requests without one. */
function policyRequiresToken(policy: Resource): boolean {
  if (isDryRun(policy)) return false;
  const action = actionOf(policy);
  if (action !== "ALLOW" && action !== "DENY") return false;
  const [sourceField, conditionField] = action === "ALLOW" ? ["requestPrincipals", "values"] : ["notRequestPrincipals", "notValues"];
  return authorizationRules(policy).some(
    (rule) =>
      rule.sources.some(({ source }) => arrayAt(source, sourceField).length > 0) ||
      rule.conditions.some(({ condition }) => {
        const key = condition["key"];
        return typeof key === "string" && key.startsWith("request.auth.") && arrayAt(condition, conditionField).length > 0;
      }),
  );
}
