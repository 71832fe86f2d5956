import { type JsonObject } from "./json-value.js";
import { compareStrings } from "./stable-json.js";

/** An x-kubernetes-validations (CEL) rule of a CRD, to be evaluated by a later stage. */
export interface CelRule {
  apiVersion: string;
  kind: string;
  /** Where the rule's `self` is, in the object: "" for the root, `*` for array items and map values. */
  path: string;
  rule: string;
  message: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

export function toCelRule(apiVersion: string, kind: string, path: string, raw: JsonObject): CelRule {
  const rule = String(raw["rule"]);
  // The API server's message when a rule has none.
  const message = typeof raw["message"] === "string" && raw["message"] !== "" ? raw["message"] : `failed rule: ${rule}`;
  const celRule: CelRule = { apiVersion, kind, path, rule, message };
  if (typeof raw["messageExpression"] === "string") celRule.messageExpression = raw["messageExpression"];
  if (typeof raw["reason"] === "string") celRule.reason = raw["reason"];
  if (typeof raw["fieldPath"] === "string") celRule.fieldPath = raw["fieldPath"];
  if (typeof raw["optionalOldSelf"] === "boolean") celRule.optionalOldSelf = raw["optionalOldSelf"];
  return celRule;
}

export function sortCelRules(rules: readonly CelRule[]): CelRule[] {
  return [...rules].sort(
    (a, b) =>
      compareStrings(a.apiVersion, b.apiVersion) ||
      compareStrings(a.kind, b.kind) ||
      compareStrings(a.path, b.path) ||
      compareStrings(a.rule, b.rule) ||
      compareStrings(a.message, b.message),
  );
}
