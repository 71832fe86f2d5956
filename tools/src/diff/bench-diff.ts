import { performance } from "node:perf_hooks";
import type { JsonObject, Resource } from "../model/resource.js";
import { diffResources } from "./diff-resources.js";
import { changeCount, DIFF_REPORT_VERSION, type DiffReport } from "./diff-report.js";
import { summarize } from "./environment-diff.js";
import { formatDiffMarkdown } from "./format-diff-markdown.js";

export interface DiffBenchOptions {
  /** Objects in the environment (a quarter each of Services, VirtualServices, DestinationRules, AuthorizationPolicies). */
  objects?: number;
  /** Share of objects that the head revision changes (a few are added or removed instead). */
  changedFraction?: number;
  seed?: number;
}

export interface DiffBenchResult {
  objects: number;
  added: number;
  changed: number;
  removed: number;
  /** normalize + diff of the two revisions. */
  diffMs: number;
  /** The pull-request comment, size cap included. */
  markdownMs: number;
  totalMs: number;
  markdownLength: number;
}

/**
 * Times the diff stage alone (no kustomize): two in-memory revisions of one environment of
 * `objects` realistic Istio objects, about `changedFraction` of them changed, normalized, diffed
 * and formatted as the pull-request comment.
 */
export function benchDiff(options: DiffBenchOptions = {}): DiffBenchResult {
  const { before, after } = generateRevisions(options);
  const start = performance.now();
  const diff = diffResources(before, after);
  const diffed = performance.now();
  // Who can reach whom is timed apart (npm run bench, access matrix): no access change here.
  const access = { environment: "prod", changes: [], newlyAllowed: 0, newlyDenied: 0, conditionsChanged: 0, widens: false };
  const environments = changeCount(diff) > 0 ? [{ name: "prod", status: "changed" as const, ...diff, access }] : [];
  const report: DiffReport = {
    version: DIFF_REPORT_VERSION,
    base: { ref: "main", commit: "0".repeat(40), environment: null },
    head: { ref: "HEAD", commit: "1".repeat(40), environment: null },
    deployments: [],
    environments,
    unchangedEnvironments: changeCount(diff) > 0 ? [] : ["prod"],
    pending: [],
    summary: summarize(environments, []),
  };
  const markdown = formatDiffMarkdown(report);
  const done = performance.now();
  return {
    objects: before.length,
    added: diff.added.length,
    changed: diff.changed.length,
    removed: diff.removed.length,
    diffMs: round(diffed - start),
    markdownMs: round(done - diffed),
    totalMs: round(done - start),
    markdownLength: markdown.length,
  };
}

/** Two revisions of one environment: `before`, and `after` with about `changedFraction` of the objects edited. */
export function generateRevisions(options: DiffBenchOptions = {}): { before: Resource[]; after: Resource[] } {
  const objects = options.objects ?? 2_500;
  const fraction = options.changedFraction ?? 0.05;
  const random = seededRandom(options.seed ?? 1);
  const services = Math.ceil(objects / 4);
  const before: Resource[] = [];
  const after: Resource[] = [];
  for (let i = 0; i < services; i++) {
    const name = `svc-${String(i).padStart(4, "0")}`;
    for (const make of [service, virtualService, destinationRule, authorizationPolicy]) {
      if (before.length >= objects) break;
      const object = make(name, i);
      const roll = random();
      before.push(resourceOf(object, name));
      if (roll < fraction * 0.9) after.push(resourceOf(edit(structuredClone(object), random), name));
      else if (roll < fraction * 0.95) continue; // removed
      else after.push(resourceOf(structuredClone(object), name));
      if (roll >= fraction * 0.95 && roll < fraction) {
        after.push(resourceOf(make(`${name}-new`, i), `${name}-new`));
      }
    }
  }
  return { before, after };
}

function resourceOf(object: JsonObject, folder: string): Resource {
  const metadata = object["metadata"] as JsonObject;
  const file = `base/${folder}/${String(object["kind"]).toLowerCase()}.yaml`;
  return {
    apiVersion: String(object["apiVersion"]),
    kind: String(object["kind"]),
    name: String(metadata["name"]),
    namespace: String(metadata["namespace"]),
    object,
    origin: { file, line: 1, locate: (pointer) => ({ file, line: pointer.split("/").length, ...(pointer === "" ? {} : { pointer }) }) },
  };
}

function metadataOf(name: string, kind: string): JsonObject {
  return {
    name,
    namespace: "vapora",
    labels: { app: name, "app.kubernetes.io/part-of": "vapora" },
    annotations: { "config.kubernetes.io/origin": `path: ../../base/${name}/${kind.toLowerCase()}.yaml\n` },
  };
}

function service(name: string, i: number): JsonObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: metadataOf(name, "Service"),
    spec: {
      ports: [
        { name: "http", port: 8000 + (i % 100), protocol: "TCP", targetPort: 8080 },
        { name: "grpc", port: 9000 + (i % 100), protocol: "TCP", targetPort: 9090 },
      ],
      selector: { app: name },
    },
  };
}

function virtualService(name: string, i: number): JsonObject {
  return {
    apiVersion: "networking.istio.io/v1",
    kind: "VirtualService",
    metadata: metadataOf(name, "VirtualService"),
    spec: {
      hosts: [name, `${name}.vapora.svc.cluster.local`],
      http: [
        {
          name: "canary",
          match: [{ headers: { "x-canary": { exact: "true" } } }, { uri: { prefix: `/api/v${(i % 3) + 1}/canary` } }],
          route: [{ destination: { host: name, subset: "canary", port: { number: 8000 + (i % 100) } } }],
          timeout: "10s",
          retries: { attempts: 2, perTryTimeout: "3s", retryOn: "5xx,reset,connect-failure" },
        },
        {
          name: "primary",
          route: [
            { destination: { host: name, subset: "stable" }, weight: 90 },
            { destination: { host: name, subset: "canary" }, weight: 10 },
          ],
          timeout: "15s",
          retries: { attempts: 3, perTryTimeout: "4s", retryOn: "5xx,reset" },
        },
      ],
    },
  };
}

function destinationRule(name: string, i: number): JsonObject {
  return {
    apiVersion: "networking.istio.io/v1",
    kind: "DestinationRule",
    metadata: metadataOf(name, "DestinationRule"),
    spec: {
      host: name,
      trafficPolicy: {
        connectionPool: { tcp: { maxConnections: 100 + i, connectTimeout: "2s" }, http: { http1MaxPendingRequests: 64, maxRequestsPerConnection: 10 } },
        outlierDetection: { consecutive5xxErrors: 5, interval: "10s", baseEjectionTime: "30s", maxEjectionPercent: 50 },
        tls: { mode: "ISTIO_MUTUAL" },
      },
      subsets: [
        { name: "stable", labels: { version: "stable" } },
        { name: "canary", labels: { version: "canary" } },
      ],
    },
  };
}

function authorizationPolicy(name: string, i: number): JsonObject {
  return {
    apiVersion: "security.istio.io/v1",
    kind: "AuthorizationPolicy",
    metadata: metadataOf(name, "AuthorizationPolicy"),
    spec: {
      selector: { matchLabels: { app: name } },
      action: "ALLOW",
      rules: [
        {
          from: [{ source: { principals: [`cluster.local/ns/vapora/sa/svc-${String((i + 1) % 1000).padStart(4, "0")}`, "cluster.local/ns/istio-ingress/sa/ingress"] } }],
          to: [{ operation: { ports: [String(8000 + (i % 100))], methods: ["GET", "POST"], paths: ["/api/*"] } }],
        },
      ],
    },
  };
}

/** A realistic edit: a weight shift, a timeout, a new principal, a bigger pool, a new port. */
function edit(object: JsonObject, random: () => number): JsonObject {
  const spec = object["spec"] as JsonObject;
  switch (object["kind"]) {
    case "VirtualService": {
      const http = spec["http"] as JsonObject[];
      const primary = http[1] as JsonObject;
      const route = primary["route"] as JsonObject[];
      const shift = 5 + Math.floor(random() * 20);
      (route[0] as JsonObject)["weight"] = 90 - shift;
      (route[1] as JsonObject)["weight"] = 10 + shift;
      if (random() < 0.5) primary["timeout"] = "20s";
      break;
    }
    case "DestinationRule": {
      const pool = (spec["trafficPolicy"] as JsonObject)["connectionPool"] as JsonObject;
      (pool["tcp"] as JsonObject)["maxConnections"] = 500;
      break;
    }
    case "AuthorizationPolicy": {
      const rules = spec["rules"] as JsonObject[];
      const source = (((rules[0] as JsonObject)["from"] as JsonObject[])[0] as JsonObject)["source"] as JsonObject;
      (source["principals"] as string[]).push("cluster.local/ns/vapora/sa/new-caller");
      break;
    }
    default: {
      (spec["ports"] as JsonObject[]).splice(1, 0, { name: "metrics", port: 15090, protocol: "TCP", targetPort: 15090 });
    }
  }
  return object;
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
