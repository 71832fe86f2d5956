import type { PeerIdentity } from "./identity.js";
import type { PortProtocol } from "./mesh-model.js";
import { invalidWhenKey, isHttpOnly, ruleHasHttpOnlyField } from "./authorization.js";
import { OPERATION_FIELDS, SOURCE_FIELDS, type AuthorizationRule, type ParsedAuthorizationPolicy } from "../mesh/authorization-policy.js";
import { conditionFields, matchField, operationFieldInfo, sourceFieldInfo, type Attribute, type FieldInfo, type RequestFacts } from "./rule-fields.js";
import { isPathTemplate, matchesHost, matchesPath, matchesRequestPrincipal, matchesValue, requestPrincipalIssuerCanMatch } from "../mesh/string-match.js";

/**
 * Symbolic evaluation for the access matrix: a rule is partially evaluated for one target port and
 * one peer identity (both known), leaving the request attributes (method, path, host, JWT, headers,
 * IPs) as constraints. The result of a rule is a disjunction of conjunctions of constraints (DNF):
 * `[]` never matches, `[[]]` always matches.
 */

export interface Constraint {
  info: FieldInfo;
  values: string[];
}
export type Conjunction = Constraint[];
export type Dnf = Conjunction[];

export const NEVER: Dnf = [];
export const ALWAYS: Dnf = [[]];

/** A rule prepared for one target port and protocol: the port and HTTP/TCP handling are already applied. */
export interface CompiledRule {
  policy: ParsedAuthorizationPolicy;
  rule: AuthorizationRule;
  /** Per `from` entry: the identity fields to check, and the request constraints it adds. Undefined = any source. */
  from: Array<{ identity: Constraint[]; residual: Conjunction }> | undefined;
  /** The `to` entries left after the port check, as request constraints. */
  to: Dnf;
  whenIdentity: Constraint[];
  whenResidual: Conjunction;
  /** Set when the result does not depend on the caller (no `from`, no identity `when`): computed once. */
  constant: Dnf | undefined;
}

/** JWT attributes: they exist only when a RequestAuthentication of the workload validated the token. */
const JWT_ATTRIBUTES = new Set<Attribute>(["requestPrincipal", "claim", "audiences", "presenter"]);

/**
 * Applies what the workload's RequestAuthentications make possible (`issuers`: the jwtRules issuers;
 * empty = none applies, so no request has a request principal or claims): a positive JWT constraint
 * keeps only the values some configured issuer can satisfy (none left = the conjunction is false); a
 * negated one is always true without any RequestAuthentication. Returns undefined for a false conjunction.
 */
export function restrictToIssuers(conjunction: Conjunction, issuers: readonly string[]): Conjunction | undefined {
  if (!conjunction.some((c) => JWT_ATTRIBUTES.has(c.info.attribute))) return conjunction;
  const result: Conjunction = [];
  for (const constraint of conjunction) {
    if (!JWT_ATTRIBUTES.has(constraint.info.attribute)) {
      result.push(constraint);
      continue;
    }
    if (constraint.info.negated) {
      if (issuers.length > 0) result.push(constraint);
      continue;
    }
    if (issuers.length === 0) return undefined;
    if (constraint.info.attribute !== "requestPrincipal") {
      result.push(constraint);
      continue;
    }
    const values = constraint.values.filter((v) => issuers.some((issuer) => requestPrincipalIssuerCanMatch(v, issuer)));
    if (values.length === 0) return undefined;
    result.push({ info: constraint.info, values });
  }
  return result;
}

/**
 * Prepares a rule for a port. Returns undefined when the rule cannot match on this port whoever
 * calls: an entry of `rules` that is not a rule (null), an invalid `when` key, an ALLOW rule with an HTTP-only field on a TCP port, no `to` entry
 * for this port, a failed `destination.port` condition, or a JWT requirement no RequestAuthentication
 * of the workload can satisfy (`issuers`).
 */
export function compileRule(policy: ParsedAuthorizationPolicy, rule: AuthorizationRule, port: number, protocol: PortProtocol, issuers: readonly string[] = []): CompiledRule | undefined {
  if (rule.invalid !== undefined || invalidWhenKey(rule) !== undefined) return undefined;
  const tcp = protocol === "TCP";
  if (tcp && policy.action === "ALLOW" && ruleHasHttpOnlyField(rule)) return undefined;
  const keep = (info: FieldInfo) => !(tcp && isHttpOnly(info));
  const portFacts: RequestFacts = { peer: undefined, port, headers: {}, jwt: undefined };

  let to: Dnf = ALWAYS;
  if (rule.to !== undefined) {
    to = [];
    for (const operation of rule.to) {
      let portOk = true;
      const conjunction: Conjunction = [];
      for (const field of OPERATION_FIELDS) {
        const values = operation[field];
        if (values === undefined) continue;
        const info = operationFieldInfo(field);
        if (!keep(info)) continue;
        if (info.kind === "port") portOk &&= matchField(info, values, portFacts, policy.namespace) === true;
        else conjunction.push({ info, values });
      }
      if (portOk) to.push(conjunction);
    }
    to = simplifyDnf(to, protocol);
    if (to.length === 0) return undefined;
  }

  const whenIdentity: Constraint[] = [];
  let whenResidual: Conjunction | undefined = [];
  for (const condition of rule.conditions) {
    for (const { info, values } of conditionFields(condition) ?? []) {
      if (!keep(info)) continue;
      if (info.kind === "port") {
        if (matchField(info, values, portFacts, policy.namespace) !== true) return undefined;
      } else if (info.kind === "identity") whenIdentity.push({ info, values });
      else whenResidual.push({ info, values });
    }
  }
  whenResidual = restrictToIssuers(whenResidual, issuers);
  if (whenResidual === undefined) return undefined;

  const from =
    rule.from === undefined
      ? undefined
      : rule.from.flatMap((source) => {
          const identity: Constraint[] = [];
          const residual: Conjunction = [];
          for (const field of SOURCE_FIELDS) {
            const values = source[field];
            if (values === undefined) continue;
            const info = sourceFieldInfo(field);
            if (!keep(info)) continue;
            (info.kind === "identity" ? identity : residual).push({ info, values });
          }
          const restricted = restrictToIssuers(residual, issuers);
          return restricted === undefined ? [] : [{ identity, residual: restricted }];
        });
  if (from !== undefined && from.length === 0) return undefined;
  const compiled: CompiledRule = { policy, rule, from, to, whenIdentity, whenResidual, constant: undefined };
  if (from === undefined && whenIdentity.length === 0) compiled.constant = residualFor(compiled, { peer: undefined, port, headers: {}, jwt: undefined }, protocol);
  return compiled;
}

/** Facts that carry only the peer, for `residualFor` (build once per source). */
export function peerFacts(peer: PeerIdentity | undefined): RequestFacts {
  return { peer, port: 0, headers: {}, jwt: undefined };
}

/** The rule for one peer (`facts.peer` undefined = plaintext, no identity): the request constraints under which it matches. */
export function residualFor(compiled: CompiledRule, facts: RequestFacts, protocol: PortProtocol): Dnf {
  if (compiled.constant !== undefined) return compiled.constant;
  const namespace = compiled.policy.namespace;
  for (const { info, values } of compiled.whenIdentity) if (matchField(info, values, facts, namespace) !== true) return NEVER;
  let fromDnf: Dnf = ALWAYS;
  if (compiled.from !== undefined) {
    // No allocation on the common path where no entry matches this caller.
    let matched: Dnf | undefined;
    for (const entry of compiled.from) {
      let ok = true;
      for (const { info, values } of entry.identity) {
        if (matchField(info, values, facts, namespace) !== true) {
          ok = false;
          break;
        }
      }
      if (ok) (matched ??= []).push(entry.residual);
    }
    if (matched === undefined) return NEVER;
    fromDnf = matched;
  }
  if (fromDnf.length === 1 && fromDnf[0]?.length === 0 && compiled.to.length === 1 && compiled.to[0]?.length === 0 && compiled.whenResidual.length === 0) {
    return ALWAYS;
  }
  const result: Dnf = [];
  for (const a of fromDnf) for (const b of compiled.to) result.push(a.length === 0 && compiled.whenResidual.length === 0 ? b : [...a, ...b, ...compiled.whenResidual]);
  return result.length === 1 && fromDnf[0]?.length === 0 && compiled.whenResidual.length === 0 ? result : simplifyDnf(result, protocol);
}

// ---- Simplification and implication ----

/** Attributes always present on an HTTP request, so a `*` (presence) value always matches. */
const ALWAYS_PRESENT_ON_HTTP = new Set<Attribute>(["method", "path", "host"]);

/** Drops always-true constraints, removes false conjunctions, and drops conjunctions implied by others. */
export function simplifyDnf(dnf: Dnf, protocol: PortProtocol): Dnf {
  const cleaned: Dnf = [];
  for (const conjunction of dnf) {
    const kept: Conjunction = [];
    let alwaysFalse = false;
    for (const constraint of conjunction) {
      const presence = protocol === "HTTP" && ALWAYS_PRESENT_ON_HTTP.has(constraint.info.attribute) && constraint.values.includes("*");
      if (presence && !constraint.info.negated) continue;
      if (presence && constraint.info.negated) alwaysFalse = true;
      kept.push(constraint);
    }
    if (alwaysFalse) continue;
    if (kept.length === 0) return ALWAYS;
    cleaned.push(kept.sort(compareConstraints));
  }
  // Keep the weakest: a conjunction that implies another (a narrower set of requests) adds nothing.
  const result: Dnf = [];
  cleaned.forEach((conjunction, i) => {
    const redundant = cleaned.some((other, j) => j !== i && implies(conjunction, other) && (!implies(other, conjunction) || j < i));
    if (!redundant) result.push(conjunction);
  });
  return result;
}

/** True when every request that satisfies `a` satisfies `b` (proved from the values; false when unsure). */
export function implies(a: Conjunction, b: Conjunction): boolean {
  return b.every((cb) => a.some((ca) => constraintImplies(ca, cb)));
}

/** True when no request satisfies both conjunctions (proved from the values; false when unsure). */
export function disjointConjunctions(a: Conjunction, b: Conjunction): boolean {
  return a.some((ca) => b.some((cb) => constraintsExclude(ca, cb)));
}

function constraintsExclude(a: Constraint, b: Constraint): boolean {
  if (!sameAttribute(a.info, b.info)) return false;
  const attribute = a.info.attribute;
  if (!a.info.negated && !b.info.negated) return a.values.every((va) => b.values.every((vb) => disjoint(attribute, va, vb)));
  if (!a.info.negated && b.info.negated) return a.values.every((va) => b.values.some((vb) => covers(attribute, vb, va)));
  if (a.info.negated && !b.info.negated) return b.values.every((vb) => a.values.some((va) => covers(attribute, va, vb)));
  return false;
}

function sameAttribute(a: FieldInfo, b: FieldInfo): boolean {
  return a.attribute === b.attribute && (a.argument ?? []).join("\u0000") === (b.argument ?? []).join("\u0000");
}

function constraintImplies(a: Constraint, b: Constraint): boolean {
  if (!sameAttribute(a.info, b.info)) return false;
  const attribute = a.info.attribute;
  if (!a.info.negated && !b.info.negated) return a.values.every((va) => b.values.some((vb) => covers(attribute, vb, va)));
  if (a.info.negated && b.info.negated) return b.values.every((vb) => a.values.some((va) => covers(attribute, va, vb)));
  if (!a.info.negated && b.info.negated) return a.values.every((va) => b.values.every((vb) => disjoint(attribute, va, vb)));
  return false;
}

function isLiteral(value: string): boolean {
  return !value.includes("*") && !isPathTemplate(value);
}

function matchLiteral(attribute: Attribute, pattern: string, literal: string): boolean {
  switch (attribute) {
    case "path":
      return matchesPath(pattern, literal);
    case "host":
      return matchesHost(pattern, literal);
    case "requestPrincipal": {
      const cut = literal.lastIndexOf("/");
      return matchesRequestPrincipal(pattern, cut === -1 ? { iss: literal, sub: "" } : { iss: literal.slice(0, cut), sub: literal.slice(cut + 1) });
    }
    default:
      return matchesValue(pattern, literal);
  }
}

/** Every value matched by pattern `q` is matched by pattern `p`. */
function covers(attribute: Attribute, p: string, q: string): boolean {
  const P = attribute === "host" ? p.toLowerCase() : p;
  const Q = attribute === "host" ? q.toLowerCase() : q;
  if (P === Q) return true;
  if (isLiteral(Q)) return matchLiteral(attribute, P, Q);
  if (attribute === "requestPrincipal") return P === "*";
  if (P === "*") return true;
  const pPrefix = P.length > 1 && P.endsWith("*") && !isPathTemplate(P);
  const pSuffix = P.length > 1 && P.startsWith("*") && !isPathTemplate(P);
  if (isPathTemplate(Q)) return pPrefix && literalPrefixOf(Q).startsWith(P.slice(0, -1));
  if (pPrefix && Q.endsWith("*") && Q !== "*") return Q.slice(0, -1).startsWith(P.slice(0, -1));
  if (pSuffix && Q.startsWith("*") && Q !== "*") return Q.slice(1).endsWith(P.slice(1));
  return false;
}

/** No value matches both patterns (proved; false when unsure). */
function disjoint(attribute: Attribute, a: string, b: string): boolean {
  if (isLiteral(a)) return !matchLiteral(attribute, b, a);
  if (isLiteral(b)) return !matchLiteral(attribute, a, b);
  const prefix = (v: string) => (v.length > 1 && v.endsWith("*") && !isPathTemplate(v) ? v.slice(0, -1) : isPathTemplate(v) ? literalPrefixOf(v) : undefined);
  const pa = prefix(a);
  const pb = prefix(b);
  if (pa !== undefined && pb !== undefined) return !pa.startsWith(pb) && !pb.startsWith(pa);
  return false;
}

function literalPrefixOf(template: string): string {
  const cut = template.indexOf("{");
  return cut === -1 ? template : template.slice(0, cut);
}

const ATTRIBUTE_ORDER: Attribute[] = [
  "method",
  "path",
  "host",
  "header",
  "claim",
  "audiences",
  "presenter",
  "requestPrincipal",
  "ip",
  "remoteIp",
  "destinationIp",
  "sni",
  "metadata",
  "principal",
  "namespace",
  "serviceAccount",
  "trustDomain",
  "port",
];

function compareConstraints(a: Constraint, b: Constraint): number {
  const order = ATTRIBUTE_ORDER.indexOf(a.info.attribute) - ATTRIBUTE_ORDER.indexOf(b.info.attribute);
  if (order !== 0) return order;
  const key = (c: Constraint) => `${(c.info.argument ?? []).join(".")}\u0000${c.info.negated ? 1 : 0}\u0000${c.values.join(",")}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

// ---- Reading ----

/** One conjunction as a reviewer reads it: `GET,POST /api/* with JWT`. */
export function formatConjunction(conjunction: Conjunction): string {
  if (conjunction.length === 0) return "any request";
  return [...conjunction].sort(compareConstraints).map(formatConstraint).join(" ");
}

function formatConstraint({ info, values }: Constraint): string {
  const list = values.join(",");
  const not = info.negated ? "not " : "";
  switch (info.attribute) {
    case "method":
      return `${not}${list}`;
    case "path":
      return info.negated ? `path not ${list}` : list;
    case "host":
      return `host ${not}${list}`;
    case "requestPrincipal":
      if (list === "*") return info.negated ? "without JWT" : "with JWT";
      return info.negated ? `JWT principal not ${list}` : `with JWT ${list}`;
    case "header":
      return `header ${info.argument?.[0] ?? ""}${info.negated ? " not " : "="}${list}`;
    case "claim":
      return `JWT claim ${(info.argument ?? []).join(".")}${info.negated ? " not " : "="}${list}`;
    case "audiences":
      return `JWT aud${info.negated ? " not " : "="}${list}`;
    case "presenter":
      return `JWT azp${info.negated ? " not " : "="}${list}`;
    case "ip":
      return `source IP ${not}${list}`;
    case "remoteIp":
      return `client IP ${not}${list}`;
    case "destinationIp":
      return `destination IP ${not}${list}`;
    case "sni":
      return `SNI ${not}${list}`;
    case "metadata":
      return `${info.label} ${not}${list}`;
    default:
      return `${info.label} ${list}`;
  }
}

/** The conjunctions of a DNF, formatted and sorted. */
export function formatDnf(dnf: Dnf): string[] {
  return [...new Set(dnf.map(formatConjunction))].sort();
}
