/**
 * The real VAPORA environments, rendered with the pinned kustomize: their access matrices as
 * snapshots a reviewer can read (golden/vapora-*.matrix.txt), checked against docs/policy.md
 * ("Who may call whom").
 */
import { beforeAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { expectGolden } from "../../test/helpers/golden.js";
import { renderEnvironment } from "../render/render-environment.js";
import { diffAccessMatrices, formatAccessDiffMarkdown } from "./access-diff.js";
import { cellOf, computeAccessMatrix, formatAccessMatrixText, type AccessMatrix } from "./access-matrix.js";
import { explainRequest, formatExplanationText } from "./explain.js";
import { formatGraphMermaid } from "./graph.js";
import { buildAccessModel, type AccessModel } from "./mesh-model.js";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
const golden = (name: string) => new URL(`./golden/${name}`, import.meta.url);

const models = new Map<string, AccessModel>();
const matrices = new Map<string, AccessMatrix>();

beforeAll(async () => {
  for (const environment of ENVIRONMENTS) {
    // No render cache: nothing is written outside this folder.
    const rendered = await renderEnvironment(REPO_ROOT, environment, { cacheDir: false });
    const model = buildAccessModel(rendered.resources);
    models.set(environment, model);
    matrices.set(environment, computeAccessMatrix(model, { environment }));
  }
});

const GATEWAY = "istio-ingress/istio-ingressgateway";
const FRONTEND = "vapora/vapora-frontend";
const BACKEND = "vapora/vapora-backend";
const AGENTS = "vapora/vapora-agents";

/** docs/policy.md, "Who may call whom": the only edges that are not denied. */
const DOCUMENTED: Record<string, { status: "allowed" | "conditional"; conditions: string[] }> = {
  [`${GATEWAY} → vapora/vapora-frontend:8080`]: { status: "conditional", conditions: ["GET,HEAD"] },
  [`${GATEWAY} → vapora/vapora-backend:8001`]: { status: "conditional", conditions: ["GET,POST,PUT,PATCH,DELETE /api/* with JWT"] },
  [`${FRONTEND} → vapora/vapora-backend:8001`]: { status: "conditional", conditions: ["GET,POST,PUT,PATCH,DELETE /api/*"] },
  [`${BACKEND} → vapora/vapora-agents:8002`]: { status: "allowed", conditions: [] },
  [`${BACKEND} → vapora/vapora-llm-router:8003`]: { status: "allowed", conditions: [] },
  [`${AGENTS} → vapora/vapora-llm-router:8003`]: { status: "allowed", conditions: [] },
};

describe.each(ENVIRONMENTS)("VAPORA %s: who can reach whom", (environment) => {
  const matrix = () => matrices.get(environment) as AccessMatrix;

  it("snapshot", () => {
    expectGolden(formatAccessMatrixText(matrix()), golden(`vapora-${environment}.matrix.txt`));
  });

  it("targets are the container ports (frontend 8080, not Service port 80), all HTTP and STRICT", () => {
    expect(matrix().targets.map((t) => `${t.id} ${t.protocol} ${t.mtls}`)).toEqual([
      "vapora/vapora-agents:8002 HTTP STRICT",
      "vapora/vapora-backend:8001 HTTP STRICT",
      "vapora/vapora-frontend:8080 HTTP STRICT",
      "vapora/vapora-llm-router:8003 HTTP STRICT",
    ]);
  });

  it("the edges docs/policy.md lists, with its methods, paths and JWT requirement", () => {
    for (const [edge, expected] of Object.entries(DOCUMENTED)) {
      const [source, target] = edge.split(" → ") as [string, string];
      expect(cellOf(matrix(), source, target), edge).toMatchObject({ ...expected, except: [] });
    }
  });

  it("everything else is denied; plaintext is denied everywhere because mTLS is STRICT", () => {
    const m = matrix();
    m.sources.forEach((source, s) => {
      m.targets.forEach((target, t) => {
        const cell = m.cells[s]?.[t];
        const edge = `${source.id} → ${target.id}`;
        if (DOCUMENTED[edge] !== undefined) return;
        expect(cell?.status, edge).toBe("denied");
        if (source.id === "plaintext") expect(cell?.reason, edge).toBe("mTLS STRICT rejects plaintext");
      });
    });
  });
});

describe("VAPORA across environments", () => {
  it("the matrix is identical in dev, staging and prod (docs/policy.md: identical allow list everywhere)", () => {
    const prod = matrices.get("prod") as AccessMatrix;
    for (const environment of ["dev", "staging"]) {
      const diff = diffAccessMatrices(matrices.get(environment) as AccessMatrix, prod, { environment: "prod" });
      expect(diff.changes, environment).toEqual([]);
      expect(formatAccessDiffMarkdown(diff, { environment: "prod" })).toContain("No change in who can reach whom");
    }
  });

  it("prod graph for the pull-request comment", () => {
    expectGolden(formatGraphMermaid(matrices.get("prod") as AccessMatrix), golden("vapora-prod.graph.mmd"));
  });
});

describe("VAPORA prod: explain", () => {
  const explain = (query: Parameters<typeof explainRequest>[1]) => explainRequest(models.get("prod") as AccessModel, query, { environment: "prod" });

  it("frontend → backend GET /api/items: 95/5 canary split, allowed on both, 10s timeout, 2 × 3s retries", () => {
    const e = explain({ from: "vapora-frontend", to: "vapora-backend:8001", method: "GET", path: "/api/items" });
    expect(e.verdict).toBe("allowed");
    expect(e.route.destinations.map((d) => [d.subset, d.percent])).toEqual([
      ["stable", 95],
      ["canary", 5],
    ]);
    expect(e.route).toMatchObject({ timeout: "10s", retries: { attempts: 2, perTryTimeout: "3s" } });
    expectGolden(formatExplanationText(e), golden("vapora-prod.explain-frontend-backend.txt"));
  });

  it("frontend → agents is denied, and says which rule came closest", () => {
    const e = explain({ from: "vapora-frontend", to: "vapora-agents:8002", method: "POST", path: "/run" });
    expect(e.verdict).toBe("denied");
    expect(e.destinations[0]?.authorization?.nearestMisses[0]).toEqual({
      policy: "vapora/allow-vapora-agents",
      rule: 0,
      failures: ["principals: cluster.local/ns/vapora/sa/vapora-frontend is not in [cluster.local/ns/vapora/sa/vapora-backend]"],
    });
    expectGolden(formatExplanationText(e), golden("vapora-prod.explain-frontend-agents.txt"));
  });

  it("gateway → backend /api/x: denied without a token, allowed with a prod token, 401 with a token of another issuer", () => {
    const base = { from: "istio-ingressgateway", to: "vapora-backend:8001", method: "GET", path: "/api/x", headers: { host: "vapora.example.com" } };
    const none = explain(base);
    expect(none.route).toMatchObject({ virtualService: "vapora/vapora-ingress", routeName: "api" });
    expect(none.verdict).toBe("denied");
    expect(none.destinations[0]?.authorization?.nearestMisses[0]).toMatchObject({ rule: 1, failures: ["requestPrincipals: no valid JWT is not in [*]"] });
    const valid = explain({ ...base, jwtClaims: { iss: "https://auth.vapora.example.com", sub: "user-1" } });
    expect(valid.verdict).toBe("allowed");
    expectGolden(formatExplanationText(valid), golden("vapora-prod.explain-gateway-backend-jwt.txt"));
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
