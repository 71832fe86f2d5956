import { isJsonObject, pointerOf, type Resource } from "../../../model/resource.js";
import { arrayAt, objectAt } from "../../../mesh/fields.js";
import { namespaceOf } from "../../../mesh/hosts.js";
import { PolicyModel } from "../../../mesh/policy-model.js";
import { selectorMap } from "../../../mesh/selector.js";
import { listNames } from "../../messages.js";
import type { LintRule } from "../../rule.js";

/** The header-match prefix Istio turns into a match on verified JWT claims. */
export const JWT_CLAIM_HEADER = "@request.auth.claims";

const rule: LintRule = {
  id: "jwt-claim-routing-without-request-authentication",
  code: "IST0149",
  severity: "error",
  summary: "A VirtualService that routes on JWT claims is bound to gateways whose pods have a RequestAuthentication",
  appliesTo: ["VirtualService"],
  reads: ["VirtualService", "Gateway", "RequestAuthentication", "Deployment", "Pod", "Service"],
  *check(index) {
    const model = PolicyModel.of(index);
    const gateways = new Map<string, Resource>(index.istio("Gateway").map((g) => [`${namespaceOf(g)}/${g.name}`, g]));
    for (const vs of index.istio("VirtualService")) {
      const claim = firstClaimMatch(vs);
      if (claim === undefined) continue;
      for (const name of arrayAt(objectAt(vs.object, "spec"), "gateways")) {
        // Claim routing works only on gateways; `mesh` is out of scope (see README).
        if (typeof name !== "string" || name === "mesh") continue;
        const key = name.includes("/") ? name : `${namespaceOf(vs)}/${name}`;
        const gateway = gateways.get(key);
        if (gateway === undefined) continue;
        // A selector with a non-string value selects no pod (selectWorkloads gives none).
        const selector = selectorMap(objectAt(gateway.object, "spec")["selector"]);
        if (selector !== null && Object.keys(selector).length === 0) continue;
        // The gateway pods may live in any namespace; none known (installed elsewhere) = not judged.
        const pods = index.workloadsMatching(undefined, selector);
        const unauthenticated = pods.filter((pod) => model.requestAuthenticationsFor(pod).length === 0);
        if (unauthenticated.length === 0) continue;
        yield {
          resource: vs,
          pointer: claim.pointer,
          message:
            `${claim.path} routes on the JWT claim "${claim.key}", but no RequestAuthentication applies to the pods of ` +
            `gateway ${key} (${listNames(unauthenticated.map((p) => `${p.namespace}/${p.name}`))}): no token is validated ` +
            `there, so there are no claims and the match never succeeds. Add a RequestAuthentication that selects those ` +
            `pods, in their namespace or in istio-system`,
        };
      }
    }
  },
};

export default rule;

function firstClaimMatch(vs: Resource): { key: string; path: string; pointer: string } | undefined {
  for (const [i, route] of arrayAt(objectAt(vs.object, "spec"), "http").entries()) {
    for (const [j, match] of arrayAt(route, "match").entries()) {
      if (!isJsonObject(match)) continue;
      for (const field of ["headers", "withoutHeaders"] as const) {
        for (const key of Object.keys(objectAt(match, field))) {
          if (key.startsWith(JWT_CLAIM_HEADER)) {
            return { key, path: `http[${i}].match[${j}].${field}`, pointer: pointerOf("spec", "http", i, "match", j, field, key) };
          }
        }
      }
    }
  }
  return undefined;
}
