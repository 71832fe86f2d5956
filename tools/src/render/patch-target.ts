import { apiGroupOf, isJsonObject, type Resource } from "../model/resource.js";
import type { PatchTarget } from "./kustomize-inputs.js";

/**
 * Whether a patch `target` selects an object, as kustomize decides it (api/types/selector.go,
 * resWrangler.Select): group, version, kind, name and namespace are regular expressions anchored
 * at both ends, an empty one matches anything; a namespaced object without a namespace is in
 * `default`; labelSelector and annotationSelector are Kubernetes label selectors.
 */
export function targetSelects(target: PatchTarget, resource: Resource): boolean {
  const slash = resource.apiVersion.indexOf("/");
  const version = slash === -1 ? resource.apiVersion : resource.apiVersion.slice(slash + 1);
  return (
    matches(target.group, apiGroupOf(resource.apiVersion)) &&
    matches(target.version, version) &&
    matches(target.kind, resource.kind) &&
    matches(target.name, resource.name) &&
    matches(target.namespace, effectiveNamespace(resource)) &&
    selectorMatches(target.labelSelector, mapAt(resource, "labels")) &&
    selectorMatches(target.annotationSelector, mapAt(resource, "annotations"))
  );
}

/**
 * The literal names of a name pattern that is a plain alternation (`a|b|c`), each of which should
 * select something; undefined for any other regular expression.
 */
export function literalAlternatives(pattern: string): string[] | undefined {
  const names = pattern.split("|");
  return names.every((name) => /^[A-Za-z0-9._-]+$/.test(name)) ? names : undefined;
}

function matches(pattern: string | undefined, value: string): boolean {
  if (pattern === undefined || pattern === "") return true;
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return pattern === value;
  }
}

/** Kinds kustomize knows to be cluster-scoped (the ones a mesh repository may hold). */
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "CustomResourceDefinition",
  "ClusterRole",
  "ClusterRoleBinding",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "PersistentVolume",
  "StorageClass",
  "PriorityClass",
  "APIService",
  "Node",
]);

function effectiveNamespace(resource: Resource): string {
  if (CLUSTER_SCOPED.has(resource.kind)) return "";
  return resource.namespace ?? "default";
}

function mapAt(resource: Resource, key: "labels" | "annotations"): Record<string, string> {
  const metadata = resource.object["metadata"];
  const map = isJsonObject(metadata) ? metadata[key] : undefined;
  const out: Record<string, string> = {};
  if (isJsonObject(map)) for (const [k, v] of Object.entries(map)) if (typeof v === "string") out[k] = v;
  return out;
}

/** `k`, `!k`, `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, comma-separated (ANDed). */
function selectorMatches(selector: string | undefined, map: Record<string, string>): boolean {
  if (selector === undefined || selector.trim() === "") return true;
  return splitRequirements(selector).every((requirement) => {
    const set = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(requirement);
    if (set !== null) {
      const [, key = "", operator, values = ""] = set;
      const allowed = values.split(",").map((v) => v.trim());
      const has = key in map && allowed.includes(map[key] ?? "");
      return operator === "in" ? has : !has;
    }
    const compare = /^([^\s!=]+)\s*(==|=|!=)\s*(\S*)$/.exec(requirement);
    if (compare !== null) {
      const [, key = "", operator, value] = compare;
      return operator === "!=" ? map[key] !== value : map[key] === value;
    }
    if (requirement.startsWith("!")) return !(requirement.slice(1).trim() in map);
    return requirement in map;
  });
}

/** Commas separate requirements, except inside `( )`. */
function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const c of selector) {
    if (c === "(") depth++;
    if (c === ")") depth--;
    if (c === "," && depth === 0) {
      parts.push(current.trim());
      current = "";
    } else current += c;
  }
  parts.push(current.trim());
  return parts.filter((part) => part !== "");
}
