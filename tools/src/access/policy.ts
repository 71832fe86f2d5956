import { isJsonObject, type JsonObject, type Resource } from "../model/resource.js";
import { arrayAt, namespaceOf, objectAt, stringMap } from "../lint/mesh-index.js";
import {
  OPERATION_FIELDS,
  SOURCE_FIELDS,
  authorizationActionOf,
  hasTargetRefs,
  type AuthorizationAction as AuthzAction,
  type OperationField,
  type SourceField,
} from "../mesh/authorization-policy.js";
import { DRY_RUN_ANNOTATION, isDryRunValue } from "../mesh/dry-run.js";
import { parseMatchLabels } from "./selector-index.js";

/**
 * AuthorizationPolicy and RequestAuthentication objects, parsed once into plain data the evaluators
 * read (istio-semantics.md §2). Absent and empty lists are the same thing (proto3 repeated fields).
 */

export { AUTHORIZATION_ACTIONS as AUTHZ_ACTIONS, type AuthorizationAction as AuthzAction } from "../mesh/authorization-policy.js";
export { DRY_RUN_ANNOTATION } from "../mesh/dry-run.js";

export { OPERATION_FIELDS, SOURCE_FIELDS, type OperationField, type SourceField } from "../mesh/authorization-policy.js";

export type FieldValues<F extends string> = Partial<Record<F, string[]>>;

export interface ParsedCondition {
  key: string;
  values: string[];
  notValues: string[];
}

export interface ParsedRule {
  index: number;
  /** Undefined when `from` is absent or empty: any source. */
  from: Array<FieldValues<SourceField>> | undefined;
  /** Undefined when `to` is absent or empty: any operation. */
  to: Array<FieldValues<OperationField>> | undefined;
  when: ParsedCondition[];
  /**
   * Set when the entry of `rules` is not an object (`null`, a scalar, a list): Istio decodes `null` as
   * a nil rule, which its validation rejects ("`rule` must not be nil") and its RBAC builder skips
   * ("skipped nil rule"). Such a rule matches nothing; only `{}` is the match-everything rule.
   */
  invalid: string | undefined;
}

export interface ParsedPolicy {
  /** `namespace/name`. */
  id: string;
  namespace: string;
  name: string;
  action: AuthzAction;
  /** CUSTOM only: `provider.name`. */
  provider: string | undefined;
  /** `selector.matchLabels`; undefined when absent or empty (the whole namespace, or the mesh in the root namespace), or invalid. */
  selector: Record<string, string> | undefined;
  /** Why the selector is invalid (a non-string label value): the policy applies to no workload. */
  invalidSelector: string | undefined;
  /** `targetRef` / `targetRefs` present: sidecars ignore the policy completely (§2.1). */
  hasTargetRefs: boolean;
  /** `istio.io/dry-run` parses true (Go ParseBool): not enforced (§2.10). */
  dryRun: boolean;
  /** `[]` when `rules` is absent or empty: the policy never matches (`spec: {}` is ALLOW-nothing). */
  rules: ParsedRule[];
  /** For ordering (§2.1.4): creationTimestamp when the object has one. */
  creationTimestamp: string | undefined;
  resource: Resource;
}

export function parseAuthorizationPolicy(resource: Resource): ParsedPolicy {
  const metadata = objectAt(resource.object, "metadata");
  const spec = objectAt(resource.object, "spec");
  const action = authorizationActionOf(spec);
  const selector = parseMatchLabels(spec["selector"]);
  const annotations = stringMap(metadata["annotations"]);
  const namespace = namespaceOf(resource);
  return {
    id: `${namespace}/${resource.name}`,
    namespace,
    name: resource.name,
    action,
    provider: typeof objectAt(spec, "provider")["name"] === "string" ? (objectAt(spec, "provider")["name"] as string) : undefined,
    selector: selector.labels,
    invalidSelector: selector.invalid,
    hasTargetRefs: hasTargetRefs(spec),
    dryRun: isDryRunValue(annotations[DRY_RUN_ANNOTATION]),
    rules: arrayAt(spec, "rules").map((rule, index) => parseRule(rule, index)),
    creationTimestamp: typeof metadata["creationTimestamp"] === "string" ? metadata["creationTimestamp"] : undefined,
    resource,
  };
}

function parseRule(value: unknown, index: number): ParsedRule {
  if (!isJsonObject(value)) {
    const what = value === null ? "null" : Array.isArray(value) ? "a list" : `${typeof value} ${JSON.stringify(value)}`;
    return { index, from: undefined, to: undefined, when: [], invalid: `rules[${index}] is ${what}, not a rule: Istio rejects it, and skips it if it gets through (only {} matches every request)` };
  }
  const rule = value;
  const from = arrayAt(rule, "from").map((entry) => fieldValues(objectAt(entry, "source"), SOURCE_FIELDS));
  const to = arrayAt(rule, "to").map((entry) => fieldValues(objectAt(entry, "operation"), OPERATION_FIELDS));
  const when = arrayAt(rule, "when")
    .filter(isJsonObject)
    .map((condition) => ({
      key: typeof condition["key"] === "string" ? condition["key"] : "",
      values: strings(condition["values"]),
      notValues: strings(condition["notValues"]),
    }));
  return { index, from: from.length > 0 ? from : undefined, to: to.length > 0 ? to : undefined, when, invalid: undefined };
}

function fieldValues<F extends string>(object: JsonObject, fields: readonly F[]): FieldValues<F> {
  const result: FieldValues<F> = {};
  for (const field of fields) {
    const values = strings(object[field]);
    if (values.length > 0) result[field] = values;
  }
  return result;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map((v) => (typeof v === "number" ? String(v) : v)).filter((v): v is string => typeof v === "string") : [];
}

// ---- RequestAuthentication ----

export interface ParsedJwtRule {
  issuer: string;
  audiences: string[];
}

export interface ParsedRequestAuthentication {
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
  const selector = parseMatchLabels(spec["selector"]);
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
      .map((rule) => ({ issuer: typeof rule["issuer"] === "string" ? rule["issuer"] : "", audiences: strings(rule["audiences"]) })),
    resource,
  };
}

/** Sort key of Istio's `sortConfigByCreationTime`: creationTimestamp (absent = Go's zero time, oldest), then name, then namespace. */
export function compareByCreation(
  a: { creationTimestamp: string | undefined; name: string; namespace: string },
  b: { creationTimestamp: string | undefined; name: string; namespace: string },
): number {
  const ta = a.creationTimestamp === undefined ? 0 : Date.parse(a.creationTimestamp) || 0;
  const tb = b.creationTimestamp === undefined ? 0 : Date.parse(b.creationTimestamp) || 0;
  if (ta !== tb) return ta - tb;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return 0;
}
