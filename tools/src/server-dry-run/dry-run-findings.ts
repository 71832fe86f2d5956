import type { Finding } from "../model/finding.js";
import { isJsonObject, pointerOf, refOf, type Resource } from "../model/resource.js";
import type { DryRunVerdict } from "./server-dry-run.js";

export const SERVER_DRY_RUN_RULE = "server-dry-run";

/**
 * The verdicts as findings at the source file and line: a rejection is an error (one per cause,
 * at the field the API server names), a warning the server or a webhook sent is a warning, an
 * object the cluster could not judge is an error (a check that did not happen must not look like
 * a pass), except objects in a namespace the render itself creates: the cluster cannot judge
 * them before the namespace exists, which is a warning per namespace.
 */
export function dryRunFindings(verdicts: readonly DryRunVerdict[], clusterName: string): Finding[] {
  const findings: Finding[] = [];
  const renderedNamespaces = new Map(
    verdicts.filter((v) => v.resource.kind === "Namespace" && v.resource.apiVersion === "v1").map((v) => [v.resource.name, v.resource] as const),
  );
  const waitingForNamespace = new Map<string, Resource[]>();
  for (const verdict of verdicts) {
    const { resource } = verdict;
    const at = (message: string, severity: Finding["severity"], pointer = ""): Finding => ({
      ruleId: SERVER_DRY_RUN_RULE,
      severity,
      message,
      resource: refOf(resource),
      location: resource.origin.locate(pointer),
    });
    if (verdict.outcome === "not-checked") {
      const namespace = resource.namespace;
      if (verdict.reason === "namespace-missing" && namespace !== undefined && renderedNamespaces.has(namespace)) {
        waitingForNamespace.set(namespace, [...(waitingForNamespace.get(namespace) ?? []), resource]);
        continue;
      }
      findings.push(at(`not checked by the API server (${clusterName}): ${verdict.message}`, "error"));
      continue;
    }
    for (const warning of verdict.warnings) findings.push(at(`the API server warns (${clusterName}): ${warning}`, "warning"));
    if (verdict.outcome === "accepted") continue;
    if (verdict.causes.length === 0) {
      findings.push(at(`the API server rejects it (${clusterName}): ${verdict.message}`, "error"));
      continue;
    }
    for (const cause of verdict.causes) {
      const pointer = cause.field === undefined ? "" : pointerForField(resource.object, cause.field);
      const named = cause.field === undefined || cause.message.startsWith(cause.field) || cause.message.startsWith(`.${cause.field}`) ? cause.message : `${cause.field}: ${cause.message}`;
      findings.push(at(`the API server rejects it (${clusterName}): ${named}`, "error", pointer));
    }
  }
  for (const [namespace, waiting] of waitingForNamespace) {
    const namespaceObject = renderedNamespaces.get(namespace);
    if (namespaceObject === undefined) continue;
    findings.push({
      ruleId: SERVER_DRY_RUN_RULE,
      severity: "warning",
      message:
        `${waiting.length} object${waiting.length === 1 ? "" : "s"} in namespace ${namespace} not checked by the API server (${clusterName}): ` +
        `the namespace does not exist there yet (this render creates it); dry-run against a cluster that has it`,
      resource: refOf(namespaceObject),
      location: namespaceObject.origin.locate(""),
    });
  }
  return findings;
}

/**
 * The JSON pointer of a field path as the API server prints it (`spec.http[0].route[1].weight`,
 * `metadata.labels[app]`, `.spec.foo`), resolved against the object: `[x]` is a list index where
 * the object has a list, else a map key. The walk stops at the deepest field the object has.
 */
export function pointerForField(object: unknown, field: string): string {
  const segments: Array<string | number> = [];
  let current: unknown = object;
  for (const token of fieldTokens(field)) {
    if (Array.isArray(current) && /^\d+$/.test(token)) {
      const index = Number(token);
      segments.push(index);
      current = current[index];
    } else if (isJsonObject(current)) {
      segments.push(token);
      current = current[token];
    } else {
      segments.push(token);
      current = undefined;
    }
  }
  return pointerOf(...segments);
}

function fieldTokens(field: string): string[] {
  const tokens: string[] = [];
  const pattern = /\[([^\]]*)\]|\.?([^.[\]]+)/g;
  for (const match of field.replace(/^\./, "").matchAll(pattern)) {
    const token = match[1] ?? match[2];
    if (token !== undefined) tokens.push(token);
  }
  return tokens;
}
