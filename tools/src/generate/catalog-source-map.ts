import { readFile } from "node:fs/promises";
import path from "node:path";
import { isJsonObject, pointerSegments, type JsonObject } from "../model/resource.js";
import { CATALOG_FILE } from "./catalog.js";
import { arrayOf, objectOf, outlineJsonnet, type OutlineField, type OutlineValue } from "./jsonnet-outline.js";
import { GENERATED_ROOT } from "./policy-files.js";

/**
 * Where a field of a generated file comes from in the service catalog: the catalog line a person
 * edits, instead of a line of a file that says "do not edit". Recomputed on demand from the
 * catalog's text (no Jsonnet evaluation, so it is as fast as reading one file and is right at any
 * revision): the generator's layout (policy-files.ts) says which catalog entry produced each field
 * (`spec.http[0].timeout` of base/backend/virtual-service.yaml is `workloads.backend.timeout`, rule
 * 2 of an AuthorizationPolicy is the `$.call(...)` of its first caller), and the catalog's outline
 * gives that entry's line. A field the catalog leaves to the library's defaults is attributed to its
 * workload's entry, where an override would go.
 */
export class CatalogSourceMap {
  private constructor(
    /** The catalog, as reports show it (repository-relative). */
    readonly file: string,
    private readonly root: OutlineValue,
  ) {}

  /** The catalog of the repository at `repoRoot`; undefined when it has none. */
  static async load(repoRoot: string): Promise<CatalogSourceMap | undefined> {
    const text = await readFile(path.join(repoRoot, CATALOG_FILE), "utf8").catch(() => undefined);
    return text === undefined ? undefined : new CatalogSourceMap(CATALOG_FILE, outlineJsonnet(text));
  }

  /**
   * The catalog line of `pointer` in `object`, a document of the generated file `generatedFile`
   * (repository-relative, `base/<folder>/<name>.yaml`); undefined for a file in a folder that is
   * not one of the catalog's workloads.
   */
  locate(generatedFile: string, object: JsonObject, pointer: string): number | undefined {
    const match = new RegExp(`^${GENERATED_ROOT}/([^/]+)/([^/]+\\.yaml)$`).exec(generatedFile);
    if (match === null) return undefined;
    const [, folder = "", fileName = ""] = match;
    if (objectOf(objectOf(this.root)?.get("workloads")?.value)?.has(folder) !== true) return undefined;
    const segments = catalogPathOf(this.calls(), folder, fileName, object, pointerSegments(pointer));
    return this.lineOf(segments);
  }

  /** The line of the deepest part of `segments` the catalog spells out. */
  private lineOf(segments: readonly string[]): number {
    let current: OutlineValue | undefined = this.root;
    let line = 1;
    for (const segment of segments) {
      if (/^\d+$/.test(segment)) {
        const item: OutlineValue | undefined = arrayOf(current)?.[Number(segment)];
        if (item === undefined) break;
        line = item.line;
        current = item;
      } else {
        const field: OutlineField | undefined = objectOf(current)?.get(segment);
        if (field === undefined) break;
        line = field.line;
        current = field.value;
      }
    }
    return line;
  }

  private calls(): CatalogCallText[] {
    const items = arrayOf(objectOf(this.root)?.get("calls")?.value) ?? [];
    const externals = this.externalHosts();
    return items.map((item) => {
      const args = item.args;
      const stringsOf = (name: string) => (arrayOf(args?.named.get(name)) ?? []).flatMap((v) => (v.string === undefined ? [] : [v.string]));
      const to = args?.positional[1]?.string;
      return {
        from: args?.positional[0]?.string,
        to,
        methods: stringsOf("methods"),
        paths: stringsOf("paths"),
        externalHosts: to === undefined ? undefined : externals.get(to),
      };
    });
  }

  /** The hosts of every external service the catalog declares, by name. */
  private externalHosts(): Map<string, string[]> {
    const hosts = new Map<string, string[]>();
    for (const workload of objectOf(objectOf(this.root)?.get("workloads")?.value)?.values() ?? []) {
      for (const [name, external] of objectOf(objectOf(workload.value)?.get("external")?.value) ?? []) {
        const list = arrayOf(objectOf(external.value)?.get("hosts")?.value) ?? [];
        hosts.set(name, list.flatMap((v) => (v.string === undefined ? [] : [v.string])));
      }
    }
    return hosts;
  }
}

/** One `$.call(from, to, ...)` of the catalog as written (literal arguments only). */
interface CatalogCallText {
  from: string | undefined;
  to: string | undefined;
  methods: string[];
  paths: string[];
  /** Set when `to` is an external service: its hosts. */
  externalHosts: string[] | undefined;
}

/**
 * The catalog path (`workloads/<folder>/<field>/...` or `calls/<i>`) that produced a field of a
 * generated object, following policy-files.ts; the workload's entry when nothing more precise is
 * known.
 */
function catalogPathOf(
  calls: readonly CatalogCallText[],
  folder: string,
  fileName: string,
  object: JsonObject,
  pointer: readonly string[],
): string[] {
  const workload = ["workloads", folder];
  const at = (...prefix: string[]) => prefix.every((segment, index) => pointer[index] === segment);
  const rest = (count: number) => pointer.slice(count);
  const name = nameOf(object);
  if (at("metadata", "labels") || at("spec", "selector") || at("spec", "workloadSelector")) return [...workload, "labels"];
  switch (fileName) {
    case "service-account.yaml":
      return at("metadata", "name") ? [...workload, "serviceAccount"] : workload;
    case "service.yaml":
      if (at("metadata", "annotations", "mesh-policy.io/service-account")) return [...workload, "serviceAccount"];
      if (at("metadata", "annotations", "mesh-policy.io/versions")) return [...workload, "versions"];
      if (at("spec", "ports")) return [...workload, "ports", ...rest(2)];
      return workload;
    case "virtual-service.yaml": {
      if (!at("spec", "http", "0")) return workload;
      const field = pointer[3];
      if (field === "timeout") return [...workload, "timeout"];
      if (field === "retries") return [...workload, "retries", ...rest(4)];
      if (field === "route" && pointer[4] !== undefined) {
        const version = [...workload, "versions", pointer[4]];
        if (pointer[5] === "weight") return [...version, "weight"];
        if (pointer[6] === "subset") return [...version, "name"];
        if (pointer[6] === "port") return [...workload, "ports", "0", "port"];
        return version;
      }
      return workload;
    }
    case "destination-rule.yaml":
      if (at("spec", "trafficPolicy", "connectionPool")) return [...workload, "connectionPool", ...rest(3)];
      if (at("spec", "trafficPolicy", "outlierDetection")) return [...workload, "outlierDetection", ...rest(3)];
      if (at("spec", "subsets") && pointer[2] !== undefined) {
        const version = [...workload, "versions", pointer[2]];
        return pointer[3] === "labels" ? [...version, "labels"] : pointer[3] === "name" ? [...version, "name"] : version;
      }
      return workload;
    case "authorization-policy.yaml":
      return authorizationPath(calls, workload, object, name?.replace(/^allow-/, ""), pointer);
    case "sidecar.yaml":
      if (at("spec", "outboundTrafficPolicy")) return [...workload, "sidecar", "outboundTrafficPolicy"];
      if (at("spec", "egress", "0", "hosts") && pointer[4] !== undefined) return sidecarHostPath(calls, workload, object, name, Number(pointer[4]));
      return workload;
    case "service-entry.yaml":
      return name === undefined ? workload : [...workload, "external", name, ...(pointer[0] === "spec" ? rest(1) : [])];
    default:
      return workload;
  }
}

/** A rule is the call of its first principal; a principal is the call it was generated for. */
function authorizationPath(
  calls: readonly CatalogCallText[],
  workload: string[],
  object: JsonObject,
  callee: string | undefined,
  pointer: readonly string[],
): string[] {
  if (pointer[0] !== "spec" || pointer[1] !== "rules" || pointer[2] === undefined) return workload;
  const rule = valueAt(object, ["spec", "rules", pointer[2]]);
  const source = valueAt(rule, ["from", "0", "source"]);
  const principals = valueAt(source, ["principals"]);
  const isPrincipal = pointer[3] === "from" && pointer[6] === "principals" && pointer[7] !== undefined;
  const principal = Array.isArray(principals) ? principals[isPrincipal ? Number(pointer[7]) : 0] : undefined;
  const operation = valueAt(rule, ["to", "0", "operation"]);
  const index = callOf(calls, typeof principal === "string" ? principal : undefined, callee, operation);
  return index === undefined ? workload : ["calls", String(index)];
}

function callOf(calls: readonly CatalogCallText[], principal: string | undefined, callee: string | undefined, operation: unknown): number | undefined {
  const account = principal?.split("/").at(-1);
  const candidates = calls.flatMap((call, index) => (call.to === callee && call.from === account ? [index] : []));
  const methods = stringList(valueAt(operation, ["methods"]));
  const paths = stringList(valueAt(operation, ["paths"]));
  const same = candidates.find((index) => {
    const call = calls[index];
    return call !== undefined && sameList(call.methods, methods) && sameList(call.paths, paths);
  });
  if (same !== undefined || candidates[0] !== undefined) return same ?? candidates[0];
  const anyCaller = calls.findIndex((call) => callee !== undefined && call.to === callee);
  return anyCaller === -1 ? undefined : anyCaller;
}

/** A Sidecar host is the first call of the workload that needs it, else the workload's extra hosts. */
function sidecarHostPath(calls: readonly CatalogCallText[], workload: string[], object: JsonObject, caller: string | undefined, index: number): string[] {
  const host = valueAt(object, ["spec", "egress", "0", "hosts", String(index)]);
  if (typeof host !== "string") return workload;
  const call = calls.findIndex(
    (c) =>
      c.from === caller &&
      c.to !== undefined &&
      (c.externalHosts === undefined ? host.startsWith(`./${c.to}.`) : c.externalHosts.some((h) => host === `./${h}`)),
  );
  return call === -1 ? [...workload, "sidecar", "extraEgressHosts"] : ["calls", String(call)];
}

function nameOf(object: JsonObject): string | undefined {
  const name = valueAt(object, ["metadata", "name"]);
  return typeof name === "string" ? name : undefined;
}

function valueAt(value: unknown, segments: readonly string[]): unknown {
  let current = value;
  for (const segment of segments) {
    if (Array.isArray(current)) current = current[Number(segment)];
    else if (isJsonObject(current)) current = current[segment];
    else return undefined;
  }
  return current;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}
