import type { Resource } from "../../model/resource.js";
import { re2Error } from "./regex.js";
import { checkLabelsSelector, checkOneSelector, checkTargetRefs } from "./selectors.js";
import { arr, FieldPath, has, num, obj, text, type Problems } from "./report.js";

const HCM = "envoy.filters.network.http_connection_manager";
const LISTENER_CLASS = new Set(["LISTENER", "FILTER_CHAIN", "NETWORK_FILTER", "HTTP_FILTER"]);
const ROUTE_CLASS = new Set(["ROUTE_CONFIGURATION", "VIRTUAL_HOST", "HTTP_ROUTE"]);
const MATCH_OBJECTS = ["listener", "routeConfiguration", "cluster", "waypoint"];
/** istiod ignores (and only warns about) a proxyVersion longer than this instead of compiling it. */
const MAX_PROXY_VERSION_LENGTH = 1024;
// Deprecated Envoy filter names istiod warns about (a part of xds.ReverseDeprecatedFilterNames).
const DEPRECATED_FILTER_NAMES: Record<string, string> = {
  "envoy.http_connection_manager": HCM,
  "envoy.tcp_proxy": "envoy.filters.network.tcp_proxy",
  "envoy.router": "envoy.filters.http.router",
  "envoy.cors": "envoy.filters.http.cors",
  "envoy.fault": "envoy.filters.http.fault",
  "envoy.lua": "envoy.filters.http.lua",
  "envoy.buffer": "envoy.filters.http.buffer",
  "envoy.grpc_web": "envoy.filters.http.grpc_web",
  "envoy.health_check": "envoy.filters.http.health_check",
  "envoy.rate_limit": "envoy.filters.http.ratelimit",
  "envoy.listener.tls_inspector": "envoy.filters.listener.tls_inspector",
  "envoy.listener.original_dst": "envoy.filters.listener.original_dst",
  "envoy.listener.http_inspector": "envoy.filters.listener.http_inspector",
};

export function checkEnvoyFilter(resource: Resource, problems: Problems): void {
  const spec = obj(resource.object["spec"]);
  if (spec === undefined) return;
  const at = FieldPath.root.field("spec");
  // istiod warns about every EnvoyFilter, whatever it holds (istioctl analyze: IST0133).
  problems.warn(
    FieldPath.root,
    "EnvoyFilter exposes internal implementation details that may change at any time. Prefer other APIs if possible, " +
      "and exercise extreme caution, especially around upgrades",
  );
  checkOneSelector(problems, spec, at, "workloadSelector", false, "only one of targetRefs or workloadSelector can be set");
  checkTargetRefs(problems, spec, at, false);
  checkLabelsSelector(problems, spec, at, "Envoy filter");

  arr(spec["configPatches"]).forEach((item, i) => {
    const cp = at.field("configPatches").index(i);
    const patch = obj(item);
    if (patch === undefined) {
      problems.error(cp, "Envoy filter: null config patch");
      return;
    }
    const match = obj(patch["match"]);
    if (match !== undefined) {
      const context = text(match, "context");
      if ((context === "WAYPOINT") !== has(match, "waypoint")) {
        problems.error(cp.field("match"), context === "WAYPOINT"
          ? "only support waypointMatch when context is WAYPOINT: context WAYPOINT needs a waypoint match"
          : "only support waypointMatch when context is WAYPOINT: remove waypoint, or set context: WAYPOINT");
      }
      const waypointPort = num(obj(match["waypoint"])?.["portNumber"]);
      if (waypointPort !== undefined && !(waypointPort > 0 && waypointPort <= 65535)) {
        problems.error(cp.field("match").field("waypoint").field("portNumber"), `port must be between 1-65535 (found ${waypointPort})`);
      }
      // istiod does not validate waypoint patches yet (validateEnvoyFilter skips context WAYPOINT): only the CRD rules above apply.
      if (context === "WAYPOINT") return;
    }
    const applyTo = text(patch, "applyTo");
    if (applyTo === "" || applyTo === "INVALID") {
      problems.error(cp.field("applyTo"), "Envoy filter: missing applyTo");
      return;
    }
    const body = obj(patch["patch"]);
    if (body === undefined) {
      problems.error(cp.field("patch"), "Envoy filter: missing patch");
      return;
    }
    const operation = text(body, "operation");
    if (operation === "" || operation === "INVALID") {
      problems.error(cp.field("patch").field("operation"), "Envoy filter: missing patch operation");
      return;
    }
    if (operation !== "REMOVE" && !has(body, "value")) {
      problems.error(cp.field("patch").field("value"), `Envoy filter: missing patch value for non-remove operation (${operation})`);
      return;
    }
    const proxyVersion = text(obj(match?.["proxy"]), "proxyVersion");
    if (proxyVersion.length > MAX_PROXY_VERSION_LENGTH) {
      problems.warn(
        cp.field("match").field("proxy").field("proxyVersion"),
        `Envoy filter: proxyVersion match exceeds ${MAX_PROXY_VERSION_LENGTH} characters and will be ignored`,
      );
    } else if (proxyVersion !== "") {
      const err = re2Error(proxyVersion);
      if (err !== undefined) {
        problems.error(cp.field("match").field("proxy").field("proxyVersion"), `Envoy filter: invalid regex for proxy version, [${err}]`);
        return;
      }
    }
    const objectType = MATCH_OBJECTS.find((k) => has(match, k));
    if (LISTENER_CLASS.has(applyTo) && objectType !== undefined) {
      if (objectType !== "listener") {
        problems.error(cp.field("match"), `Envoy filter: applyTo for listener class objects cannot have non listener match (found ${objectType})`);
        return;
      }
      const filter = obj(obj(obj(match?.["listener"])?.["filterChain"])?.["filter"]);
      if (filter !== undefined) {
        const fp = cp.field("match").field("listener").field("filterChain").field("filter");
        if (applyTo === "LISTENER" || applyTo === "FILTER_CHAIN") {
          problems.warn(fp, `Envoy filter: filter match has no effect when used with ${applyTo}`);
        }
        const name = text(filter, "name");
        if (name === "") {
          problems.error(fp.field("name"), "Envoy filter: filter match has no name to match on");
          return;
        }
        const subFilter = obj(filter["subFilter"]);
        if (subFilter !== undefined) {
          if (applyTo !== "HTTP_FILTER") {
            problems.error(fp.field("subFilter"), "Envoy filter: subfilter match can be used with applyTo HTTP_FILTER only");
            return;
          }
          if (name !== HCM && name !== "envoy.http_connection_manager") {
            problems.error(fp.field("name"), `Envoy filter: subfilter match requires filter match with ${HCM}`);
            return;
          }
          if (text(subFilter, "name") === "") {
            problems.error(fp.field("subFilter").field("name"), "Envoy filter: subfilter match has no name to match on");
            return;
          }
        }
        for (const [n, path] of [
          [name, fp.field("name")],
          [text(subFilter, "name"), fp.field("subFilter").field("name")],
        ] as const) {
          const replacement = DEPRECATED_FILTER_NAMES[n];
          if (replacement !== undefined) problems.warn(path, `using deprecated filter name '${n}'; use '${replacement}' instead`);
        }
      }
    } else if (ROUTE_CLASS.has(applyTo) && objectType !== undefined && objectType !== "routeConfiguration") {
      problems.error(cp.field("match"), `Envoy filter: applyTo for http route class objects cannot have non route configuration match (found ${objectType})`);
    } else if (applyTo === "CLUSTER" && objectType !== undefined && objectType !== "cluster") {
      problems.error(cp.field("match"), `Envoy filter: applyTo for cluster class objects cannot have non cluster match (found ${objectType})`);
    }
  });
}
