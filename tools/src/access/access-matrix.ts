import type { ParsedAuthorizationPolicy } from "../mesh/authorization-policy.js";
import { objectAt } from "../mesh/fields.js";
import type { MtlsMode } from "../mesh/peer-authentication.js";
import type { Resource } from "../model/resource.js";
import { UserError } from "../model/errors.js";
import { isJsonObject } from "../model/resource.js";
import { compareStrings } from "../util/compare-strings.js";
import { ALWAYS, NEVER, compileRule, disjointConjunctions, formatConjunction, formatDnf, implies, peerFacts, residualFor, simplifyDnf, type CompiledRule, type Dnf } from "./access-conditions.js";
import { policiesForWorkload } from "./authorization.js";
import { matrixSources, peerOf, type SourceIdentity } from "./identity.js";
import { buildAccessModel, type AccessModel, type AccessWorkload, type PortProtocol, type WorkloadPort } from "./mesh-model.js";
import { clientSends, connectionOutcome, serverMtlsMode, type Connection } from "./mtls.js";
import type { RequestFacts } from "./rule-fields.js";
import { painter, type Colour } from "../report/paint.js";

/**
 * Who can reach whom: for every source identity × every workload target port, `allowed`, `denied`
 * or `conditional` (allowed for some requests only, with the conditions listed). Computed per
 * (workload, port) from the policies indexed for that workload, by partial evaluation of each rule
 * (access-conditions.ts), never by enumerating requests.
 */

export type CellStatus = "allowed" | "conditional" | "denied";

export interface MatrixCell {
  status: CellStatus;
  /** Conditional: alternatives, any of which is allowed (`GET,POST /api/* with JWT`). */
  conditions: string[];
  /** Requests taken out again by DENY rules, or handed to an external authorizer (CUSTOM). */
  except: string[];
  /** One line: what decided. */
  reason: string;
  /** The policies that decided (`namespace/name`), sorted. */
  policies: string[];
}

export interface MatrixSource {
  id: string;
  label: string;
  kind: SourceIdentity["kind"];
  principal: string | undefined;
  /** The workloads (`namespace/name`) running as this identity. */
  workloads: string[];
}

export interface MatrixTarget {
  /** `namespace/group:port`, or `namespace/workload:port` when the versions of a group differ. */
  id: string;
  label: string;
  namespace: string;
  group: string;
  workloads: string[];
  port: number;
  protocol: PortProtocol;
  /** The server's PeerAuthentication mode on this port. */
  mtls: MtlsMode;
  /** The Service ports that land here (`service:port`). */
  via: string[];
}

export interface AccessMatrix {
  version: 1;
  environment: string | undefined;
  sources: MatrixSource[];
  targets: MatrixTarget[];
  /** `cells[s][t]`: source `sources[s]` to target `targets[t]`. */
  cells: MatrixCell[][];
  /** Policies that select workloads but are not enforced, PeerAuthentications that do not count. */
  notes: string[];
}

export interface MatrixOptions {
  environment?: string;
}

/**
 * One (workload, port) column, its cells computed on demand for any source of its side. What a
 * cell reads besides the source is summed up in `fingerprint` (the workload's port and Services,
 * the policies and JWT issuers that apply, the server's mTLS) and in the side's `clientSide` (the
 * DestinationRules that decide what clients send): two columns with equal fingerprints under equal
 * client sides give equal cells for equal sources (see `sourceFingerprint`).
 */
export interface AccessColumn {
  /** `namespace/workload:port`. */
  key: string;
  workload: AccessWorkload;
  port: WorkloadPort;
  mtls: MtlsMode;
  fingerprint: string;
  /** The cell of `sources[s]` (the sources of the same AccessColumns). */
  cellFor(s: number): MatrixCell;
  /** What clients of a given kind, namespace (and labels) send to this port: compared when client sides differ. */
  clientSends(source: SourceIdentity): string;
}

export interface AccessColumns {
  sources: SourceIdentity[];
  columns: AccessColumn[];
  /** Everything clients read to choose what they send (the DestinationRules, in order). */
  clientSide: string;
  /** Whether what a client sends depends on its labels (some DestinationRule has a workloadSelector). */
  labelSensitive: boolean;
  notes: Set<string>;
}

/** The columns of the access matrix of a model, no cell computed yet. Linear in workloads and the policies that select them. */
export function accessColumns(model: AccessModel): AccessColumns {
  const sources = matrixSources(model);
  const notes = new Set<string>();
  const columns: AccessColumn[] = [];
  // Facts per source, with and without its identity (plaintext hops carry none).
  const withPeer = sources.map((source) => peerFacts(peerOf(source)));
  const withoutPeer = peerFacts(undefined);
  // What a client sends depends on its namespace (DestinationRule lookup), and on its labels only
  // when some DestinationRule has a workloadSelector.
  const destinationRules = model.mesh.kind("DestinationRule");
  const labelSensitive = destinationRules.some((dr) => isJsonObject(objectAt(dr.object, "spec")["workloadSelector"]));
  const clientKeys = sources.map((source) => clientKey(source, labelSensitive));
  const policyTexts = new Map<string, string>();
  const policyText = (policy: ParsedAuthorizationPolicy) => {
    let text = policyTexts.get(policy.id);
    if (text === undefined) policyTexts.set(policy.id, (text = JSON.stringify([policy.id, policy.resource.object["spec"] ?? null])));
    return text;
  };

  for (const workload of model.workloads) {
    const selection = policiesForWorkload(model, workload);
    const issuers = jwtIssuersOf(model, workload);
    for (const ignored of selection.ignored) notes.add(`AuthorizationPolicy ${ignored.policy} ${ignored.reason}`);
    const workloadText = JSON.stringify([workload.id, workload.hasSidecar, issuers]) + selection.applied.map(policyText).join("");
    for (const port of workload.ports) {
      const server = serverMtlsMode(model, workload, port.number);
      for (const note of server.ignored) notes.add(note);
      const service = port.services[0];
      const hop = {
        host: service?.host ?? "",
        servicePort: service?.port ?? port.number,
        serviceNamespace: service?.namespace ?? workload.namespace,
        endpointHasSidecar: workload.hasSidecar,
      };
      let target: CompiledTarget | undefined;
      // The connection depends on the client's kind and namespace, not on the rest of its identity.
      const connections = new Map<string, Connection>();
      const shared = new Map<string, MatrixCell>();
      const cellFor = (s: number): MatrixCell => {
        const source = sources[s] as SourceIdentity;
        if (!workload.hasSidecar) return sharedCell(shared, "allowed", "the workload has no sidecar: no policy is enforced", []);
        const key = clientKeys[s] as string;
        let connection = connections.get(key);
        if (connection === undefined) connections.set(key, (connection = connectionOutcome(source, clientSends(model, source, hop), server)));
        if (connection.outcome === "fails") return sharedCell(shared, "denied", connection.reason, connection.server?.policy === undefined ? [] : [connection.server.policy]);
        if (connection.outcome === "unknown") return cell("conditional", ["if the client's own TLS is accepted (not simulated)"], [], connection.reason, []);
        const facts = connection.outcome === "mtls" ? (withPeer[s] as RequestFacts) : withoutPeer;
        target ??= compileTarget(selection.applied, port.number, port.protocol, issuers);
        return decide(target, facts, port.protocol, connection.outcome === "plaintext" ? "plaintext: no peer identity" : undefined, shared);
      };
      columns.push({
        key: `${workload.id}:${port.number}`,
        workload,
        port,
        mtls: server.mode,
        fingerprint:
          workloadText +
          JSON.stringify([port.number, port.protocol, hop, server.mode, server.level, server.policy ?? null, model.policyModel.namespaceMtls(hop.serviceNamespace).mode]),
        cellFor,
        clientSends: (source) => JSON.stringify(clientSends(model, source, hop)),
      });
    }
  }
  return { sources, columns, clientSide: JSON.stringify(destinationRules.map((dr) => dr.object)), labelSensitive, notes };
}

/** What decides what a client sends: its kind and namespace, and its labels when DestinationRules select clients. */
export function clientKey(source: SourceIdentity, labelSensitive: boolean): string {
  return labelSensitive ? `${source.id}\u0000${JSON.stringify(source.labels)}` : `${source.proxied ? "p" : "-"}${source.namespace ?? ""}`;
}

/** Everything of a source that its cells read (with the column's fingerprint and the client side). */
export function sourceFingerprint(source: SourceIdentity): string {
  return JSON.stringify([source.kind, source.namespace ?? null, source.serviceAccount ?? null, source.principal ?? null, source.proxied, source.labels]);
}

/** The access matrix of a set of rendered resources (or a model already built from them). */
export function computeAccessMatrix(input: readonly Resource[] | AccessModel, options: MatrixOptions = {}): AccessMatrix {
  const model = isModel(input) ? input : buildAccessModel(input);
  const plan = accessColumns(model);
  const { sources, notes } = plan;
  const columns = plan.columns.map((column) => ({ workload: column.workload, port: column.port, mtls: column.mtls, cells: sources.map((_, s) => column.cellFor(s)) }));

  // Collapse the versions of a group (stable/canary) into one column when they are treated alike.
  const groups = new Map<string, typeof columns>();
  for (const column of columns) {
    const key = `${column.workload.namespace}/${column.workload.group}:${column.port.number}`;
    groups.set(key, [...(groups.get(key) ?? []), column]);
  }
  const targets: MatrixTarget[] = [];
  const targetCells: MatrixCell[][] = [];
  for (const [key, group] of [...groups.entries()].sort((a, b) => compareStrings(a[0], b[0]))) {
    const first = group[0];
    if (first === undefined) continue;
    const alike = group.every((c) => c.mtls === first.mtls && c.port.protocol === first.port.protocol && c.cells.every((x, i) => sameCell(x, first.cells[i])));
    const parts = alike ? [group] : group.map((c) => [c]);
    for (const part of parts) {
      const head = part[0] as (typeof columns)[number];
      const name = alike ? head.workload.group : head.workload.name;
      targets.push({
        id: alike ? key : `${head.workload.namespace}/${name}:${head.port.number}`,
        label: `${name}:${head.port.number}`,
        namespace: head.workload.namespace,
        group: head.workload.group,
        workloads: part.map((c) => c.workload.id),
        port: head.port.number,
        protocol: head.port.protocol,
        mtls: head.mtls,
        via: [...new Set(part.flatMap((c) => c.port.services.map((s) => `${s.name}:${s.port}`)))].sort(),
      });
      targetCells.push(head.cells);
    }
  }
  const labelCounts = new Map<string, number>();
  for (const t of targets) labelCounts.set(t.label, (labelCounts.get(t.label) ?? 0) + 1);
  for (const t of targets) if ((labelCounts.get(t.label) ?? 0) > 1) t.label = t.id;

  return {
    version: 1,
    environment: options.environment,
    sources: sources.map((s) => ({ id: s.id, label: s.label, kind: s.kind, principal: s.principal, workloads: s.workloads })),
    targets,
    cells: sources.map((_, s) => targetCells.map((column) => column[s] as MatrixCell)),
    notes: [...notes].sort(),
  };
}

function isModel(input: readonly Resource[] | AccessModel): input is AccessModel {
  return !Array.isArray(input);
}

interface CompiledTarget {
  allow: CompiledRule[];
  deny: CompiledRule[];
  custom: CompiledRule[];
  allowPolicies: string[];
}

/** The issuers of the RequestAuthentications that apply to a workload (targetRef ones do not, §2.1). */
function jwtIssuersOf(model: AccessModel, workload: AccessWorkload): string[] {
  return model.policyModel
    .requestAuthenticationsSelecting(workload.namespace, workload.labels)
    .filter((ra) => !ra.hasTargetRefs)
    .flatMap((ra) => ra.jwtRules.map((rule) => rule.issuer))
    .filter((issuer) => issuer !== "");
}

function compileTarget(policies: readonly ParsedAuthorizationPolicy[], port: number, protocol: PortProtocol, issuers: readonly string[]): CompiledTarget {
  const target: CompiledTarget = { allow: [], deny: [], custom: [], allowPolicies: [] };
  for (const policy of policies) {
    if (policy.action === "AUDIT") continue;
    if (policy.action === "ALLOW") target.allowPolicies.push(policy.id);
    const list = policy.action === "ALLOW" ? target.allow : policy.action === "DENY" ? target.deny : target.custom;
    for (const rule of policy.rules) {
      const compiled = compileRule(policy, rule, port, protocol, issuers);
      if (compiled !== undefined) list.push(compiled);
    }
  }
  return target;
}

function union(rules: readonly CompiledRule[], facts: RequestFacts, protocol: PortProtocol, used: string[]): Dnf {
  let result: Dnf | undefined;
  for (const compiled of rules) {
    const dnf = residualFor(compiled, facts, protocol);
    if (dnf.length === 0) continue;
    if (!used.includes(compiled.policy.id)) used.push(compiled.policy.id);
    if (result === undefined && dnf.length > 0) result = [];
    for (const conjunction of dnf) result?.push(conjunction);
  }
  if (result === undefined) return NEVER;
  return result.length <= 1 ? result : simplifyDnf(result, protocol);
}

function decide(target: CompiledTarget, facts: RequestFacts, protocol: PortProtocol, note: string | undefined, shared: Map<string, MatrixCell>): MatrixCell {
  const suffix = note === undefined ? "" : ` (${note})`;
  // Istio's order: DENY before ALLOW, so a DENY that takes every request is what decides.
  const denyUsed: string[] = [];
  const deny = union(target.deny, facts, protocol, denyUsed);
  if (deny.some((c) => c.length === 0)) {
    return cell("denied", [], [], `DENY ${[...denyUsed].sort().join(", ")} matches every request${suffix}`, [...denyUsed]);
  }
  const allowUsed: string[] = [];
  let allow: Dnf;
  if (target.allowPolicies.length === 0) {
    allow = ALWAYS;
  } else {
    allow = union(target.allow, facts, protocol, allowUsed);
    if (allow.length === 0) return sharedCell(shared, "denied", `no ALLOW rule matches${suffix}`, target.allowPolicies);
  }
  // A DENY conjunction that covers an ALLOW conjunction removes it entirely.
  const remaining = allow.filter((a) => !deny.some((d) => implies(a, d)));
  if (remaining.length === 0) {
    return cell("denied", [], [], `DENY ${[...denyUsed].sort().join(", ")} covers everything ALLOW permits${suffix}`, [...denyUsed, ...allowUsed]);
  }
  const customUsed: string[] = [];
  // Only the DENY/CUSTOM parts that can overlap what is allowed are worth listing.
  const overlapping = (dnf: Dnf) => dnf.filter((d) => remaining.some((a) => !disjointConjunctions(a, d)));
  const custom = overlapping(union(target.custom, facts, protocol, customUsed));
  const except = [
    ...formatDnf(overlapping(deny)).map((d) => `DENY ${d}`),
    ...formatDnf(custom).map((c) => `external authorizer (${[...new Set(target.custom.filter((r) => customUsed.includes(r.policy.id)).map((r) => r.policy.provider ?? "?"))].join(",")}) decides ${c}`),
  ];
  const policies = [...allowUsed, ...denyUsed, ...customUsed];
  const unconditional = remaining.some((c) => c.length === 0);
  const by = target.allowPolicies.length === 0 ? "no ALLOW policy applies" : `ALLOW ${[...allowUsed].sort().join(", ")}`;
  if (unconditional && except.length === 0) return cell("allowed", [], [], `${by}${suffix}`, policies);
  const conditions = unconditional ? [formatConjunction([])] : formatDnf(remaining);
  return withRequests(cell("conditional", conditions, except, `${by}${suffix}`, policies), { allow: unconditional ? ALWAYS : remaining, except: [...overlapping(deny), ...custom] });
}

/** The structured requests behind a conditional cell (not serialized): what `allow` permits minus `except`. */
export interface CellRequests {
  allow: Dnf;
  except: Dnf;
}

const REQUESTS = Symbol("requests");

function withRequests(target: MatrixCell, requests: CellRequests): MatrixCell {
  Object.defineProperty(target, REQUESTS, { value: requests, enumerable: false });
  return target;
}

/** The structured conditions of a cell computed in this process; undefined for allowed/denied cells or cells read back from JSON. */
export function cellRequests(target: MatrixCell): CellRequests | undefined {
  return (target as unknown as Record<symbol, CellRequests | undefined>)[REQUESTS];
}

/** Cells that many sources share (same status, reason and policies) are one object per column. */
function sharedCell(shared: Map<string, MatrixCell>, status: CellStatus, reason: string, policies: readonly string[]): MatrixCell {
  const key = `${status}\u0000${reason}`;
  let found = shared.get(key);
  if (found === undefined) shared.set(key, (found = cell(status, [], [], reason, policies)));
  return found;
}

function cell(status: CellStatus, conditions: string[], except: string[], reason: string, policies: readonly string[]): MatrixCell {
  return { status, conditions, except, reason, policies: [...new Set(policies)].sort() };
}

function sameCell(a: MatrixCell, b: MatrixCell | undefined): boolean {
  if (b === undefined) return false;
  return (
    a.status === b.status &&
    a.reason === b.reason &&
    a.conditions.length === b.conditions.length &&
    a.conditions.every((c, i) => c === b.conditions[i]) &&
    a.except.length === b.except.length &&
    a.except.every((c, i) => c === b.except[i]) &&
    a.policies.length === b.policies.length &&
    a.policies.every((c, i) => c === b.policies[i])
  );
}

/** The cell for a source and a target, by id. */
export function cellOf(matrix: AccessMatrix, sourceId: string, targetId: string): MatrixCell | undefined {
  const s = matrix.sources.findIndex((x) => x.id === sourceId);
  const t = matrix.targets.findIndex((x) => x.id === targetId);
  return s === -1 || t === -1 ? undefined : matrix.cells[s]?.[t];
}

export interface MatrixTextOptions {
  /** Print only allowed and conditional edges, and count the denied ones (for large meshes). */
  hideDenied?: boolean;
  /** ANSI colours for the status words (a terminal). */
  color?: boolean;
}

/** Pairs the text listing shows one line each (about 100 MB of text); beyond, it is refused rather than exhausting memory. */
export const MAX_TEXT_PAIRS = 1_000_000;

const STATUS_COLOUR: Record<CellStatus, Colour> = { allowed: "green", conditional: "yellow", denied: "dim" };

/** A readable, deterministic text listing: one block per workload port, one line per source. */
export function formatAccessMatrixText(matrix: AccessMatrix, options: MatrixTextOptions = {}): string {
  const pairs = matrix.sources.length * matrix.targets.length;
  if (options.hideDenied !== true && pairs > MAX_TEXT_PAIRS) {
    throw new UserError(
      `the text listing of ${matrix.environment ?? "this mesh"} would have one line for each of its ${pairs} pairs ` +
        `(${matrix.sources.length} sources × ${matrix.targets.length} targets), more than ${MAX_TEXT_PAIRS}: ` +
        "use --format json, html or mermaid (they list the allowed edges only), or explain --from --to for one pair",
    );
  }
  const paint = painter(options.color);
  const lines: string[] = [`access matrix${matrix.environment === undefined ? "" : ` (${matrix.environment})`}: ${matrix.sources.length} sources × ${matrix.targets.length} targets`];
  let hidden = 0;
  matrix.targets.forEach((target, t) => {
    lines.push(`${target.id} [${target.protocol}, mTLS ${target.mtls}]`);
    matrix.sources.forEach((source, s) => {
      const c = matrix.cells[s]?.[t];
      if (c === undefined) return;
      if (options.hideDenied === true && c.status === "denied") {
        hidden++;
        return;
      }
      const detail = c.status === "conditional" ? `: ${c.conditions.join(" | ")}${c.except.length > 0 ? `; except ${c.except.join(" | ")}` : ""}` : "";
      const status = paint(STATUS_COLOUR[c.status], c.status) + " ".repeat(Math.max(0, 11 - c.status.length));
      lines.push(`  ${source.label.padEnd(28)} ${status}${detail}  — ${c.reason}`);
    });
  });
  if (options.hideDenied === true) lines.push(`${hidden} denied pairs not shown`);
  if (matrix.notes.length > 0) lines.push("notes:", ...matrix.notes.map((n) => `  ${n}`));
  return `${lines.join("\n")}\n`;
}
