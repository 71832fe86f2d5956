import type { PeerIdentity } from "./identity.js";
import type { OperationField, RuleCondition, SourceField } from "../mesh/authorization-policy.js";
import { matchesHost, matchesIpBlock, matchesNamespace, matchesPath, matchesRequestPrincipal, matchesValue } from "../mesh/string-match.js";

/**
 * What each AuthorizationPolicy field and `when` key reads, and how one policy value is matched
 * against a request (istio-semantics.md §2.4, §2.5, §2.7, §2.9). Both evaluators use it: the concrete
 * one (explain) and the symbolic one (access matrix).
 */

/**
 * - `identity`: read from the peer certificate; needs mTLS (plaintext has no identity).
 * - `port`: the destination (container) port.
 * - `request`: HTTP-only (method, path, host, headers, JWT).
 * - `network`: IP addresses, SNI, Envoy metadata: known to the proxy, not to the configuration.
 */
export type FieldKind = "identity" | "port" | "request" | "network";

/** The attribute a field or `when` key reads; `not*` fields read the same attribute, negated. */
export type Attribute =
  | "principal"
  | "namespace"
  | "serviceAccount"
  | "trustDomain"
  | "requestPrincipal"
  | "ip"
  | "remoteIp"
  | "host"
  | "port"
  | "method"
  | "path"
  | "header"
  | "audiences"
  | "presenter"
  | "claim"
  | "destinationIp"
  | "sni"
  | "metadata";

export interface FieldInfo {
  attribute: Attribute;
  kind: FieldKind;
  negated: boolean;
  /** For `header` and `claim`: the header name (lower-cased) or the claim path. */
  argument?: string[];
  /** The name as written: `methods`, `notPaths`, `when request.headers[x-user]`. */
  label: string;
}

const SOURCE_FIELD_INFO: Record<SourceField, Omit<FieldInfo, "label">> = {
  principals: { attribute: "principal", kind: "identity", negated: false },
  notPrincipals: { attribute: "principal", kind: "identity", negated: true },
  namespaces: { attribute: "namespace", kind: "identity", negated: false },
  notNamespaces: { attribute: "namespace", kind: "identity", negated: true },
  serviceAccounts: { attribute: "serviceAccount", kind: "identity", negated: false },
  notServiceAccounts: { attribute: "serviceAccount", kind: "identity", negated: true },
  trustDomains: { attribute: "trustDomain", kind: "identity", negated: false },
  notTrustDomains: { attribute: "trustDomain", kind: "identity", negated: true },
  requestPrincipals: { attribute: "requestPrincipal", kind: "request", negated: false },
  notRequestPrincipals: { attribute: "requestPrincipal", kind: "request", negated: true },
  ipBlocks: { attribute: "ip", kind: "network", negated: false },
  notIpBlocks: { attribute: "ip", kind: "network", negated: true },
  remoteIpBlocks: { attribute: "remoteIp", kind: "network", negated: false },
  notRemoteIpBlocks: { attribute: "remoteIp", kind: "network", negated: true },
};

const OPERATION_FIELD_INFO: Record<OperationField, Omit<FieldInfo, "label">> = {
  hosts: { attribute: "host", kind: "request", negated: false },
  notHosts: { attribute: "host", kind: "request", negated: true },
  ports: { attribute: "port", kind: "port", negated: false },
  notPorts: { attribute: "port", kind: "port", negated: true },
  methods: { attribute: "method", kind: "request", negated: false },
  notMethods: { attribute: "method", kind: "request", negated: true },
  paths: { attribute: "path", kind: "request", negated: false },
  notPaths: { attribute: "path", kind: "request", negated: true },
};

export function sourceFieldInfo(field: SourceField): FieldInfo {
  return { ...SOURCE_FIELD_INFO[field], label: field };
}

export function operationFieldInfo(field: OperationField): FieldInfo {
  return { ...OPERATION_FIELD_INFO[field], label: field };
}

const WHEN_KEYS: Record<string, Omit<FieldInfo, "negated" | "label">> = {
  "source.ip": { attribute: "ip", kind: "network" },
  "remote.ip": { attribute: "remoteIp", kind: "network" },
  "source.namespace": { attribute: "namespace", kind: "identity" },
  "source.principal": { attribute: "principal", kind: "identity" },
  "source.serviceAccount": { attribute: "serviceAccount", kind: "identity" },
  "source.trustDomain": { attribute: "trustDomain", kind: "identity" },
  "request.auth.principal": { attribute: "requestPrincipal", kind: "request" },
  "request.auth.audiences": { attribute: "audiences", kind: "request" },
  "request.auth.presenter": { attribute: "presenter", kind: "request" },
  "destination.ip": { attribute: "destinationIp", kind: "network" },
  "destination.port": { attribute: "port", kind: "port" },
  "connection.sni": { attribute: "sni", kind: "network" },
};

/**
 * The `when` key's attribute, or undefined for a key Istio does not know (the webhook rejects it; if
 * one reaches istiod the whole rule is skipped, §2.5).
 */
export function whenKeyInfo(key: string, negated: boolean): FieldInfo | undefined {
  const label = `when ${key}${negated ? " (notValues)" : ""}`;
  const fixed = WHEN_KEYS[key];
  if (fixed !== undefined) return { ...fixed, negated, label };
  const header = /^request\.headers\[([^\]]+)\]$/.exec(key);
  if (header !== null) return { attribute: "header", kind: "request", negated, argument: [(header[1] ?? "").toLowerCase()], label };
  if (key.startsWith("request.auth.claims[") && key.endsWith("]")) {
    const names = [...key.slice("request.auth.claims".length).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] ?? "");
    const rebuilt = `request.auth.claims${names.map((n) => `[${n}]`).join("")}`;
    if (names.length > 0 && names.every((n) => n !== "") && rebuilt === key) return { attribute: "claim", kind: "request", negated, argument: names, label };
    return undefined;
  }
  if (/^experimental\.envoy\.filters\.[\w.]+\[[^\]]+\]$/.test(key)) return { attribute: "metadata", kind: "network", negated, label };
  return undefined;
}

/** The fields of a `when` condition: `values` and `notValues` are separate constraints (both must hold). */
export function conditionFields(condition: Pick<RuleCondition, "key" | "values" | "notValues">): Array<{ info: FieldInfo; values: string[] }> | undefined {
  const result: Array<{ info: FieldInfo; values: string[] }> = [];
  for (const [negated, values] of [
    [false, condition.values],
    [true, condition.notValues],
  ] as const) {
    if (values.length === 0) continue;
    const info = whenKeyInfo(condition.key, negated);
    if (info === undefined) return undefined;
    result.push({ info, values });
  }
  return result;
}

// ---- Matching one value against a concrete request ----

export interface ValidatedJwt {
  iss: string;
  sub: string;
  claims: Record<string, unknown>;
}

/** What the server's proxy knows about a request. Absent optional fields are unknown to us, not absent on the wire. */
export interface RequestFacts {
  peer: PeerIdentity | undefined;
  /** The destination (container) port. */
  port: number;
  method?: string;
  /** Normalized path, without query string. */
  path?: string;
  /** `:authority`. */
  host?: string;
  /** Lower-cased header names. */
  headers: Readonly<Record<string, string>>;
  jwt: ValidatedJwt | undefined;
  sourceIp?: string;
  remoteIp?: string;
  destinationIp?: string;
  sni?: string;
}

export type Tri = boolean | "unknown";

/** Three-valued OR: true if any is true, unknown if any is unknown, else false. */
export function anyTri(results: Iterable<Tri>): Tri {
  let unknown = false;
  for (const r of results) {
    if (r === true) return true;
    if (r === "unknown") unknown = true;
  }
  return unknown ? "unknown" : false;
}

export function notTri(value: Tri): Tri {
  return value === "unknown" ? "unknown" : !value;
}

/**
 * Does one policy value match the request's attribute (positive sense; the caller negates `not*`)?
 * Missing identity, token or header makes a positive match false.
 */
export function matchAttribute(info: FieldInfo, pattern: string, facts: RequestFacts, policyNamespace: string): Tri {
  const peer = facts.peer;
  switch (info.attribute) {
    case "principal":
      return peer !== undefined && matchesValue(pattern, peer.principal);
    case "namespace":
      return peer !== undefined && matchesNamespace(pattern, peer.namespace);
    case "serviceAccount": {
      if (peer === undefined) return false;
      const slash = pattern.indexOf("/");
      const namespace = slash === -1 ? policyNamespace : pattern.slice(0, slash);
      return peer.namespace === namespace && peer.serviceAccount === pattern.slice(slash + 1);
    }
    case "trustDomain":
      return peer !== undefined && matchesValue(pattern, peer.trustDomain);
    case "requestPrincipal":
      return facts.jwt !== undefined && matchesRequestPrincipal(pattern, facts.jwt);
    case "audiences":
      return facts.jwt !== undefined && claimValues(facts.jwt.claims, ["aud"]).some((v) => matchesValue(pattern, v));
    case "presenter":
      return facts.jwt !== undefined && claimValues(facts.jwt.claims, ["azp"]).some((v) => matchesValue(pattern, v));
    case "claim":
      return facts.jwt !== undefined && claimValues(facts.jwt.claims, info.argument ?? []).some((v) => matchesValue(pattern, v));
    case "port":
      return String(facts.port) === pattern.trim();
    case "method":
      return facts.method === undefined ? "unknown" : matchesValue(pattern, facts.method);
    case "path":
      return facts.path === undefined ? "unknown" : matchesPath(pattern, facts.path);
    case "host":
      return facts.host === undefined ? "unknown" : matchesHost(pattern, facts.host);
    case "header": {
      const value = facts.headers[info.argument?.[0] ?? ""];
      return value !== undefined && matchesValue(pattern, value);
    }
    case "ip":
      return facts.sourceIp === undefined ? "unknown" : matchesIpBlock(pattern, facts.sourceIp);
    case "remoteIp": {
      const ip = facts.remoteIp ?? facts.sourceIp;
      return ip === undefined ? "unknown" : matchesIpBlock(pattern, ip);
    }
    case "destinationIp":
      return facts.destinationIp === undefined ? "unknown" : matchesIpBlock(pattern, facts.destinationIp);
    case "sni":
      return facts.sni === undefined ? "unknown" : matchesValue(pattern, facts.sni);
    case "metadata":
      return "unknown";
  }
}

/** The field's values against the request: OR of the values, negated for `not*`. */
export function matchField(info: FieldInfo, values: readonly string[], facts: RequestFacts, policyNamespace: string): Tri {
  let any: Tri = false;
  for (const value of values) {
    const r = matchAttribute(info, value, facts, policyNamespace);
    if (r === true) {
      any = true;
      break;
    }
    if (r === "unknown") any = "unknown";
  }
  return info.negated ? notTri(any) : any;
}

/**
 * A JWT claim as the strings Istio compares: a list matches if any element does (§2.5); `scope` and
 * `permission` are space-delimited lists; nested claims follow `[a][b]`.
 */
export function claimValues(claims: Record<string, unknown>, path: readonly string[]): string[] {
  let value: unknown = claims;
  for (const name of path) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return [];
    value = (value as Record<string, unknown>)[name];
  }
  const last = path[path.length - 1];
  if (typeof value === "string" && (last === "scope" || last === "permission") && path.length === 1) return value.split(" ").filter((v) => v !== "");
  if (Array.isArray(value)) return value.filter((v) => typeof v !== "object").map(String);
  if (value === undefined || value === null || typeof value === "object") return [];
  return [String(value)];
}

/** A short description of what the request has for this attribute, for "why it did not match". */
export function describeActual(info: FieldInfo, facts: RequestFacts): string {
  switch (info.attribute) {
    case "principal":
      return facts.peer?.principal ?? "no principal (plaintext)";
    case "namespace":
      return facts.peer === undefined ? "no namespace (plaintext)" : `namespace ${facts.peer.namespace}`;
    case "serviceAccount":
      return facts.peer === undefined ? "no service account (plaintext)" : `${facts.peer.namespace}/${facts.peer.serviceAccount}`;
    case "trustDomain":
      return facts.peer?.trustDomain ?? "no trust domain (plaintext)";
    case "requestPrincipal":
      return facts.jwt === undefined ? "no valid JWT" : `${facts.jwt.iss}/${facts.jwt.sub}`;
    case "audiences":
    case "presenter":
    case "claim": {
      if (facts.jwt === undefined) return "no valid JWT";
      const path = info.attribute === "claim" ? (info.argument ?? []) : [info.attribute === "audiences" ? "aud" : "azp"];
      const values = claimValues(facts.jwt.claims, path);
      return values.length === 0 ? `no ${path.join(".")} claim` : values.join(",");
    }
    case "port":
      return String(facts.port);
    case "method":
      return facts.method ?? "method not given";
    case "path":
      return facts.path ?? "path not given";
    case "host":
      return facts.host ?? "host not given";
    case "header": {
      const name = info.argument?.[0] ?? "";
      const value = facts.headers[name];
      return value === undefined ? `no ${name} header` : `${name}: ${value}`;
    }
    case "ip":
      return facts.sourceIp ?? "source IP not given";
    case "remoteIp":
      return facts.remoteIp ?? facts.sourceIp ?? "remote IP not given";
    case "destinationIp":
      return facts.destinationIp ?? "destination IP not given";
    case "sni":
      return facts.sni ?? "SNI not given";
    case "metadata":
      return "Envoy filter metadata (not simulated)";
  }
}
