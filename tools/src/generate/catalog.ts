import { access } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../model/errors.js";
import { isJsonObject, type JsonObject } from "../model/resource.js";
import { CatalogError } from "./catalog-error.js";
import { evaluateJsonnetFile } from "./evaluate-jsonnet.js";
import { findImportOutside } from "./jsonnet-imports.js";
import { GENERATED_FILE_NAMES } from "./policy-files.js";
import { locateJsonnetError, parseJsonnetError, type ParsedJsonnetError } from "./jsonnet-error.js";
import { displayPath } from "../util/display-path.js";

/** The service catalog, repository-relative: the one source of truth for base/<workload>/. */
export const CATALOG_FILE = "base/catalog/catalog.jsonnet";

export interface CatalogPort {
  name: string;
  /** Service port: what callers dial, and what VirtualServices and DestinationRules use. */
  port: number;
  /** Container port: what AuthorizationPolicy `ports` match. */
  targetPort: number;
  protocol: string;
}

export interface CatalogVersion {
  name: string;
  weight: number;
  labels: Record<string, string>;
}

export interface CatalogExternalService {
  name: string;
  hosts: string[];
  ports: Array<{ number: number; name: string; protocol: string }>;
  location: string;
  resolution: string;
  exportTo: string[];
}

export interface CatalogWorkload {
  name: string;
  /** The folder under base/ its files are generated into. */
  folder: string;
  serviceAccount: string;
  /** Pod labels: the selector of the Service, the AuthorizationPolicy and the Sidecar. */
  labels: Record<string, string>;
  ports: CatalogPort[];
  /** Route order: route[i] of the VirtualService is versions[i]. */
  versions: CatalogVersion[];
  route: { timeout: string; retries: { attempts: number; perTryTimeout: string; retryOn: string } };
  connectionPool: JsonObject;
  outlierDetection: JsonObject;
  sidecar: { extraEgressHosts: string[]; outboundTrafficPolicy: string };
  external: CatalogExternalService[];
  /** Hand-written files in the folder that its kustomization.yaml lists too. */
  extraResources: string[];
}

export interface CatalogCall {
  from: string;
  principal: string;
  to: string;
  toKind: "workload" | "external";
  /** Container ports of the callee (empty for an external service). */
  targetPorts: number[];
  methods: string[];
  paths: string[];
  requireJwt: boolean;
}

export interface Catalog {
  version: 1;
  namespace: string;
  /** SPIFFE trust domain: principals are <trustDomain>/ns/<namespace>/sa/<service account>. */
  trustDomain: string;
  workloads: CatalogWorkload[];
  calls: CatalogCall[];
}

export interface EvaluateOptions {
  /** The catalog file; default `<repoRoot>/base/catalog/catalog.jsonnet`. */
  catalogFile?: string;
}

/**
 * Evaluates the catalog with libjsonnet (in a bounded child process, evaluate-jsonnet) and checks
 * the shape of what it evaluates to. Imports are confined to the catalog's folder first. Throws
 * CatalogError, located at the catalog line, for imports out of the folder, Jsonnet syntax and
 * runtime errors and every failed check of lib/mesh.libsonnet.
 */
export async function evaluateCatalog(repoRoot: string, options: EvaluateOptions = {}): Promise<Catalog> {
  const file = path.resolve(repoRoot, options.catalogFile ?? CATALOG_FILE);
  const shown = displayPath(file, repoRoot);
  if (!(await exists(file))) {
    throw new UserError(`${shown}: no such file; it is the service catalog that generates base/<workload>/`);
  }
  const folder = path.dirname(file);
  const outside = await findImportOutside(file, folder);
  if (outside !== undefined) {
    const { keyword, path: imported, line, column } = outside.import;
    throw new CatalogError(
      { file: displayPath(outside.file, repoRoot), line, column },
      `${keyword} '${imported}' reads outside ${displayPath(folder, repoRoot)}/: refused; the catalog may import only files of its own folder ` +
        "(no absolute paths, no ../ out of it, no symbolic links out of it)",
    );
  }
  const outcome = await evaluateJsonnetFile(file, shown);
  if ("error" in outcome) throw catalogErrorOf(new Error(outcome.error), { repoRoot, catalogFile: file, libraryDir: path.join(folder, "lib") });
  let value: unknown;
  try {
    value = JSON.parse(outcome.json);
  } catch {
    throw new UserError(`${shown}: libjsonnet returned something that is not JSON; this is a bug in the binding, report it`);
  }
  return parseCatalog(value, shown);
}

/**
 * Turns libjsonnet's error into a CatalogError at the catalog line that caused it (the catalog's
 * first line when no frame is in the catalog, with the library line it was raised at).
 */
export function catalogErrorOf(error: unknown, where: { repoRoot: string; catalogFile: string; libraryDir: string }): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const parsed = parseJsonnetError(error.message);
  const catalogFile = displayPath(where.catalogFile, where.repoRoot);
  if (parsed.kind === "other") return new UserError(`${catalogFile}: ${parsed.message}`);
  const { location, raisedAt } = locateJsonnetError(parsed, { repoRoot: where.repoRoot, libraryDir: where.libraryDir });
  const suffix = raisedAt === undefined ? "" : ` (raised at ${raisedAt.file}:${raisedAt.line})`;
  return new CatalogError(location ?? { file: catalogFile, line: 1, column: 1 }, `${describe(parsed)}${suffix}`);
}

function describe(parsed: ParsedJsonnetError): string {
  if (parsed.kind !== "static") return parsed.message;
  // libjsonnet's "duplicate field: web"; in `workloads` that is a duplicate workload.
  if (parsed.message.startsWith("duplicate field: ")) {
    return `${parsed.message}: declared twice in one object (under workloads: two workloads with the same folder)`;
  }
  return `syntax error: ${parsed.message}`;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

// ---------------------------------------------------------------------------------------------
// The boundary: what the catalog evaluated to, checked field by field. lib/mesh.libsonnet already
// checked everything with catalog lines; these checks only fail for a catalog that bypasses it,
// so they point at the catalog file's first line and name the field.

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const EXTRA_RESOURCE = /^[A-Za-z0-9][A-Za-z0-9._-]*\.yaml$/;

class ShapeReader {
  constructor(private readonly file: string) {}

  fail(pointer: string, expected: string): never {
    throw new CatalogError(
      { file: this.file, line: 1, column: 1 },
      `the catalog evaluated to an unexpected value at ${pointer}: expected ${expected}; ` +
        "build it with mesh.catalog { ... }, $.workload({ ... }) and $.call(...) from lib/mesh.libsonnet",
    );
  }

  object(value: unknown, pointer: string): JsonObject {
    return isJsonObject(value) ? value : this.fail(pointer, "an object");
  }

  string(object: JsonObject, key: string, pointer: string): string {
    const value = object[key];
    return typeof value === "string" && value !== "" ? value : this.fail(`${pointer}/${key}`, "a non-empty string");
  }

  integer(object: JsonObject, key: string, pointer: string): number {
    const value = object[key];
    return typeof value === "number" && Number.isInteger(value) ? value : this.fail(`${pointer}/${key}`, "an integer");
  }

  boolean(object: JsonObject, key: string, pointer: string): boolean {
    const value = object[key];
    return typeof value === "boolean" ? value : this.fail(`${pointer}/${key}`, "true or false");
  }

  array(object: JsonObject, key: string, pointer: string): unknown[] {
    const value = object[key];
    return Array.isArray(value) ? value : this.fail(`${pointer}/${key}`, "a list");
  }

  strings(object: JsonObject, key: string, pointer: string): string[] {
    return this.array(object, key, pointer).map((item, index) =>
      typeof item === "string" && item !== "" ? item : this.fail(`${pointer}/${key}/${index}`, "a non-empty string"),
    );
  }

  integers(object: JsonObject, key: string, pointer: string): number[] {
    return this.array(object, key, pointer).map((item, index) =>
      typeof item === "number" && Number.isInteger(item) ? item : this.fail(`${pointer}/${key}/${index}`, "an integer"),
    );
  }

  /**
   * The folder under base/ a workload is generated into: a lowercase DNS label other than
   * `catalog`, so that every generated path stays one level below base/, whatever the catalog
   * evaluated to (a catalog that bypasses lib/mesh.libsonnet included).
   */
  folder(object: JsonObject, pointer: string): string {
    const value = this.string(object, "folder", pointer);
    return DNS_LABEL.test(value) && value.length <= 63 && value !== "catalog"
      ? value
      : this.fail(`${pointer}/folder`, 'a lowercase DNS label other than "catalog" (a folder right below base/)');
  }

  stringMap(object: JsonObject, key: string, pointer: string): Record<string, string> {
    const map = this.object(object[key], `${pointer}/${key}`);
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(map)) {
      out[name] = typeof value === "string" ? value : this.fail(`${pointer}/${key}/${name}`, "a string");
    }
    return out;
  }
}

/** Checks the evaluated catalog's shape and cross-references; `file` is shown in errors. */
export function parseCatalog(value: unknown, file: string): Catalog {
  const read = new ShapeReader(file);
  const root = read.object(value, "");
  const catalog = read.object(root["meshPolicyCatalog"], "/meshPolicyCatalog");
  const at = "/meshPolicyCatalog";
  if (catalog["version"] !== 1) read.fail(`${at}/version`, "1 (this mesh-policy reads catalog version 1)");
  const workloads = read.array(catalog, "workloads", at).map((item, index) => parseWorkload(read, item, `${at}/workloads/${index}`));
  const calls = read.array(catalog, "calls", at).map((item, index) => parseCall(read, item, `${at}/calls/${index}`));
  const parsed: Catalog = {
    version: 1,
    namespace: read.string(catalog, "namespace", at),
    trustDomain: read.string(catalog, "trustDomain", at),
    workloads,
    calls,
  };
  checkReferences(read, parsed);
  return parsed;
}

function parseWorkload(read: ShapeReader, value: unknown, at: string): CatalogWorkload {
  const w = read.object(value, at);
  const route = read.object(w["route"], `${at}/route`);
  const retries = read.object(route["retries"], `${at}/route/retries`);
  const sidecar = read.object(w["sidecar"], `${at}/sidecar`);
  return {
    name: read.string(w, "name", at),
    folder: read.folder(w, at),
    serviceAccount: read.string(w, "serviceAccount", at),
    labels: read.stringMap(w, "labels", at),
    ports: read.array(w, "ports", at).map((item, index) => {
      const p = read.object(item, `${at}/ports/${index}`);
      const pointer = `${at}/ports/${index}`;
      return {
        name: read.string(p, "name", pointer),
        port: read.integer(p, "port", pointer),
        targetPort: read.integer(p, "targetPort", pointer),
        protocol: read.string(p, "protocol", pointer),
      };
    }),
    versions: read.array(w, "versions", at).map((item, index) => {
      const pointer = `${at}/versions/${index}`;
      const v = read.object(item, pointer);
      return { name: read.string(v, "name", pointer), weight: read.integer(v, "weight", pointer), labels: read.stringMap(v, "labels", pointer) };
    }),
    route: {
      timeout: read.string(route, "timeout", `${at}/route`),
      retries: {
        attempts: read.integer(retries, "attempts", `${at}/route/retries`),
        perTryTimeout: read.string(retries, "perTryTimeout", `${at}/route/retries`),
        retryOn: read.string(retries, "retryOn", `${at}/route/retries`),
      },
    },
    connectionPool: read.object(w["connectionPool"], `${at}/connectionPool`),
    outlierDetection: read.object(w["outlierDetection"], `${at}/outlierDetection`),
    sidecar: {
      extraEgressHosts: read.strings(sidecar, "extraEgressHosts", `${at}/sidecar`),
      outboundTrafficPolicy: read.string(sidecar, "outboundTrafficPolicy", `${at}/sidecar`),
    },
    external: read.array(w, "external", at).map((item, index) => {
      const pointer = `${at}/external/${index}`;
      const e = read.object(item, pointer);
      return {
        name: read.string(e, "name", pointer),
        hosts: read.strings(e, "hosts", pointer),
        ports: read.array(e, "ports", pointer).map((portItem, portIndex) => {
          const portPointer = `${pointer}/ports/${portIndex}`;
          const p = read.object(portItem, portPointer);
          return { number: read.integer(p, "number", portPointer), name: read.string(p, "name", portPointer), protocol: read.string(p, "protocol", portPointer) };
        }),
        location: read.string(e, "location", pointer),
        resolution: read.string(e, "resolution", pointer),
        exportTo: read.strings(e, "exportTo", pointer),
      };
    }),
    extraResources: read.strings(w, "extraResources", at).map((file, index) =>
      EXTRA_RESOURCE.test(file) && file !== "kustomization.yaml" && !(GENERATED_FILE_NAMES as readonly string[]).includes(file)
        ? file
        : read.fail(`${at}/extraResources/${index}`, "a plain .yaml file name in the workload folder, not one the generator writes"),
    ),
  };
}

function parseCall(read: ShapeReader, value: unknown, at: string): CatalogCall {
  const c = read.object(value, at);
  const toKind = c["toKind"];
  if (toKind !== "workload" && toKind !== "external") read.fail(`${at}/toKind`, '"workload" or "external"');
  return {
    from: read.string(c, "from", at),
    principal: read.string(c, "principal", at),
    to: read.string(c, "to", at),
    toKind,
    targetPorts: read.integers(c, "targetPorts", at),
    methods: read.strings(c, "methods", at),
    paths: read.strings(c, "paths", at),
    requireJwt: read.boolean(c, "requireJwt", at),
  };
}

/** What the generator relies on: unique names and folders, calls to things that exist. */
function checkReferences(read: ShapeReader, catalog: Catalog): void {
  const unique = (values: string[], what: string, pointer: string) => {
    const seen = new Set<string>();
    for (const value of values) {
      if (seen.has(value)) read.fail(pointer, `unique ${what}s, but "${value}" appears twice`);
      seen.add(value);
    }
  };
  unique(catalog.workloads.map((w) => w.name), "workload name", "/meshPolicyCatalog/workloads");
  unique(catalog.workloads.map((w) => w.folder), "workload folder", "/meshPolicyCatalog/workloads");
  const externals = catalog.workloads.flatMap((w) => w.external.map((e) => e.name));
  unique(externals, "external service name", "/meshPolicyCatalog/workloads");
  const workloadNames = new Set(catalog.workloads.map((w) => w.name));
  const externalNames = new Set(externals);
  catalog.calls.forEach((call, index) => {
    const known = call.toKind === "workload" ? workloadNames : externalNames;
    if (!known.has(call.to)) read.fail(`/meshPolicyCatalog/calls/${index}/to`, `a declared ${call.toKind}, not "${call.to}"`);
    if (call.toKind === "workload" && call.targetPorts.length === 0) read.fail(`/meshPolicyCatalog/calls/${index}/targetPorts`, "at least one port");
  });
}
