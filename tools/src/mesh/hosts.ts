import type { Resource } from "../model/resource.js";

/**
 * Names as Istio resolves them: namespaces, Service hosts, wildcards and `exportTo` visibility
 * (istio-semantics.md §4.2, §4.3).
 */

export const DEFAULT_NAMESPACE = "default";
export const ROOT_NAMESPACE = "istio-system";
export const CLUSTER_DOMAIN = "cluster.local";

export function namespaceOf(resource: Resource): string {
  return resource.namespace ?? DEFAULT_NAMESPACE;
}

export function serviceHost(name: string, namespace: string): string {
  return `${name}.${namespace}.svc.${CLUSTER_DOMAIN}`;
}

/** Istio's short-name rule: a host without a dot is a Service in the namespace of the rule that names it. */
export function resolveHost(host: string, namespace: string): string {
  if (host === "*" || host.includes(".") || /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(":")) return host;
  return serviceHost(host, namespace);
}

/** The namespace of a `<name>.<namespace>.svc.cluster.local` host; undefined for other hosts. */
export function namespaceOfHost(host: string): string | undefined {
  const suffix = `.svc.${CLUSTER_DOMAIN}`;
  if (!host.toLowerCase().endsWith(suffix)) return undefined;
  const labels = host.slice(0, -suffix.length).split(".");
  return labels.length === 2 && labels[0] !== "*" ? labels[1] : undefined;
}

const wildcardCache = new Map<string, readonly string[]>();

/** The wildcards that cover a host, most specific first: `a.b.c` → `*.b.c`, `*.c`, `*`. */
export function wildcardsCovering(host: string): readonly string[] {
  const cached = wildcardCache.get(host);
  if (cached !== undefined) return cached;
  const labels = host.split(".");
  const result: string[] = [];
  for (let i = 1; i < labels.length; i++) result.push(`*.${labels.slice(i).join(".")}`);
  if (host !== "*") result.push("*");
  // Bounded: lookups repeat the same few hosts; a long run must not grow without end.
  if (wildcardCache.size > 10_000) wildcardCache.clear();
  wildcardCache.set(host, result);
  return result;
}

/** Istio `host.Name.Matches`: equal, or one is a wildcard (`*`, `*.x`, `*x`) covering the other (compared as written). */
export function hostsMatch(a: string, b: string): boolean {
  const aWild = a.startsWith("*");
  const bWild = b.startsWith("*");
  if (aWild && bWild) return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  if (aWild) return b.endsWith(a.slice(1));
  if (bWild) return a.endsWith(b.slice(1));
  return a === b;
}

/** Istio `host.Name.SubsetOf`: every host `a` matches is also matched by `b`. */
export function hostSubsetOf(a: string, b: string): boolean {
  const aWild = a.startsWith("*");
  const bWild = b.startsWith("*");
  if (bWild) {
    if (b.length === 1) return true; // `*` covers everything
    return a.endsWith(b.slice(1)); // `*.x` covers `y.x` and `*.y.x`
  }
  return !aWild && a === b;
}

/** Whether two hosts overlap the way the registry compares them: hostsMatch, case-insensitive (DNS names). */
export function hostsOverlap(a: string, b: string): boolean {
  return hostsMatch(a.toLowerCase(), b.toLowerCase());
}

/** `exportTo` as written (or the Service annotation's list), normalised: `.` becomes `namespace`, `~` sees nobody, default is everyone. */
export function normaliseExportTo(exportTo: readonly string[] | undefined, namespace: string): string[] {
  if (exportTo === undefined || exportTo.length === 0) return ["*"];
  const result = new Set<string>();
  for (const entry of exportTo.map((e) => e.trim())) {
    if (entry === "~" || entry === "") continue;
    result.add(entry === "." ? namespace : entry);
  }
  return [...result];
}

/** Whether a normalised exportTo (normaliseExportTo) lets `namespace` see the object. */
export function isExportedTo(exportTo: readonly string[], namespace: string): boolean {
  return exportTo.includes("*") || exportTo.includes(namespace);
}
