import { isJsonObject, type Resource } from "../model/resource.js";
import { arrayAt, objectAt, stringValues } from "./fields.js";
import { namespaceOf } from "./hosts.js";
import { hasTargetRefs } from "./policy-scope.js";
import { readMatchLabels } from "./selector.js";

/** RequestAuthentication (istio-semantics.md §2.1 scope): the one parser. */

export interface ParsedJwtRule {
  issuer: string;
  audiences: string[];
}

export interface ParsedRequestAuthentication {
  /** `namespace/name`. */
  id: string;
  namespace: string;
  name: string;
  selector: Record<string, string> | undefined;
  /** Why the selector is invalid (a non-string label value): the RequestAuthentication applies to no workload. */
  invalidSelector: string | undefined;
  hasTargetRefs: boolean;
  jwtRules: ParsedJwtRule[];
  resource: Resource;
}

export function parseRequestAuthentication(resource: Resource): ParsedRequestAuthentication {
  const spec = objectAt(resource.object, "spec");
  const selector = readMatchLabels(spec["selector"]);
  const namespace = namespaceOf(resource);
  return {
    id: `${namespace}/${resource.name}`,
    namespace,
    name: resource.name,
    selector: selector.labels,
    invalidSelector: selector.invalid,
    hasTargetRefs: hasTargetRefs(spec),
    jwtRules: arrayAt(spec, "jwtRules")
      .filter(isJsonObject)
      .map((rule) => ({ issuer: typeof rule["issuer"] === "string" ? rule["issuer"] : "", audiences: stringValues(rule["audiences"]) })),
    resource,
  };
}
