import type { JsonObject } from "../../model/resource.js";
import { checkDuration } from "./duration.js";
import { isIpAddress } from "../../mesh/addresses.js";
import { fqdnError } from "./hosts.js";
import { portError } from "./ports.js";
import { arr, bool, entries, has, nonEmpty, num, obj, objects, strings, text, type FieldPath, type Problems } from "./report.js";

const BOTH = { cel: true, webhook: true } as const;

function negative(problems: Problems, o: JsonObject, key: string, at: FieldPath, what: string): void {
  const v = num(o[key]);
  if (v !== undefined && v < 0) problems.error(at.field(key), `${what} must be non-negative (found ${v})`);
}

/** ConnectionPoolSettings (DestinationRule traffic policies, Sidecar inbound pools). */
export function checkConnectionPool(problems: Problems, owner: JsonObject | undefined, at: FieldPath, key = "connectionPool"): void {
  if (!has(owner, key)) return;
  const pool = obj(owner?.[key]);
  const path = at.field(key);
  if (pool === undefined) return;
  if (!has(pool, "http") && !has(pool, "tcp")) {
    problems.error(path, "connection pool must have at least one field (http or tcp)");
    return;
  }
  const http = obj(pool["http"]);
  if (http !== undefined) {
    const hp = path.field("http");
    negative(problems, http, "http1MaxPendingRequests", hp, "http1 max pending requests");
    negative(problems, http, "http2MaxRequests", hp, "http2 max requests");
    negative(problems, http, "maxRequestsPerConnection", hp, "max requests per connection");
    negative(problems, http, "maxRetries", hp, "max retries");
    negative(problems, http, "maxConcurrentStreams", hp, "max concurrent streams");
    checkDuration(problems, http, "idleTimeout", hp, BOTH);
    if (text(http, "h2UpgradePolicy") === "UPGRADE" && bool(http["useClientProtocol"])) {
      problems.error(hp.field("useClientProtocol"), "use client protocol must not be true when H2UpgradePolicy is UPGRADE");
    }
    const keepAlive = obj(http["http2KeepAlive"]);
    if (keepAlive !== undefined) {
      const kp = hp.field("http2KeepAlive");
      for (const key of ["interval", "timeout"]) {
        if (has(keepAlive, key)) checkDuration(problems, keepAlive, key, kp, BOTH);
        else problems.error(kp.field(key), `http2 keepalive ${key} is required`);
      }
    }
  }
  const tcp = obj(pool["tcp"]);
  if (tcp !== undefined) {
    const tp = path.field("tcp");
    negative(problems, tcp, "maxConnections", tp, "max connections");
    checkDuration(problems, tcp, "connectTimeout", tp, BOTH);
    checkDuration(problems, tcp, "maxConnectionDuration", tp, BOTH);
    // istiod skips 0s here: it turns the idle timeout off. No CEL rule guards this field.
    checkDuration(problems, tcp, "idleTimeout", tp, { webhook: true, webhookAllowsZero: true });
    const keepalive = obj(tcp["tcpKeepalive"]);
    if (keepalive !== undefined) {
      checkDuration(problems, keepalive, "time", tp.field("tcpKeepalive"), BOTH);
      checkDuration(problems, keepalive, "interval", tp.field("tcpKeepalive"), BOTH);
    }
  }
}

function percent(problems: Problems, o: JsonObject, key: string, at: FieldPath): void {
  const v = num(o[key]);
  if (v !== undefined && (v < 0 || v > 100)) problems.error(at.field(key), `percentage ${v} is not in range 0..100`);
}

function checkOutlierDetection(problems: Problems, owner: JsonObject, at: FieldPath): void {
  const outlier = obj(owner["outlierDetection"]);
  if (outlier === undefined) return;
  const path = at.field("outlierDetection");
  checkDuration(problems, outlier, "baseEjectionTime", path, BOTH);
  checkDuration(problems, outlier, "interval", path, BOTH);
  if ((num(outlier["consecutiveErrors"]) ?? 0) !== 0) {
    problems.warn(
      path.field("consecutiveErrors"),
      "outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead",
    );
  }
  if (!bool(outlier["splitExternalLocalOriginErrors"]) && (num(outlier["consecutiveLocalOriginFailures"]) ?? 0) > 0) {
    problems.error(
      path.field("consecutiveLocalOriginFailures"),
      "outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false; set splitExternalLocalOriginErrors: true",
    );
  }
  percent(problems, outlier, "maxEjectionPercent", path);
  percent(problems, outlier, "minHealthPercent", path);
}

function isPrime(x: number): boolean {
  if (x !== 0 && x < 4) return true;
  if (x % 2 === 0) return false;
  for (let f = 3; f * f <= x; f += 2) if (x % f === 0) return false;
  return true;
}

const TOPOLOGY_LABELS = new Set(["topology.kubernetes.io/region", "topology.kubernetes.io/zone", "topology.istio.io/subzone"]);

/** istiod validateLocalities: `region[/zone[/subzone]]`, at most one trailing `*`, no overlaps. Returns the first problem. */
function localitiesError(localities: string[]): string | undefined {
  const map = new Map<string, Map<string, Map<string, boolean>>>();
  for (const locality of localities) {
    const stars = locality.split("*").length - 1;
    if (stars > 0 && (stars > 1 || !locality.endsWith("*"))) {
      return `locality ${locality} wildcard '*' number can not exceed 1 and must be in the end`;
    }
    if (map.has("*")) return `locality ${locality} overlap with previous specified ones`;
    const items = locality.split("/");
    const parts = items.length > 3 ? [items[0], items[1], items.slice(2).join("/")] : items;
    if (parts.some((p) => p === "")) return `locality ${locality} must not contain empty region/zone/subzone info`;
    const [region = "", zone = "", subZone = ""] = parts as string[];
    const overlap = `locality ${locality} overlap with previous specified ones`;
    const zones = map.get(region);
    if (parts.length === 1) {
      if (zones !== undefined) return overlap;
      map.set(region, new Map([["*", new Map([["*", true]])]]));
    } else if (parts.length === 2) {
      if (zones !== undefined) {
        if (zones.has("*") || zones.has(zone)) return overlap;
        zones.set(zone, new Map([["*", true]]));
      } else map.set(region, new Map([[zone, new Map([["*", true]])]]));
    } else if (zones !== undefined) {
      if (zones.has("*")) return overlap;
      const subs = zones.get(zone);
      if (subs !== undefined) {
        if (subs.get("*") === true || subs.get(subZone) === true) return overlap;
        subs.set(subZone, true);
      } else zones.set(zone, new Map([[subZone, true]]));
    } else map.set(region, new Map([[zone, new Map([[subZone, true]])]]));
  }
  return undefined;
}

function checkLocalityLb(problems: Problems, lb: JsonObject, at: FieldPath, hasOutlier: boolean): void {
  const setting = obj(lb["localityLbSetting"]);
  if (setting === undefined) return;
  const path = at.field("localityLbSetting");
  const distribute = objects(setting["distribute"]);
  const failover = objects(setting["failover"]);
  const priority = strings(setting["failoverPriority"]);
  if (distribute.length > 0 && failover.length > 0) {
    problems.error(path, "can not simultaneously specify 'distribute' and 'failover'");
    return;
  }
  if (failover.length > 0) {
    const topo = priority.find(([label]) => TOPOLOGY_LABELS.has(label));
    if (topo !== undefined) {
      problems.error(path.field("failoverPriority").index(topo[1]), `can not simultaneously set 'failover' and topology label '${topo[0]}' in 'failover_priority'`);
      return;
    }
  }
  for (const [d, i] of distribute) {
    const dp = path.field("distribute").index(i);
    let total = 0;
    const destinations: string[] = [];
    for (const [locality, weight] of entries(d["to"])) {
      destinations.push(locality);
      const w = num(weight) ?? 0;
      if (w <= 0 || w > 100) {
        problems.error(dp.field("to").key(locality), "locality weight must be in range [1, 100]");
        return;
      }
      total += w;
    }
    if (total !== 100) {
      problems.error(dp.field("to"), `total locality weight ${total} != 100`);
      return;
    }
    const err = localitiesError(destinations);
    if (err !== undefined) problems.error(dp.field("to"), err);
  }
  const sources = distribute.map(([d]) => text(d, "from"));
  const srcErr = localitiesError(sources);
  if (srcErr !== undefined) problems.error(path.field("distribute"), srcErr);
  checkFailover(problems, failover, priority.length > 0, path, hasOutlier, {
    sameRegion: "locality lb failover settings must specify different regions",
    notRegion: "locality lb failover only specify region",
    wildcard: "locality lb failover region should not contain '*' wildcard",
  });
}

/** The `failover` entries of localityLbSetting and zoneAwareLbSetting: region to another region, no wildcard; outlier detection to fail over at all. */
function checkFailover(
  problems: Problems,
  failover: readonly [JsonObject, number][],
  hasPriority: boolean,
  path: FieldPath,
  hasOutlier: boolean,
  messages: { sameRegion: string; notRegion: string; wildcard: string },
): void {
  if ((failover.length > 0 || hasPriority) && !hasOutlier) {
    problems.warn(path, "outlier detection policy must be provided for failover: without outlierDetection no endpoint is ever ejected, so traffic never fails over");
  }
  for (const [f, i] of failover) {
    const fp = path.field("failover").index(i);
    const from = text(f, "from");
    const to = text(f, "to");
    if (from === to) problems.error(fp, messages.sameRegion);
    if (from.includes("/") || to.includes("/")) problems.error(fp, messages.notRegion);
    if (from.includes("*") || to.includes("*")) problems.error(fp, messages.wildcard);
  }
}

/** istiod ValidateZoneAwareLbSetting: failover between regions only; no topology labels in failoverPriority. */
function checkZoneAwareLb(problems: Problems, lb: JsonObject, at: FieldPath, hasOutlier: boolean): void {
  const setting = obj(lb["zoneAwareLbSetting"]);
  if (setting === undefined) return;
  const path = at.field("zoneAwareLbSetting");
  const failover = objects(setting["failover"]);
  const priority = strings(setting["failoverPriority"]);
  for (const [label, i] of priority) {
    if (TOPOLOGY_LABELS.has(label)) {
      problems.error(
        path.field("failoverPriority").index(i),
        `'failover_priority' for zone aware lb must not use topology label '${label}'; region- and zone-level routing are handled automatically`,
      );
    }
  }
  checkFailover(problems, failover, priority.length > 0, path, hasOutlier, {
    sameRegion: "zone aware lb failover settings must specify different regions",
    notRegion: "zone aware lb failover only specifies region; zone and subzone failover are handled automatically",
    wildcard: "zone aware lb failover region should not contain '*' wildcard",
  });
}

function checkLoadBalancer(problems: Problems, owner: JsonObject, at: FieldPath): void {
  const lb = obj(owner["loadBalancer"]);
  if (lb === undefined) return;
  const path = at.field("loadBalancer");
  const hash = obj(lb["consistentHash"]);
  if (hash !== undefined) {
    const hp = path.field("consistentHash");
    const cookie = obj(hash["httpCookie"]);
    if (cookie !== undefined && text(cookie, "name") === "") problems.error(hp.field("httpCookie"), "name required for HttpCookie");
    const attributes = new Set<string>();
    for (const [attribute, i] of objects(cookie?.["attributes"])) {
      const ap = hp.field("httpCookie").field("attributes").index(i).field("name");
      const name = text(attribute, "name");
      if (name === "") problems.error(ap, "cookie attribute name cannot be empty");
      else if (attributes.has(name)) problems.error(ap, `duplicate cookie attribute name: ${name}`);
      attributes.add(name);
    }
    const minRing = num(hash["minimumRingSize"]) ?? 0;
    if (minRing !== 0) {
      problems.warn(hp.field("minimumRingSize"), "consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead");
      if (has(hash, "ringHash") || has(hash, "maglev")) {
        problems.error(hp, "only one of MinimumRingSize or Maglev/Ringhash can be specified");
      }
    }
    const maglev = obj(hash["maglev"]);
    if (maglev !== undefined) {
      const size = num(maglev["tableSize"]) ?? 0;
      const mp = hp.field("maglev").field("tableSize");
      if (size === 0) problems.error(mp, "tableSize must be set for maglev");
      else if (size >= 5000011) problems.error(mp, `tableSize must be less than 5000011 for maglev (found ${size})`);
      else if (!isPrime(size)) problems.error(mp, `tableSize must be a prime number for maglev (found ${size}; 65537 is the default)`);
    }
  }
  if (has(lb, "localityLbSetting") && has(lb, "zoneAwareLbSetting")) {
    problems.error(path, "only one of localityLbSetting and zoneAwareLbSetting can be set");
  }
  checkLocalityLb(problems, lb, path, has(owner, "outlierDetection"));
  checkZoneAwareLb(problems, lb, path, has(owner, "outlierDetection"));
  checkDuration(problems, lb, "warmupDurationSecs", path, BOTH);
  const warmup = obj(lb["warmup"]);
  if (warmup !== undefined) {
    const wp = path.field("warmup");
    if (!has(warmup, "duration")) problems.error(wp, "duration is required");
    else checkDuration(problems, warmup, "duration", wp, BOTH);
    const min = num(warmup["minimumPercent"]);
    if (min !== undefined && min > 100) problems.error(wp.field("minimumPercent"), "minimumPercent value should be less than or equal to 100");
    const aggression = num(warmup["aggression"]);
    if (aggression !== undefined && aggression <= 0) problems.error(wp.field("aggression"), `aggression should be greater than 0 (found ${aggression})`);
  }
}

/** ClientTLSSettings (istiod ValidateTLS). */
export function checkClientTls(problems: Problems, owner: JsonObject, at: FieldPath): void {
  const tls = obj(owner["tls"]);
  if (tls === undefined) return;
  const path = at.field("tls");
  const mode = text(tls, "mode");
  const ca = text(tls, "caCertificates") !== "";
  const credential = text(tls, "credentialName") !== "";
  const sans = nonEmpty(tls, "subjectAltNames");
  if (bool(tls["insecureSkipVerify"])) {
    if (mode === "SIMPLE" && (ca || credential || sans)) {
      problems.error(path, "cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true");
    }
    if (mode === "MUTUAL" && (ca || sans)) {
      problems.error(path, "cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true");
    }
  }
  if ((mode === "SIMPLE" || mode === "MUTUAL") && credential) {
    if (text(tls, "clientCertificate") !== "" || ca || text(tls, "privateKey") !== "" || text(tls, "caCrl") !== "") {
      problems.error(path, "cannot specify client certificates or CA certificate or CA CRL If credentialName is set");
    }
    return;
  }
  if (mode === "MUTUAL") {
    if (text(tls, "clientCertificate") === "") problems.error(path, "client certificate required for mutual tls (set clientCertificate, or credentialName)");
    if (text(tls, "privateKey") === "") problems.error(path, "private key required for mutual tls (set privateKey, or credentialName)");
  }
}

function checkTunnel(problems: Problems, policy: JsonObject, at: FieldPath): void {
  const tunnel = obj(policy["tunnel"]);
  if (tunnel === undefined) return;
  const path = at.field("tunnel");
  const protocol = text(tunnel, "protocol");
  if (protocol !== "" && protocol !== "CONNECT" && protocol !== "POST") {
    problems.error(path.field("protocol"), `tunnel protocol must be "CONNECT" or "POST" (found '${protocol}')`);
  }
  const host = text(tunnel, "targetHost");
  const fqdn = fqdnError(host);
  if (fqdn !== undefined && !isIpAddress(host)) {
    problems.error(path.field("targetHost"), `tunnel target host must be valid FQDN or IP address: ${fqdn}; ${host} is not a valid IP`);
  }
  const port = portError(num(tunnel["targetPort"]) ?? 0);
  if (port !== undefined) problems.error(path.field("targetPort"), `tunnel target port is invalid: ${port}`);
}

/** TrafficPolicy of a DestinationRule or one of its subsets (istiod validateTrafficPolicy). */
export function checkTrafficPolicy(problems: Problems, owner: JsonObject | undefined, at: FieldPath): void {
  if (!has(owner, "trafficPolicy")) return;
  const policy = obj(owner?.["trafficPolicy"]);
  if (policy === undefined) return;
  const path = at.field("trafficPolicy");
  // Go sees an empty list as unset (portLevelSettings: [] does not count).
  const fields = ["outlierDetection", "connectionPool", "loadBalancer", "tls", "tunnel", "proxyProtocol", "retryBudget"];
  if (!fields.some((f) => has(policy, f)) && !nonEmpty(policy, "portLevelSettings")) {
    problems.error(path, "traffic policy must have at least one field");
    return;
  }
  if (has(policy, "tunnel") && has(policy, "proxyProtocol")) problems.error(path, "tunnel and proxyProtocol must not be set together");
  checkOutlierDetection(problems, policy, path);
  checkConnectionPool(problems, policy, path);
  checkLoadBalancer(problems, policy, path);
  checkClientTls(problems, policy, path);
  checkTunnel(problems, policy, path);
  arr(policy["portLevelSettings"]).forEach((item, i) => {
    const pp = path.field("portLevelSettings").index(i);
    const p = obj(item);
    if (p === undefined) {
      problems.error(pp, "traffic policy may not be null");
      return;
    }
    if (!has(p, "port")) problems.error(pp, "portTrafficPolicy must have valid port");
    if (!["outlierDetection", "connectionPool", "loadBalancer", "tls"].some((f) => has(p, f))) {
      problems.error(pp, "port traffic policy must have at least one field");
      return;
    }
    checkOutlierDetection(problems, p, pp);
    checkConnectionPool(problems, p, pp);
    checkLoadBalancer(problems, p, pp);
    checkClientTls(problems, p, pp);
  });
}

