import { isJsonObject, type Resource } from "../model/resource.js";
import { arrayAt, objectAt } from "./fields.js";
import { namespaceOf, normaliseExportTo, resolveHost } from "./hosts.js";

/** VirtualServices (istio-semantics.md §4): the one parser of hosts, gateways and destinations. */

/** The reserved gateway name that means "every sidecar in the mesh". */
export const MESH_GATEWAY = "mesh";

/** A place in a VirtualService that sends traffic to a host: a route destination or a mirror. */
export interface VirtualServiceDestination {
  /** Where it is, as a user reads it: `http[0].route[1]`, `http[0].mirror`, `http[0].mirrors[0]`, `tcp[0].route[0]`. */
  label: string;
  kind: "route" | "mirror";
  /** JSON pointer of the Destination object (append `/host`, `/subset`, `/port`). */
  pointer: string;
  host: string;
  subset: string | undefined;
  port: number | undefined;
}

/** A VirtualService `gateways` entry, resolved: `mesh`, or a Gateway namespace/name. */
export interface GatewayRef {
  /** As written. */
  ref: string;
  /** Index in spec.gateways. */
  index: number;
  mesh: boolean;
  namespace: string;
  name: string;
}

/** A VirtualService as routing reads it. */
export interface ParsedVirtualService {
  /** `namespace/name`. */
  id: string;
  namespace: string;
  name: string;
  /** The hosts, resolved with the short-name rule and lower-cased. */
  hosts: string[];
  /** Resolved gateways; empty = mesh. */
  gateways: GatewayRef[];
  /** spec.exportTo, normalised (normaliseExportTo). */
  exportTo: string[];
  http: unknown[];
  resource: Resource;
}

export function parseVirtualService(resource: Resource): ParsedVirtualService {
  const namespace = namespaceOf(resource);
  const spec = objectAt(resource.object, "spec");
  return {
    id: `${namespace}/${resource.name}`,
    namespace,
    name: resource.name,
    hosts: [...new Set(virtualServiceHosts(resource).map((h) => resolveHost(h, namespace).toLowerCase()))],
    gateways: virtualServiceGateways(resource),
    exportTo: normaliseExportTo(arrayAt(spec, "exportTo").filter((e): e is string => typeof e === "string"), namespace),
    http: arrayAt(spec, "http"),
    resource,
  };
}

/** spec.hosts as written. */
export function virtualServiceHosts(vs: Resource): string[] {
  return arrayAt(objectAt(vs.object, "spec"), "hosts").filter((h): h is string => typeof h === "string");
}

/** A gateway reference written in `namespace` (a VirtualService's, or a match's `gateways`), resolved. */
export function resolveGatewayRef(ref: string, namespace: string, index = 0): GatewayRef {
  if (ref === MESH_GATEWAY) return { ref, index, mesh: true, namespace, name: MESH_GATEWAY };
  const slash = ref.indexOf("/");
  return slash === -1
    ? { ref, index, mesh: false, namespace, name: ref }
    : { ref, index, mesh: false, namespace: ref.slice(0, slash), name: ref.slice(slash + 1) };
}

/** The `gateways` of a VirtualService, resolved; an empty list means the mesh gateway (every sidecar). */
export function virtualServiceGateways(vs: Resource): GatewayRef[] {
  const namespace = namespaceOf(vs);
  const result: GatewayRef[] = [];
  arrayAt(objectAt(vs.object, "spec"), "gateways").forEach((ref, index) => {
    if (typeof ref === "string") result.push(resolveGatewayRef(ref, namespace, index));
  });
  return result;
}

/** True when the VirtualService programs the sidecars: no `gateways`, or `mesh` among them. */
export function isMeshBound(vs: Resource | ParsedVirtualService): boolean {
  const gateways = "gateways" in vs ? vs.gateways : virtualServiceGateways(vs);
  return gateways.length === 0 || gateways.some((g) => g.mesh);
}

/** Every route destination (http, tcp, tls) and http mirror of a VirtualService, in document order. */
export function virtualServiceDestinations(vs: Resource): VirtualServiceDestination[] {
  const spec = objectAt(vs.object, "spec");
  const result: VirtualServiceDestination[] = [];
  const add = (label: string, kind: VirtualServiceDestination["kind"], pointer: string, destination: unknown) => {
    if (!isJsonObject(destination) || typeof destination["host"] !== "string") return;
    const port = objectAt(destination, "port")["number"];
    result.push({
      label,
      kind,
      pointer,
      host: destination["host"],
      subset: typeof destination["subset"] === "string" && destination["subset"] !== "" ? destination["subset"] : undefined,
      port: typeof port === "number" ? port : undefined,
    });
  };
  for (const section of ["http", "tcp", "tls"] as const) {
    arrayAt(spec, section).forEach((route, i) => {
      arrayAt(route, "route").forEach((weighted, j) => {
        add(`${section}[${i}].route[${j}]`, "route", `/spec/${section}/${i}/route/${j}/destination`, objectAt(weighted, "destination"));
      });
      if (section !== "http" || !isJsonObject(route)) return;
      if (isJsonObject(route["mirror"])) add(`http[${i}].mirror`, "mirror", `/spec/http/${i}/mirror`, route["mirror"]);
      arrayAt(route, "mirrors").forEach((mirror, j) => {
        add(`http[${i}].mirrors[${j}]`, "mirror", `/spec/http/${i}/mirrors/${j}/destination`, objectAt(mirror, "destination"));
      });
    });
  }
  return result;
}
