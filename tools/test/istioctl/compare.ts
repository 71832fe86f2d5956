import { parse } from "yaml";
import { analyzerOfCheck } from "../../src/lint/istio-analyzers.js";
import { LINT_RULES } from "../../src/lint/registry.js";
import type { Finding } from "../../src/model/finding.js";
import { cascadeEffectsOf } from "../../src/pipeline/cascades.js";

/**
 * The differential check between `istioctl analyze --use-kube=false -A` and mesh-policy's own checks
 * (schema, admission, lint) on the same files: findings are compared by IST code and resource
 * (`IST0151 EnvoyFilter vapora/router-rate-limit`), as sets. Findings of analyzers istioctl skipped
 * (it drops Services, Pods, Namespaces, Secrets and Nodes from files) are not comparable and left out.
 * What mesh-policy leaves out because it follows from another of its findings (pipeline/cascades.ts: a
 * subset of a destination whose host does not exist) is not a disagreement either: istioctl reports it
 * where mesh-policy reports the cause.
 */

/** One message of `istioctl analyze -o json`. */
export interface IstioctlMessage {
  code: string;
  level: string;
  message: string;
  /** `Kind namespace/name`, or `Kind name`. */
  origin: string;
}

export interface Disagreement {
  target: string;
  /** `CODE Kind namespace/name`. */
  finding: string;
  /** Which side reports it: only istioctl, or only mesh-policy. */
  side: "istioctl" | "mesh-policy";
  detail: string;
}

export interface Expectation {
  /** A target (fixture path, `env:<name>`), or `*` for every target. */
  target: string;
  finding: string;
  side: Disagreement["side"];
  reason: string;
}

export function keyOfFinding(finding: Finding, code = finding.code): string | undefined {
  if (code === undefined || finding.resource === undefined) return undefined;
  const { kind, namespace, name } = finding.resource;
  return `${code} ${kind} ${namespace === undefined || namespace === "" ? "" : `${namespace}/`}${name}`;
}

const CODE_OF_RULE: ReadonlyMap<string, string> = new Map(LINT_RULES.flatMap((r) => (r.code === undefined ? [] : [[r.id, r.code] as const])));

/** The keys of the coded findings mesh-policy leaves out because these findings cause them (pipeline/cascades.ts). */
function keysHiddenByCascades(ours: readonly Finding[]): Set<string> {
  const hidden = new Set<string>();
  for (const finding of ours) {
    for (const effect of cascadeEffectsOf(finding)) {
      const key = keyOfFinding(finding, CODE_OF_RULE.get(effect));
      if (key !== undefined) hidden.add(key);
    }
  }
  return hidden;
}

export function keyOfMessage(message: IstioctlMessage): string {
  return `${message.code} ${message.origin}`;
}

/**
 * `istioctl analyze -o json` output: a JSON array of messages (`[]` when there are none), after the log
 * lines istioctl may print first on stdout (a document it could not parse, for example).
 */
export function parseIstioctlJson(stdout: string): IstioctlMessage[] {
  const start = stdout.search(/^\[/m);
  if (start === -1) throw new Error(`istioctl printed no JSON array: ${stdout.slice(0, 200)}`);
  const value: unknown = JSON.parse(stdout.slice(start));
  if (!Array.isArray(value)) throw new Error(`istioctl printed no JSON array: ${stdout.slice(0, 200)}`);
  return value.map((m: unknown, i) => {
    const o = (typeof m === "object" && m !== null ? m : {}) as Record<string, unknown>;
    if (typeof o["code"] !== "string" || typeof o["origin"] !== "string") throw new Error(`istioctl message ${i} has no code or origin`);
    return { code: o["code"], level: String(o["level"] ?? ""), message: String(o["message"] ?? ""), origin: o["origin"] };
  });
}

/** The analyzers `istioctl analyze -v` lists as skipped on stderr. */
export function parseSkippedAnalyzers(stderr: string): Set<string> {
  const skipped = new Set<string>();
  let inList = false;
  for (const line of stderr.split("\n")) {
    if (line.startsWith("Skipped analyzers:")) {
      inList = true;
      continue;
    }
    if (!inList) continue;
    if (!/^\s/.test(line) || line.trim() === "") break;
    skipped.add(line.trim());
  }
  return skipped;
}

/** The IST-coded findings on which the two sides disagree, for one target. */
export function compareFindings(target: string, ours: readonly Finding[], theirs: readonly IstioctlMessage[], skipped: ReadonlySet<string>): Disagreement[] {
  const ourKeys = new Map<string, Finding>();
  for (const finding of ours) {
    const key = keyOfFinding(finding);
    if (key === undefined || finding.code === undefined) continue;
    const analyzer = analyzerOfCheck(finding.ruleId, finding.code);
    if (analyzer !== undefined && skipped.has(analyzer.name)) continue;
    if (!ourKeys.has(key)) ourKeys.set(key, finding);
  }
  const theirKeys = new Map<string, IstioctlMessage>();
  for (const message of theirs) if (!theirKeys.has(keyOfMessage(message))) theirKeys.set(keyOfMessage(message), message);
  const hidden = keysHiddenByCascades(ours);
  const disagreements: Disagreement[] = [];
  for (const [key, message] of theirKeys) {
    if (!ourKeys.has(key) && !hidden.has(key)) disagreements.push({ target, finding: key, side: "istioctl", detail: `${message.level}: ${message.message}` });
  }
  for (const [key, finding] of ourKeys) {
    if (!theirKeys.has(key)) disagreements.push({ target, finding: key, side: "mesh-policy", detail: `${finding.ruleId} ${finding.severity}: ${finding.message}` });
  }
  return disagreements.sort((a, b) => (a.finding < b.finding ? -1 : a.finding > b.finding ? 1 : 0));
}

export function parseExpectations(text: string): Expectation[] {
  const value: unknown = parse(text);
  const list = (typeof value === "object" && value !== null ? (value as Record<string, unknown>)["expected"] : undefined) ?? [];
  if (!Array.isArray(list)) throw new Error("expectations: `expected` is not a list");
  return list.map((entry: unknown, i) => {
    const o = (typeof entry === "object" && entry !== null ? entry : {}) as Record<string, unknown>;
    const { target, finding, side, reason } = o;
    if (typeof target !== "string" || typeof finding !== "string" || (side !== "istioctl" && side !== "mesh-policy")) {
      throw new Error(`expectations: expected[${i}] needs target, finding and side (istioctl or mesh-policy)`);
    }
    if (typeof reason !== "string" || reason.trim().length < 10) throw new Error(`expectations: expected[${i}] (${finding}) needs a reason`);
    return { target, finding, side, reason };
  });
}

/** The expectation that explains a disagreement, if any. */
export function expectationFor(disagreement: Disagreement, expectations: readonly Expectation[]): Expectation | undefined {
  return expectations.find(
    (e) => (e.target === "*" || e.target === disagreement.target) && e.finding === disagreement.finding && e.side === disagreement.side,
  );
}
