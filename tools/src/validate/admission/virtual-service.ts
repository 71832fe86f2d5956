import type { JsonObject, Resource } from "../../model/resource.js";
import { checkDestination, checkHeaderOperations } from "./destinations.js";
import { NS_PER_S } from "../../util/duration.js";
import { checkDuration } from "./duration.js";
import { checkExportTo } from "./export-to.js";
import { checkUnreachable } from "./virtual-service-reachability.js";
import { corsHeaderNameError, isAuthorityHeader, isJwtClaimRoute, matchHeaderNameError } from "./headers.js";
import { hostSubsetOf, hostsMatch } from "../../mesh/hosts.js";
import { isCidr, isIpAddress } from "../../mesh/addresses.js";
import { fqdnError, isDns1123Label, wildcardDomainError } from "./hosts.js";
import { portError } from "./ports.js";
import { re2Error } from "./regex.js";
import { checkLabels } from "./selectors.js";
import {
  arr,
  entries,
  FieldPath,
  has,
  nonEmpty,
  num,
  obj,
  objects,
  q,
  str,
  strings,
  text,
  type Problems,
} from "./report.js";

const BOTH = { cel: true, webhook: true } as const;

// Envoy's x-envoy-retry-on and x-envoy-retry-grpc-on policies, as istiod accepts them.
const RETRY_ON = new Set([
  "5xx",
  "gateway-error",
  "reset",
  "reset-before-request",
  "connect-failure",
  "retriable-4xx",
  "refused-stream",
  "retriable-status-codes",
  "retriable-headers",
  "envoy-ratelimited",
  "http3-post-connect-failure",
  "cancelled",
  "deadline-exceeded",
  "internal",
  "resource-exhausted",
  "unavailable",
]);
// Status codes Go's net/http knows (http.StatusText != ""): istiod accepts these in retryOn.
const HTTP_STATUS_CODES = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308, 400, 401, 402, 403,
  404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500,
  501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);
const CORS_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE", "*"]);
const GRPC_STATUSES = new Set([
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
]);

/** The kind of a StringMatch (exact/prefix/regex) and its value, by which key is present. */
function stringMatch(sm: JsonObject | undefined): { type: "exact" | "prefix" | "regex"; value: string } | undefined {
  if (sm === undefined) return undefined;
  for (const type of ["exact", "prefix", "regex"] as const) {
    if (has(sm, type)) return { type, value: str(sm[type]) ?? "" };
  }
  return undefined;
}

/** istiod validateStringMatch (`uriOnly`: validateStringMatchRegexp, which allows an empty uri prefix). */
function checkStringMatch(problems: Problems, value: unknown, at: FieldPath, uriOnly = false): void {
  const sm = stringMatch(obj(value));
  if (sm === undefined) return;
  if (sm.type === "prefix" && sm.value === "" && !uriOnly) {
    problems.error(at.field("prefix"), "prefix string match should not be empty (remove the match to match everything)");
  }
  if (sm.type === "regex") {
    if (sm.value === "") problems.error(at.field("regex"), "regex string match should not be empty");
    else {
      const err = re2Error(sm.value);
      if (err !== undefined) problems.error(at.field("regex"), `${q(sm.value)}: ${err}`);
    }
  }
}

/** istiod validateGatewayNames. Like istiod, stops at the first name without a namespace. */
function checkGatewayNames(problems: Problems, value: unknown, at: FieldPath): void {
  for (const [name, i] of strings(value)) {
    const path = at.index(i);
    const slash = name.indexOf("/");
    if (slash === -1) {
      if (name.includes(".")) {
        const [first = "", second = ""] = name.split(".");
        problems.warn(path, `using legacy gatewayName format '${name}'; prefer the <namespace>/<name> format: '${second}/${first}'`);
      }
      const err = fqdnError(name);
      if (err !== undefined) problems.error(path, err);
      return;
    }
    const ns = name.slice(0, slash);
    const gw = name.slice(slash + 1);
    if (ns === "" || gw === "") problems.error(path, "config namespace and gateway name cannot be empty");
    if (!isDns1123Label(ns)) problems.error(path, `invalid value for namespace: '${ns}'`);
    if (!isDns1123Label(gw)) problems.error(path, `invalid value for gateway name: '${gw}'`);
  }
}

function ipSubnetError(subnet: string): string | undefined {
  if (subnet.split("/").length - 1 === 1) return isCidr(subnet) ? undefined : `${subnet} is not a valid CIDR block`;
  return isIpAddress(subnet) ? undefined : `${subnet} is not a valid IP`;
}

/**
 * ValidateWildcardDomainForVirtualServiceBoundToGateway: also takes the SNI names Envoy generates for
 * AUTO_PASSTHROUGH, `outbound_.<port>_.<subset>_.<host>` (split at `_`, a digit in the port, a letter in the host).
 */
function gatewayHostError(sni: boolean, domain: string): string | undefined {
  if (domain.length === 0 || domain.length > 255) return wildcardDomainError(domain);
  if (sni && domain.startsWith("outbound_")) {
    const parts = domain.split("_");
    const format = "outbound_.<port>_.<subset>_.<hostname>";
    if (parts.length < 4) return `domain name ${domain} invalid, should follow '${format}' format`;
    const port = (parts[1] ?? "").replace(/^\.+|\.+$/g, "");
    const hostname = (parts[3] ?? "").replace(/^\.+|\.+$/g, "");
    if (parts[0] !== "outbound") return `domain name '${domain}' invalid (label '${parts[0] ?? ""}' invalid)`;
    if (!/[0-9]/.test(port)) return `domain name '${domain}' invalid (label '${port}' invalid). should follow ${format} format`;
    if (!/[a-zA-Z]/.test(hostname)) return `domain name '${domain}' invalid (label '${hostname}' invalid). should follow ${format} format`;
    return undefined;
  }
  return wildcardDomainError(domain);
}

/** `weight` and `destination` of route destinations (HTTP, TCP or TLS), and the total weight. */
function checkRouteDestinations(problems: Problems, value: unknown, at: FieldPath, http: boolean): void {
  const list = arr(value);
  let total = 0;
  list.forEach((item, i) => {
    const path = at.index(i);
    const d = obj(item);
    if (d === undefined) {
      problems.error(path, "weight may not be nil");
      return;
    }
    if (!has(d, "destination")) problems.error(path, "destination is required");
    if (http) checkHeaderOperations(problems, d, path);
    checkDestination(problems, obj(d["destination"]), path.field("destination"));
    const weight = num(d["weight"]) ?? 0;
    if (weight < 0) problems.error(path.field("weight"), `weight ${weight} < 0`);
    total += weight;
  });
  if (list.length > 1 && total === 0) {
    problems.error(at, "total destination weight = 0: give at least one destination a positive weight");
  }
}

function checkRetries(problems: Problems, route: JsonObject, at: FieldPath): void {
  const retries = obj(route["retries"]);
  if (retries === undefined) return;
  const path = at.field("retries");
  const attempts = num(retries["attempts"]) ?? 0;
  if (attempts < 0) problems.error(path.field("attempts"), `attempts cannot be negative (found ${attempts})`);
  if (attempts === 0 && (has(retries, "perTryTimeout") || text(retries, "retryOn") !== "" || has(retries, "retryRemoteLocalities"))) {
    problems.error(
      path,
      "http retry policy configured when attempts are set to 0 (disabled): set attempts, or remove perTryTimeout, retryOn and retryRemoteLocalities",
    );
  }
  checkDuration(problems, retries, "perTryTimeout", path, BOTH);
  const retryOn = text(retries, "retryOn");
  if (retryOn !== "") {
    for (const policy of retryOn.split(",")) {
      const code = /^[+-]?\d+$/.test(policy) ? Number(policy) : NaN;
      if (!HTTP_STATUS_CODES.has(code) && !RETRY_ON.has(policy)) {
        problems.error(
          path.field("retryOn"),
          `'${policy}' is not a valid retryOn policy (use Envoy retry conditions such as 5xx, gateway-error, connect-failure, ` +
            `refused-stream, unavailable, cancelled, or HTTP status codes, comma-separated without spaces)`,
        );
      }
    }
  }
  checkDuration(problems, retries, "backoff", path, BOTH);
}

function checkCors(problems: Problems, route: JsonObject, at: FieldPath): void {
  const cors = obj(route["corsPolicy"]);
  if (cors === undefined) return;
  const path = at.field("corsPolicy");
  arr(cors["allowOrigins"]).forEach((origin, i) => {
    const op = path.field("allowOrigins").index(i);
    const sm = stringMatch(obj(origin));
    if (sm === undefined || sm.value === "") {
      problems.error(op, "'' is not a valid match type for CORS allow origins (set exact, prefix or regex)");
      return;
    }
    checkStringMatch(problems, origin, op, true);
  });
  for (const [method, i] of strings(cors["allowMethods"])) {
    if (!CORS_METHODS.has(method)) problems.error(path.field("allowMethods").index(i), `'${method}' is not a supported HTTP method`);
  }
  for (const key of ["allowHeaders", "exposeHeaders"]) {
    for (const [name, i] of strings(cors[key])) {
      const err = corsHeaderNameError(name);
      if (err !== undefined) problems.error(path.field(key).index(i), err);
    }
  }
  const maxAge = checkDuration(problems, cors, "maxAge", path, BOTH);
  if (maxAge !== undefined && maxAge >= 1_000_000n && maxAge % NS_PER_S !== 0n) {
    problems.error(path.field("maxAge"), `${q(cors["maxAge"])}: max_age duration is accurate only to seconds precision (use whole seconds)`);
  }
}

function checkPercentage(problems: Problems, owner: JsonObject, at: FieldPath): void {
  const p = obj(owner["percentage"]);
  const value = num(p?.["value"]);
  if (value === undefined) return;
  if (value < 0 || value > 100 || (value > 0 && value < 0.0001)) {
    problems.error(at.field("percentage").field("value"), `percentage ${value} is neither 0.0, nor in range [0.0001, 100.0]`);
  }
}

function checkFault(problems: Problems, route: JsonObject, at: FieldPath): void {
  const fault = obj(route["fault"]);
  if (fault === undefined) return;
  const path = at.field("fault");
  if (!has(fault, "abort") && !has(fault, "delay")) problems.error(path, "HTTP fault injection must have an abort and/or a delay");
  const abort = obj(fault["abort"]);
  if (abort !== undefined) {
    const ap = path.field("abort");
    checkPercentage(problems, abort, ap);
    if (has(abort, "grpcStatus")) {
      const status = text(abort, "grpcStatus");
      if (!GRPC_STATUSES.has(status)) {
        problems.error(
          ap.field("grpcStatus"),
          `gRPC status '${status}' is not supported. See https://github.com/grpc/grpc/blob/master/doc/statuscodes.md for a list of supported codes, for example 'NOT_FOUND'`,
        );
      }
    } else if (has(abort, "http2Error")) {
      problems.error(ap.field("http2Error"), "HTTP/2 abort fault injection not supported yet");
    } else if (has(abort, "httpStatus")) {
      const status = num(abort["httpStatus"]) ?? 0;
      if (status < 200 || status > 600) problems.error(ap.field("httpStatus"), `HTTP status ${status} is not in range 200-599`);
    } else {
      problems.warn(ap, "abort configured, but error type not set: set httpStatus or grpcStatus");
    }
  }
  const delay = obj(fault["delay"]);
  if (delay !== undefined) {
    const dp = path.field("delay");
    checkPercentage(problems, delay, dp);
    if (has(delay, "fixedDelay")) checkDuration(problems, delay, "fixedDelay", dp, BOTH);
    else if (has(delay, "exponentialDelay")) {
      checkDuration(problems, delay, "exponentialDelay", dp, BOTH);
      problems.error(dp.field("exponentialDelay"), "exponentialDelay not supported yet: use fixedDelay");
    }
  }
}

function checkRedirect(problems: Problems, route: JsonObject, at: FieldPath): void {
  const redirect = obj(route["redirect"]);
  if (redirect === undefined) return;
  const path = at.field("redirect");
  const hasPort = has(redirect, "port") || has(redirect, "derivePort");
  const uri = text(redirect, "uri");
  const prefixRewrite = text(redirect, "prefixRewrite");
  if (uri !== "" && prefixRewrite !== "") {
    problems.error(path, "redirect may only specify one of uri or prefix_rewrite");
    return;
  }
  if (prefixRewrite !== "") {
    const exactOrRegex = objects(route["match"]).find(([match]) => has(match, "uri") && !has(obj(match["uri"]), "prefix"));
    if (exactOrRegex !== undefined) {
      problems.error(path.field("prefixRewrite"), `redirect prefix_rewrite requires all URI matches to use prefix match type (match[${exactOrRegex[1]}] does not)`);
      return;
    }
  }
  if (uri === "" && prefixRewrite === "" && text(redirect, "authority") === "" && !hasPort && text(redirect, "scheme") === "") {
    problems.error(path, "redirect must specify URI, authority, scheme, or port");
    return;
  }
  const code = num(redirect["redirectCode"]) ?? 0;
  if (code !== 0 && (code < 300 || code > 399)) {
    problems.error(path.field("redirectCode"), `${code} is not a valid redirect code, must be 3xx`);
    return;
  }
  const scheme = text(redirect, "scheme");
  if (scheme !== "" && scheme !== "http" && scheme !== "https") {
    problems.error(path.field("scheme"), `invalid redirect scheme '${scheme}', must be "http" or "https"`);
    return;
  }
  const port = num(redirect["port"]) ?? 0;
  if (port > 0) {
    const err = portError(port);
    if (err !== undefined) problems.error(path.field("port"), err);
  }
}

function checkDirectResponse(problems: Problems, route: JsonObject, at: FieldPath): void {
  const response = obj(route["directResponse"]);
  if (response === undefined) return;
  const path = at.field("directResponse");
  const body = obj(response["body"]);
  if (body !== undefined) {
    const string = str(body["string"]);
    const bytes = str(body["bytes"]);
    const size = string !== undefined ? Buffer.byteLength(string) : bytes !== undefined ? Buffer.from(bytes, "base64").length : 0;
    if (size > 1024 * 1024) problems.error(path.field("body"), "large direct_responses may impact control plane performance, must be less than 1MB");
    else if (size > 100 * 1024) problems.warn(path.field("body"), "large direct_responses may impact control plane performance");
  }
  const status = num(response["status"]) ?? 0;
  if (status < 200 || status > 600) problems.error(path.field("status"), `HTTP status ${status} is not in range 200-599`);
}

function checkRewrite(problems: Problems, route: JsonObject, at: FieldPath): void {
  const rewrite = obj(route["rewrite"]);
  if (rewrite === undefined) return;
  const path = at.field("rewrite");
  const uri = text(rewrite, "uri");
  const regexRewrite = obj(rewrite["uriRegexRewrite"]);
  if (uri !== "" && has(rewrite, "uriRegexRewrite")) {
    problems.error(path, "rewrite may only contain one of URI or UriRegexRewrite");
    return;
  }
  if (uri === "" && !has(rewrite, "uriRegexRewrite") && text(rewrite, "authority") === "") {
    problems.error(path, "rewrite must specify at least one of URI, UriRegexRewrite, or authority. Only one of URI or UriRegexRewrite may be specified");
    return;
  }
  if (regexRewrite !== undefined) {
    const rp = path.field("uriRegexRewrite");
    const match = text(regexRewrite, "match");
    if (match === "" || text(regexRewrite, "rewrite") === "") {
      problems.error(rp, "UriRegexRewrite requires both Rewrite and Match fields to be specified");
      return;
    }
    const err = re2Error(match);
    if (err !== undefined) problems.error(rp.field("match"), `UriRegexRewrite has errors: ${q(match)}: ${err}`);
  }
}

/** Only one place may rewrite the authority: rewrite.authority, or a `:authority`/`host` header set or added. */
function checkAuthorityRewrite(problems: Problems, route: JsonObject, at: FieldPath): void {
  let current = text(obj(route["rewrite"]), "authority");
  const request = obj(obj(route["headers"])?.["request"]);
  for (const op of ["set", "add"] as const) {
    for (const [name, value] of entries(request?.[op])) {
      if (!isAuthorityHeader(name)) continue;
      const v = str(value) ?? "";
      if (current !== "") {
        problems.error(
          at.field("headers").field("request").field(op).key(name),
          `authority header cannot be set multiple times: have '${current}', attempting to set '${v}'`,
        );
        return;
      }
      current = v;
    }
  }
}

function checkMatchRequests(problems: Problems, route: JsonObject, at: FieldPath): void {
  for (const [match, i] of objects(route["match"])) {
    const mp = at.field("match").index(i);
    for (const key of ["headers", "withoutHeaders"] as const) {
      for (const [name, header] of entries(match[key])) {
        const hp = mp.field(key).key(name);
        if (key === "headers" && (header === null || header === undefined)) problems.error(hp, `header match ${name} cannot be null`);
        const err = matchHeaderNameError(name);
        if (err !== undefined) problems.error(hp, err);
        else if (!isJwtClaimRoute(name) && !name.startsWith(":") && name !== name.toLowerCase()) {
          problems.warn(hp, `header names in matches must be lower-case (the VirtualService API requires it): write '${name.toLowerCase()}'`);
        }
        const h = obj(header);
        if (key === "withoutHeaders" && h !== undefined && str(h["regex"]) === "*") continue;
        checkStringMatch(problems, header, hp);
      }
    }
    checkStringMatch(problems, match["uri"], mp.field("uri"), true);
    for (const key of ["scheme", "method", "authority"]) checkStringMatch(problems, match[key], mp.field(key));
    for (const [name, param] of entries(match["queryParams"])) checkStringMatch(problems, param, mp.field("queryParams").key(name));
    const port = num(match["port"]) ?? 0;
    if (port !== 0) {
      const err = portError(port);
      if (err !== undefined) problems.error(mp.field("port"), err);
    }
    checkLabels(problems, match["sourceLabels"], mp.field("sourceLabels"));
    checkGatewayNames(problems, match["gateways"], mp.field("gateways"));
    const sourceNamespace = text(match, "sourceNamespace");
    if (sourceNamespace !== "" && !isDns1123Label(sourceNamespace)) {
      problems.error(mp.field("sourceNamespace"), `sourceNamespace match ${sourceNamespace} is invalid`);
    }
  }
}

/** istiod validateHTTPRouteConflict: exactly one of route, redirect, direct_response or delegate. */
function checkRouteConflicts(problems: Problems, route: JsonObject, at: FieldPath, inDelegate: boolean): void {
  const hasRoute = nonEmpty(route, "route");
  const name = text(route, "name");
  if (!inDelegate && has(route, "delegate")) {
    if (has(route, "redirect")) problems.error(at.field("redirect"), `root HTTP route ${name} must not specify redirect: a route with delegate takes its actions from the delegate`);
    if (hasRoute) problems.error(at.field("route"), `root HTTP route ${name} must not specify route: a route with delegate takes its destinations from the delegate`);
    return;
  }
  if (inDelegate && has(route, "delegate")) problems.error(at.field("delegate"), "delegate HTTP route cannot contain delegate (only one level of delegation)");
  if (has(route, "redirect")) {
    if (hasRoute) problems.error(at, "HTTP route cannot contain both route and redirect");
    if (has(route, "fault")) problems.error(at, "HTTP route cannot contain both fault and redirect");
    if (has(route, "rewrite")) problems.error(at, "HTTP route rule cannot contain both rewrite and redirect");
    if (has(route, "directResponse")) problems.error(at, "HTTP route rule cannot contain both direct_response and redirect");
  } else if (has(route, "directResponse")) {
    if (hasRoute) problems.error(at, "HTTP route cannot contain both route and direct_response");
    if (has(route, "fault")) problems.error(at, "HTTP route cannot contain both fault and direct_response");
    if (has(route, "rewrite")) problems.error(at, "HTTP route rule cannot contain both rewrite and direct_response");
  } else if (!hasRoute) {
    problems.error(at, "HTTP route, redirect or direct_response is required (add a route with a destination)");
  }
  if (has(route, "mirror") && nonEmpty(route, "mirrors")) problems.error(at, "HTTP route cannot contain both mirror and mirrors");
}

function checkMirrors(problems: Problems, route: JsonObject, at: FieldPath): void {
  if (has(route, "mirrorPercent")) {
    const value = num(route["mirrorPercent"]) ?? num(obj(route["mirrorPercent"])?.["value"]);
    if (value !== undefined && value > 100) problems.error(at.field("mirrorPercent"), `mirror_percent must have a max value of 100 (it has ${value})`);
    problems.warn(at.field("mirrorPercent"), 'using deprecated setting "mirrorPercent", use "mirrorPercentage" instead');
  }
  const pct = num(obj(route["mirrorPercentage"])?.["value"]);
  if (pct !== undefined && pct > 100) problems.error(at.field("mirrorPercentage"), `mirror_percentage must have a max value of 100 (it has ${pct})`);
  if (pct !== undefined && pct < 0) problems.error(at.field("mirrorPercentage"), `mirror_percentage must have a min value of 0 (it has ${pct})`);
  checkDestination(problems, obj(route["mirror"]), at.field("mirror"));
  arr(route["mirrors"]).forEach((item, i) => {
    const mp = at.field("mirrors").index(i);
    const mirror = obj(item);
    if (mirror === undefined) {
      problems.error(mp, "mirror cannot be null");
      return;
    }
    if (!has(mirror, "destination")) {
      problems.error(mp, "destination is required for mirrors");
      return;
    }
    checkDestination(problems, obj(mirror["destination"]), mp.field("destination"));
    const value = num(obj(mirror["percentage"])?.["value"]);
    if (value !== undefined && value > 100) problems.error(mp.field("percentage"), `mirror percentage must have a max value of 100 (it has ${value})`);
    if (value !== undefined && value < 0) problems.error(mp.field("percentage"), `mirror percentage must have a min value of 0 (it has ${value})`);
  });
}

function checkHttpRoute(problems: Problems, route: JsonObject, at: FieldPath, inDelegate: boolean): void {
  checkRouteConflicts(problems, route, at, inDelegate);
  checkMatchRequests(problems, route, at);
  checkHeaderOperations(problems, route, at);
  checkCors(problems, route, at);
  checkFault(problems, route, at);
  checkMirrors(problems, route, at);
  checkRedirect(problems, route, at);
  checkDirectResponse(problems, route, at);
  checkRetries(problems, route, at);
  checkRewrite(problems, route, at);
  checkAuthorityRewrite(problems, route, at);
  checkRouteDestinations(problems, route["route"], at.field("route"), true);
  checkDuration(problems, route, "timeout", at, BOTH);
}

function checkL4Match(problems: Problems, match: JsonObject, at: FieldPath): void {
  for (const [subnet, i] of strings(match["destinationSubnets"])) {
    const err = ipSubnetError(subnet);
    if (err !== undefined) problems.error(at.field("destinationSubnets").index(i), err);
  }
  const port = num(match["port"]) ?? 0;
  if (port !== 0) {
    const err = portError(port);
    if (err !== undefined) problems.error(at.field("port"), err);
  }
  checkLabels(problems, match["sourceLabels"], at.field("sourceLabels"));
  checkGatewayNames(problems, match["gateways"], at.field("gateways"));
}

function checkTlsRoute(problems: Problems, route: JsonObject, at: FieldPath, spec: JsonObject, gatewayBound: boolean): void {
  const matches = arr(route["match"]);
  if (matches.length === 0) problems.error(at, "TLS route must have at least one match condition");
  const hosts = strings(spec["hosts"]).map(([h]) => h);
  matches.forEach((item, i) => {
    const mp = at.field("match").index(i);
    const match = obj(item);
    if (match === undefined) {
      problems.error(mp, "TLS match may not be null");
      return;
    }
    const snis = strings(match["sniHosts"]);
    if (snis.length === 0) problems.error(mp, "TLS match must have at least one SNI host");
    for (const [sni, j] of snis) {
      const sp = mp.field("sniHosts").index(j);
      const err = gatewayBound ? gatewayHostError(true, sni) : wildcardDomainError(sni);
      if (err !== undefined) {
        if (isIpAddress(sni)) problems.warn(sp, `using an IP address ('${sni}') goes against SNI spec and most clients do not support this`);
        else problems.error(sp, err);
        continue;
      }
      if (!hosts.some((h) => hostSubsetOf(sni, h))) {
        problems.error(sp, `SNI host '${sni}' is not a compatible subset of any of the virtual service hosts: [${hosts.join(", ")}]`);
      }
    }
    checkL4Match(problems, match, mp);
  });
  if (!nonEmpty(route, "route")) problems.error(at, "TLS route is required (add a route with a destination)");
  checkRouteDestinations(problems, route["route"], at.field("route"), false);
}

function checkTcpRoute(problems: Problems, route: JsonObject, at: FieldPath): void {
  arr(route["match"]).forEach((item, i) => {
    const match = obj(item);
    if (match === undefined) problems.error(at.field("match").index(i), "tcp match may not be nil");
    else checkL4Match(problems, match, at.field("match").index(i));
  });
  if (!nonEmpty(route, "route")) problems.error(at, "TCP route is required (add a route with a destination)");
  checkRouteDestinations(problems, route["route"], at.field("route"), false);
}

export function checkVirtualService(resource: Resource, problems: Problems): void {
  const spec = obj(resource.object["spec"]);
  if (spec === undefined) return;
  const at = FieldPath.root.field("spec");
  const hosts = strings(spec["hosts"]);
  const gateways = strings(spec["gateways"]).map(([g]) => g);
  if (hosts.length === 0) {
    if (gateways.length > 0) problems.error(at.field("gateways"), "delegate virtual service must have no gateways specified (a VirtualService without hosts is a delegate)");
    if (nonEmpty(spec, "tls")) problems.error(at.field("tls"), "delegate virtual service must have no tls route specified");
    if (nonEmpty(spec, "tcp")) problems.error(at.field("tcp"), "delegate virtual service must have no tcp route specified");
  }
  let appliesToMesh = true;
  let appliesToGateway = false;
  if (gateways.length > 0) {
    checkGatewayNames(problems, spec["gateways"], at.field("gateways"));
    appliesToGateway = !gateways.includes("mesh");
    appliesToMesh = !appliesToGateway;
  }
  if (!appliesToGateway) {
    for (const [route, i] of objects(spec["http"])) {
      for (const [match, j] of objects(route["match"])) {
        for (const key of ["headers", "withoutHeaders"]) {
          for (const [name] of entries(match[key])) {
            if (isJwtClaimRoute(name)) {
              problems.error(
                at.field("http").index(i).field("match").index(j).field(key).key(name),
                `JWT claim based routing (key: ${name}) is only supported for gateway, found no gateways: [${gateways.join(" ")}]`,
              );
            }
          }
        }
      }
    }
  }
  const sni = objects(spec["tls"]).some(([route]) => objects(route["match"]).some(([m]) => nonEmpty(m, "sniHosts")));
  let allHostsValid = true;
  for (const [host, i] of hosts) {
    const err = appliesToGateway ? gatewayHostError(sni, host) : wildcardDomainError(host);
    if (err !== undefined) {
      if (!isIpAddress(host)) {
        problems.error(at.field("hosts").index(i), err);
        allHostsValid = false;
      }
    } else if (appliesToMesh && host === "*") {
      problems.error(at.field("hosts").index(i), "wildcard host * is not allowed for virtual services bound to the mesh gateway");
      allHostsValid = false;
    }
  }
  if (allHostsValid) {
    for (let i = 0; i < hosts.length; i++) {
      for (let j = i + 1; j < hosts.length; j++) {
        const a = hosts[i]?.[0] ?? "";
        const b = hosts[j]?.[0] ?? "";
        if (hostsMatch(a, b)) problems.error(at.field("hosts").index(j), `duplicate hosts in virtual service: ${a} & ${b}`);
      }
    }
  }
  if (!nonEmpty(spec, "http") && !nonEmpty(spec, "tcp") && !nonEmpty(spec, "tls")) {
    problems.error(at, "http, tcp or tls must be provided in virtual service");
  }
  arr(spec["http"]).forEach((item, i) => {
    const route = obj(item);
    if (route === undefined) problems.error(at.field("http").index(i), "http route may not be null");
    else checkHttpRoute(problems, route, at.field("http").index(i), hosts.length === 0);
  });
  // For SNI hosts istiod treats a VirtualService without gateways as gateway-bound (isGateway has no mesh entry to find).
  const sniGatewayBound = !gateways.includes("mesh");
  for (const [route, i] of objects(spec["tls"])) checkTlsRoute(problems, route, at.field("tls").index(i), spec, sniGatewayBound);
  for (const [route, i] of objects(spec["tcp"])) checkTcpRoute(problems, route, at.field("tcp").index(i));
  checkExportTo(problems, spec, at, resource.namespace);
  checkUnreachable(problems, spec["http"], at.field("http"), true);
  checkUnreachable(problems, spec["tcp"], at.field("tcp"), false);
  checkUnreachable(problems, spec["tls"], at.field("tls"), false);
}
