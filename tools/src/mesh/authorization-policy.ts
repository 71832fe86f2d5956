import { isJsonObject, type JsonObject } from "../model/resource.js";

/**
 * AuthorizationPolicy fields and the small readers lint, access and admission share
 * (istio-semantics.md §2; Istio security/v1beta1 AuthorizationPolicy).
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

/** `targetRef` / `targetRefs` present: sidecars ignore the policy completely (§2.1). */
export function hasTargetRefs(spec: JsonObject): boolean {
  const targetRefs = spec["targetRefs"];
  return isJsonObject(spec["targetRef"]) || (Array.isArray(targetRefs) && targetRefs.length > 0);
}
