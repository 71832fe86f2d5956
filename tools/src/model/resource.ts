import type { ResourceRef, SourceLocation } from "./finding.js";

export type JsonObject = { [key: string]: unknown };

/** Where a resource came from, and how to find the line of any of its fields. */
export interface ResourceOrigin {
  file: string;
  line: number;
  /**
   * The best source location for a JSON pointer into the object (the nearest field that exists).
   * `related`: other fields the question depends on (a retry budget depends on the timeout); where
   * a patch sets one of them and not the field itself, the patch is the place to look.
   */
  locate(pointer: string, related?: readonly string[]): SourceLocation;
}

export interface Resource {
  apiVersion: string;
  kind: string;
  name: string;
  /** As written; undefined for cluster-scoped kinds and for namespaced ones that leave it to the applier. */
  namespace: string | undefined;
  object: JsonObject;
  origin: ResourceOrigin;
}

export function refOf(resource: Resource): ResourceRef {
  return {
    apiVersion: resource.apiVersion,
    kind: resource.kind,
    ...(resource.namespace === undefined ? {} : { namespace: resource.namespace }),
    name: resource.name,
  };
}

export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash === -1 ? "" : apiVersion.slice(0, slash);
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** JSON pointer encoding of one path segment (RFC 6901). */
export function pointerOf(...segments: ReadonlyArray<string | number>): string {
  return segments.map((s) => "/" + String(s).replaceAll("~", "~0").replaceAll("/", "~1")).join("");
}

export function pointerSegments(pointer: string): string[] {
  if (pointer === "" || pointer === "/") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
}
