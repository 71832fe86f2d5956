/**
 * The real VAPORA environments, rendered with the pinned kustomize, against what the repository
 * says they are: the targets are the catalog's workload ports, and the edges that are not denied
 * are exactly the rows of docs/policy.md's "Who may call whom" table, which in turn are the
 * catalog's calls. Nothing here names a workload: adding one with `mesh-policy new` keeps it green.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { evaluateCatalog, type Catalog } from "../generate/catalog.js";
import { callerName, documentedCalls, documentedRoutes, documentedWorkloads, POLICY_DOC, type DocumentedCall } from "../generate/policy-doc.js";
import { renderEnvironment } from "../render/render-environment.js";
import { listEnvironments } from "../render/environments.js";
import { diffAccessMatrices, formatAccessDiffMarkdown } from "./access-diff.js";
import { cellOf, computeAccessMatrix, type AccessMatrix } from "./access-matrix.js";
import { explainRequest, formatExplanationText } from "./explain.js";
import { buildAccessModel, protocolOfServicePort, type AccessModel } from "./mesh-model.js";
import { CATALOG_FILE } from "../generate/catalog.js";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const ENVIRONMENTS = await listEnvironments(REPO_ROOT);

const models = new Map<string, AccessModel>();
const matrices = new Map<string, AccessMatrix>();
let catalog: Catalog;
let documented: DocumentedCall[];
let doc: string;
let catalogText: string;

beforeAll(async () => {
  catalog = await evaluateCatalog(REPO_ROOT);
  catalogText = await readFile(path.join(REPO_ROOT, CATALOG_FILE), "utf8");
  doc = await readFile(path.join(REPO_ROOT, POLICY_DOC), "utf8");
  documented = documentedCalls(doc);
  for (const environment of ENVIRONMENTS) {
    // No render cache: nothing is written outside this folder.
    const rendered = await renderEnvironment(REPO_ROOT, environment, { cacheDir: false });
    const model = buildAccessModel(rendered.resources);
    models.set(environment, model);
    matrices.set(environment, computeAccessMatrix(model, { environment }));
  }
});

/** `cluster.local/ns/vapora/sa/vapora-backend` is the matrix source `vapora/vapora-backend`. */
function sourceOf(principal: string): string {
  const match = /\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(principal);
  if (match === null) throw new Error(`${POLICY_DOC}: ${principal} is not a principal of the form <trust domain>/ns/<namespace>/sa/<account>`);
  return `${match[1] ?? ""}/${match[2] ?? ""}`;
}

/** The matrix's condition for a documented row: `GET,HEAD`, `GET,POST /api/* with JWT`; none when any request is allowed. */
function conditionOf(row: Pick<DocumentedCall, "methods" | "paths" | "requireJwt">): string[] {
  const parts = [row.methods.join(","), row.paths.join(",")].filter((part) => part !== "");
  if (row.requireJwt) parts.push("with JWT");
  return parts.length === 0 ? [] : [parts.join(" ")];
}

/** docs/policy.md's rows as edges of the matrix: `source → namespace/workload:containerPort`. */
function documentedEdges(): Map<string, { status: "allowed" | "conditional"; conditions: string[]; line: number }> {
  const edges = new Map<string, { status: "allowed" | "conditional"; conditions: string[]; line: number }>();
  for (const row of documented) {
    const conditions = conditionOf(row);
    for (const principal of row.principals) {
      for (const port of row.containerPorts) {
        edges.set(`${sourceOf(principal)} → ${catalog.namespace}/${row.callee}:${port}`, { status: conditions.length === 0 ? "allowed" : "conditional", conditions, line: row.line });
      }
    }
  }
  return edges;
}

describe(`${POLICY_DOC}, "Who may call whom"`, () => {
  it("has one row per call of the catalog between workloads, with its ports, methods, paths and JWT requirement", () => {
    const fromCatalog = catalog.calls
      .filter((call) => call.toKind === "workload")
      .flatMap((call) => call.targetPorts.map((port) => `${call.principal} → ${call.to}:${port} ${conditionOf(call).join("") || "any"}`));
    const fromDoc = documented.flatMap((row) =>
      row.principals.flatMap((principal) => row.containerPorts.map((port) => `${principal} → ${row.callee}:${port} ${conditionOf(row).join("") || "any"}`)),
    );
    expect(fromDoc.sort()).toEqual(fromCatalog.sort());
  });
});

describe(`${POLICY_DOC}, "Workloads and ports" and "Routing and resilience"`, () => {
  it("lists each workload of the catalog with its service account, ports and callers", () => {
    const rows = documentedWorkloads(doc).filter((row) => row.workload.startsWith(`${catalog.namespace}-`));
    const show = (w: { workload: string; serviceAccount: string; ports: string[]; calledBy: string[] }) => `${w.workload} sa=${w.serviceAccount} ports=${w.ports.join(",")} calledBy=${[...w.calledBy].sort().join(",")}`;
    expect(rows.map((row) => show({ ...row, ports: row.servicePorts.map((p, i) => `${p.port}(${p.name ?? "?"})->${row.containerPorts[i] ?? "?"}`) })).sort()).toEqual(
      catalog.workloads
        .map((w) =>
          show({
            workload: w.name,
            serviceAccount: w.serviceAccount,
            ports: w.ports.map((p) => `${p.port}(${p.name})->${p.targetPort}`),
            calledBy: [...new Set(catalog.calls.filter((c) => c.to === w.name).map((c) => callerName(c.from, catalog.namespace)))],
          }),
        )
        .sort(),
    );
  });

  it("gives each workload's route its timeout and retries", () => {
    expect(documentedRoutes(doc).map((r) => `${r.folder} ${r.timeout} ${r.attempts} × ${r.perTryTimeout}`).sort()).toEqual(
      catalog.workloads.map((w) => `${w.folder} ${w.route.timeout} ${w.route.retries.attempts} × ${w.route.retries.perTryTimeout}`).sort(),
    );
  });
});

describe.each(ENVIRONMENTS)("VAPORA %s: who can reach whom", (environment) => {
  const matrix = () => matrices.get(environment) as AccessMatrix;

  it("the targets are the container ports of the catalog's workloads (not their Service ports), all STRICT", () => {
    const expected = catalog.workloads.flatMap((w) => w.ports.map((p) => `${catalog.namespace}/${w.name}:${p.targetPort} ${protocolOfServicePort({ ...p, appProtocol: undefined })} STRICT`)).sort();
    expect(matrix().targets.map((t) => `${t.id} ${t.protocol} ${t.mtls}`)).toEqual(expected);
  });

  it(`the edges ${POLICY_DOC} lists, with its methods, paths and JWT requirement`, () => {
    const sources = new Set(matrix().sources.map((s) => s.id));
    for (const [edge, { line, ...expected }] of documentedEdges()) {
      const [source, target] = edge.split(" → ") as [string, string];
      expect(sources.has(source), `${POLICY_DOC}:${line}: ${source} is no source of the matrix`).toBe(true);
      expect(cellOf(matrix(), source, target), `${POLICY_DOC}:${line}: ${edge}`).toMatchObject({ ...expected, except: [] });
    }
  });

  it("everything else is denied; plaintext is denied everywhere because mTLS is STRICT", () => {
    const m = matrix();
    const edges = documentedEdges();
    let denied = 0;
    m.sources.forEach((source, s) => {
      m.targets.forEach((target, t) => {
        const cell = m.cells[s]?.[t];
        const edge = `${source.id} → ${target.id}`;
        if (edges.has(edge)) return;
        expect(cell?.status, edge).toBe("denied");
        denied++;
        if (source.id === "plaintext") expect(cell?.reason, edge).toBe("mTLS STRICT rejects plaintext");
      });
    });
    expect(denied + edges.size).toBe(m.sources.length * m.targets.length);
  });
});

describe("VAPORA across environments", () => {
  it("the matrix is identical in every environment (docs/policy.md: identical allow list everywhere)", () => {
    const [first, ...others] = ENVIRONMENTS;
    expect(others.length).toBeGreaterThan(0);
    const reference = matrices.get(first as string) as AccessMatrix;
    for (const environment of others) {
      const diff = diffAccessMatrices(matrices.get(environment) as AccessMatrix, reference, { environment: first as string });
      expect(diff.changes, environment).toEqual([]);
      expect(formatAccessDiffMarkdown(diff, { environment: first as string })).toContain("No change in who can reach whom");
    }
  });
});

/** The lines of the catalog's `$.call(FROM, TO, ...)` entry: where a rule generated from it is written. */
function callLines(from: string, to: string): { first: number; last: number } {
  const lines = catalogText.split("\n");
  const first = lines.findIndex((line) => line.includes(`$.call('${from}', '${to}'`));
  expect(first, `${CATALOG_FILE} has no $.call('${from}', '${to}', ...)`).toBeGreaterThanOrEqual(0);
  let last = first;
  while (last + 1 < lines.length && !/\)\s*,?\s*$/.test(lines[last] ?? "")) last++;
  return { first: first + 1, last: last + 1 };
}

describe("VAPORA prod: explain", () => {
  const explain = (query: Parameters<typeof explainRequest>[1]) => explainRequest(models.get("prod") as AccessModel, query, { environment: "prod" });

  it("frontend → backend GET /api/items: 95/5 canary split, allowed on both by the catalog's call, 10s timeout, 2 × 3s retries", () => {
    const e = explain({ from: "vapora-frontend", to: "vapora-backend:8001", method: "GET", path: "/api/items" });
    expect(e.verdict).toBe("allowed");
    expect(e.route.destinations.map((d) => [d.subset, d.percent])).toEqual([
      ["stable", 95],
      ["canary", 5],
    ]);
    expect(e.destinations.map((d) => d.percent)).toEqual([95, 5]);
    expect(e.route).toMatchObject({ timeout: "10s", retries: { attempts: 2, perTryTimeout: "3s" } });
    const { first, last } = callLines("vapora-frontend", "vapora-backend");
    for (const d of e.destinations) {
      expect(d.authorization?.decidedBy).toMatchObject({ policy: "vapora/allow-vapora-backend", action: "ALLOW", location: { file: CATALOG_FILE } });
      expect(d.authorization?.decidedBy?.location.line).toBeGreaterThanOrEqual(first);
      expect(d.authorization?.decidedBy?.location.line).toBeLessThanOrEqual(last);
    }
    expect(formatExplanationText(e)).toContain(`: ALLOWED (200) — ALLOW policy vapora/allow-vapora-backend rule ${e.destinations[0]?.authorization?.decidedBy?.rule ?? "?"} matches (${CATALOG_FILE}:`);
  });

  it("frontend → agents is denied, and says which rule came closest (not deny-all, which has no rules)", () => {
    const e = explain({ from: "vapora-frontend", to: "vapora-agents:8002", method: "POST", path: "/run" });
    expect(e.verdict).toBe("denied");
    const misses = e.destinations[0]?.authorization?.nearestMisses ?? [];
    expect(misses.map((m) => m.policy)).toEqual(["vapora/allow-vapora-agents"]);
    expect(misses[0]).toMatchObject({
      rule: 0,
      failures: ["principals: cluster.local/ns/vapora/sa/vapora-frontend is not in [cluster.local/ns/vapora/sa/vapora-backend]"],
      location: { file: CATALOG_FILE },
    });
    const { first, last } = callLines("vapora-backend", "vapora-agents");
    expect(misses[0]?.location.line).toBeGreaterThanOrEqual(first);
    expect(misses[0]?.location.line).toBeLessThanOrEqual(last);
    const text = formatExplanationText(e);
    expect(text).toContain("DENIED (403) — no ALLOW rule matches");
    expect(text).not.toContain("deny-all");
  });

  it("plaintext → backend: the server's sidecar resets the connection (no HTTP status), not 503", () => {
    const e = explain({ from: "plaintext", to: "vapora-backend:8001", path: "/api/items" });
    expect(e.verdict).toBe("denied");
    expect(e.destinations.map((d) => [d.status, d.connectionReset])).toEqual([
      [undefined, true],
      [undefined, true],
    ]);
    const text = formatExplanationText(e);
    expect(text).toContain("DENIED (connection reset)");
    expect(text).toContain("verdict: denied (connection reset)");
    expect(text).not.toContain("503");
  });

  it("gateway → backend /api/x: denied without a token, allowed with a prod token, 401 with a token of another issuer", () => {
    const base = { from: "istio-ingressgateway", to: "vapora-backend:8001", method: "GET", path: "/api/x", headers: { host: "vapora.example.com" } };
    const none = explain(base);
    expect(none.route).toMatchObject({ virtualService: "vapora/vapora-ingress", routeName: "api" });
    expect(none.verdict).toBe("denied");
    expect(none.destinations[0]?.authorization?.nearestMisses[0]).toMatchObject({ rule: 1, failures: ["requestPrincipals: no valid JWT is not in [*]"] });
    const valid = explain({ ...base, jwtClaims: { iss: "https://auth.vapora.example.com", sub: "user-1" } });
    expect(valid.verdict).toBe("allowed");
    expect(valid.destinations.map((d) => [d.status, d.jwt.status, d.authorization?.decidedBy?.rule])).toEqual([
      [200, "valid", 1],
      [200, "valid", 1],
    ]);
    const staging = explain({ ...base, jwtClaims: { iss: "https://auth.staging.vapora.example.com", sub: "user-1" } });
    expect(staging.destinations.map((d) => d.status)).toEqual([401, 401]);
  });

  it("gateway without a Host header: the host of the edge VirtualService that routes to the target is assumed", () => {
    const e = explain({ from: "istio-ingressgateway", to: "vapora-backend:8001", method: "DELETE", path: "/api/items/1", jwtClaims: { iss: "https://auth.vapora.example.com", sub: "u" } });
    expect(e.request.authority).toBe("vapora.example.com");
    expect(e.route.notes[0]).toContain("assuming Host vapora.example.com");
    expect(e.verdict).toBe("allowed");
  });

  it("gateway /api (no slash) is served by the frontend, consistent with the policy (docs/policy.md note)", () => {
    const e = explain({ from: "istio-ingressgateway", to: "vapora-frontend:80", path: "/api", headers: { host: "vapora.example.com" } });
    expect(e.route).toMatchObject({ routeName: "web" });
    expect(e.verdict).toBe("allowed");
  });
});
