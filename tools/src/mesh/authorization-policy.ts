import { isJsonObject, pointerOf, type JsonObject, type Resource } from "../model/resource.js";
import { DRY_RUN_ANNOTATION, isDryRunValue } from "./dry-run.js";
import { arrayAt, objectAt, stringMap, stringValues } from "./fields.js";
import { namespaceOf } from "./hosts.js";
import { hasTargetRefs } from "./policy-scope.js";
import { readMatchLabels } from "./selector.js";

/**
 * AuthorizationPolicy (istio-semantics.md §2; Istio security/v1beta1 AuthorizationPolicy): its fields,
 * and the one parser lint, access and admission read. Absent and empty lists are the same thing
 * (proto3 repeated fields).
 */

export const AUTHORIZATION_ACTIONS = ["ALLOW", "DENY", "AUDIT", "CUSTOM"] as const;
export type AuthorizationAction = (typeof AUTHORIZATION_ACTIONS)[number];

/** The fields of a `source`; `not*` fields are the negated lists. */
export const SOURCE_FIELDS = [
  "principals",
  "notPrincipals",
  "requestPrincipals",
  "notRequestPrincipals",
  "namespaces",
  "notNamespaces",
  "serviceAccounts",
  "notServiceAccounts",
  "trustDomains",
  "notTrustDomains",
  "ipBlocks",
  "notIpBlocks",
  "remoteIpBlocks",
  "notRemoteIpBlocks",
] as const;
export type SourceField = (typeof SOURCE_FIELDS)[number];

/** The fields of an `operation`. */
export const OPERATION_FIELDS = ["hosts", "notHosts", "ports", "notPorts", "methods", "notMethods", "paths", "notPaths"] as const;
export type OperationField = (typeof OPERATION_FIELDS)[number];

/** Source fields that need HTTP (request authentication): on a TCP filter chain Istio cannot evaluate them. */
export const HTTP_SOURCE_FIELDS = ["requestPrincipals", "notRequestPrincipals"] as const satisfies readonly SourceField[];
/** Operation fields that need HTTP: everything but ports. */
export const HTTP_OPERATION_FIELDS = ["hosts", "notHosts", "methods", "notMethods", "paths", "notPaths"] as const satisfies readonly OperationField[];

export function isHttpSourceField(field: string): boolean {
  return (HTTP_SOURCE_FIELDS as readonly string[]).includes(field);
}

export function isHttpOperationField(field: string): boolean {
  return (HTTP_OPERATION_FIELDS as readonly string[]).includes(field);
}

/** `spec.action`; ALLOW when absent or not one of Istio's actions. */
export function authorizationActionOf(spec: JsonObject): AuthorizationAction {
  const action = spec["action"];
  return typeof action === "string" && (AUTHORIZATION_ACTIONS as readonly string[]).includes(action) ? (action as AuthorizationAction) : "ALLOW";
}

export type FieldValues<F extends string> = Partial<Record<F, string[]>>;

/** One `when` condition, as written (with its pointer) and read. */
export interface RuleCondition {
  key: string;
  values: string[];
  notValues: string[];
  condition: JsonObject;
  pointer: string;
}

/** One `rules[i]` of an AuthorizationPolicy. */
export interface AuthorizationRule {
  index: number;
  pointer: string;
  /**
   * Set when the entry of `rules` is not an object (`null`, a scalar, a list): Istio decodes `null` as
   * a nil rule, which its validation rejects ("`rule` must not be nil") and its RBAC builder skips
   * ("skipped nil rule"). Such a rule matches nothing; only `{}` is the match-everything rule.
   */
  invalid: string | undefined;
  /** `from` is present and non-empty (likewise `hasTo`, `hasWhen`). */
  hasFrom: boolean;
  hasTo: boolean;
  hasWhen: boolean;
  /** The values of each `from` entry; undefined when `from` is absent or empty: any source. */
  from: Array<FieldValues<SourceField>> | undefined;
  /** The values of each `to` entry; undefined when `to` is absent or empty: any operation. */
  to: Array<FieldValues<OperationField>> | undefined;
  /** The `when` conditions that are objects. */
  conditions: RuleCondition[];
  /** The `from[j].source` objects as written, with their pointers (entries that are not objects left out). */
  sources: Array<{ source: JsonObject; pointer: string }>;
  /** The `to[j].operation` objects as written, with their pointers. */
  operations: Array<{ operation: JsonObject; pointer: string }>;
}

export interface ParsedAuthorizationPolicy {
  /** `namespace/name`. */
  id: string;
  namespace: string;
  name: string;
  action: AuthorizationAction;
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
  /** Every entry of `rules` (invalid ones marked); `[]` when absent or empty: the policy never matches (`spec: {}` is ALLOW-nothing). */
  rules: AuthorizationRule[];
  resource: Resource;
}

/** The workload ports a rule (or one operation of it) is limited to: `only` undefined = every port. */
export interface PortScope {
  only: number[] | undefined;
  except: number[];
}

export interface ParsedPrincipal {
  trustDomain: string;
  namespace: string;
  serviceAccount: string;
}

const parsed = new WeakMap<Resource, ParsedAuthorizationPolicy>();

/** The AuthorizationPolicy, parsed once per object. */
export function parseAuthorizationPolicy(resource: Resource): ParsedAuthorizationPolicy {
  let policy = parsed.get(resource);
  if (policy !== undefined) return policy;
  const spec = objectAt(resource.object, "spec");
  const selector = readMatchLabels(spec["selector"]);
  const provider = objectAt(spec, "provider")["name"];
  const namespace = namespaceOf(resource);
  policy = {
    id: `${namespace}/${resource.name}`,
    namespace,
    name: resource.name,
    action: authorizationActionOf(spec),
    provider: typeof provider === "string" ? provider : undefined,
    selector: selector.labels,
    invalidSelector: selector.invalid,
    hasTargetRefs: hasTargetRefs(spec),
    dryRun: isDryRun(resource),
    rules: arrayAt(spec, "rules").map(parseRule),
    resource,
  };
  parsed.set(resource, policy);
  return policy;
}

function parseRule(value: unknown, index: number): AuthorizationRule {
  const pointer = pointerOf("spec", "rules", index);
  if (!isJsonObject(value)) {
    const what = value === null ? "null" : Array.isArray(value) ? "a list" : `${typeof value} ${JSON.stringify(value)}`;
    return {
      index,
      pointer,
      invalid: `rules[${index}] is ${what}, not a rule: Istio rejects it, and skips it if it gets through (only {} matches every request)`,
      hasFrom: false,
      hasTo: false,
      hasWhen: false,
      from: undefined,
      to: undefined,
      conditions: [],
      sources: [],
      operations: [],
    };
  }
  const from = arrayAt(value, "from");
  const to = arrayAt(value, "to");
  const when = arrayAt(value, "when");
  return {
    index,
    pointer,
    invalid: undefined,
    hasFrom: from.length > 0,
    hasTo: to.length > 0,
    hasWhen: when.length > 0,
    from: from.length > 0 ? from.map((entry) => fieldValues(objectAt(entry, "source"), SOURCE_FIELDS)) : undefined,
    to: to.length > 0 ? to.map((entry) => fieldValues(objectAt(entry, "operation"), OPERATION_FIELDS)) : undefined,
    conditions: when.flatMap((condition, k) =>
      isJsonObject(condition)
        ? [
            {
              key: typeof condition["key"] === "string" ? condition["key"] : "",
              values: stringValues(condition["values"]),
              notValues: stringValues(condition["notValues"]),
              condition,
              pointer: pointerOf("spec", "rules", index, "when", k),
            },
          ]
        : [],
    ),
    sources: from.flatMap((entry, j) => (isJsonObject(entry) ? [{ source: objectAt(entry, "source"), pointer: pointerOf("spec", "rules", index, "from", j, "source") }] : [])),
    operations: to.flatMap((entry, j) =>
      isJsonObject(entry) ? [{ operation: objectAt(entry, "operation"), pointer: pointerOf("spec", "rules", index, "to", j, "operation") }] : [],
    ),
  };
}

function fieldValues<F extends string>(object: JsonObject, fields: readonly F[]): FieldValues<F> {
  const result: FieldValues<F> = {};
  for (const field of fields) {
    const values = stringValues(object[field]);
    if (values.length > 0) result[field] = values;
  }
  return result;
}

export function actionOf(policy: Resource): AuthorizationAction {
  return parseAuthorizationPolicy(policy).action;
}

/** The rules of a policy that are rules (entries that are not objects left out: Istio skips them). */
export function authorizationRules(policy: Resource): AuthorizationRule[] {
  return parseAuthorizationPolicy(policy).rules.filter((rule) => rule.invalid === undefined);
}

/** `istio.io/dry-run`, parsed like Go's strconv.ParseBool (§2.10). */
export function isDryRun(resource: Resource): boolean {
  return isDryRunValue(stringMap(objectAt(resource.object, "metadata")["annotations"])[DRY_RUN_ANNOTATION]);
}

/** `spec: {}`-style allow-nothing: an enforced ALLOW policy with no rules, so it denies whatever nothing else allows. */
export function isAllowNothing(policy: Resource): boolean {
  const parsedPolicy = parseAuthorizationPolicy(policy);
  return parsedPolicy.action === "ALLOW" && parsedPolicy.rules.length === 0 && !parsedPolicy.dryRun && !("provider" in objectAt(policy.object, "spec"));
}

/**
 * The workload ports a rule applies to: `to.operation.ports` (when every operation names some),
 * `notPorts` (excluded when every operation excludes them) and `when destination.port` (§2.3, §2.8).
 * Pass `operations` to scope a single operation instead of the whole rule.
 */
export function portScopeOf(rule: AuthorizationRule, operations: readonly JsonObject[] = rule.operations.map((o) => o.operation)): PortScope {
  let only: Set<number> | undefined;
  let except = new Set<number>();
  if (operations.length > 0) {
    const portLists = operations.map((op) => portNumbers(arrayAt(op, "ports")));
    if (portLists.every((ports) => ports.length > 0)) only = new Set(portLists.flat());
    const notLists = operations.map((op) => portNumbers(arrayAt(op, "notPorts")));
    if (notLists.every((ports) => ports.length > 0)) except = new Set(notLists.reduce((a, b) => a.filter((p) => b.includes(p))));
  }
  for (const { condition } of rule.conditions) {
    if (condition["key"] !== "destination.port") continue;
    const values = portNumbers(arrayAt(condition, "values"));
    if (values.length > 0) only = new Set(only === undefined ? values : values.filter((p) => only?.has(p)));
    for (const p of portNumbers(arrayAt(condition, "notValues"))) except.add(p);
  }
  return { only: only === undefined ? undefined : [...only].sort((a, b) => a - b), except: [...except].sort((a, b) => a - b) };
}

export function portNumbers(values: readonly unknown[]): number[] {
  return values.map((v) => (typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : NaN)).filter((n) => Number.isInteger(n));
}

/** `<trust-domain>/ns/<namespace>/sa/<service-account>`, without wildcards. */
export function parsePrincipal(value: string): ParsedPrincipal | undefined {
  if (value.includes("*")) return undefined;
  const match = /^([^/]+)\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(value);
  if (match === null) return undefined;
  return { trustDomain: match[1] ?? "", namespace: match[2] ?? "", serviceAccount: match[3] ?? "" };
}
