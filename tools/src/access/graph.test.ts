import { describe, expect, it } from "vitest";
import { expectGolden } from "../../test/helpers/golden.js";
import { computeAccessMatrix } from "./access-matrix.js";
import { accessGraph, formatGraphHtml, formatGraphJson, formatGraphMermaid } from "./graph.js";
import { fixtureResources } from "./fixtures/support.js";

const matrix = computeAccessMatrix(fixtureResources("shop-before.yaml"), { environment: "fixture" });
const golden = (name: string) => new URL(`./golden/${name}`, import.meta.url);

describe("access graph", () => {
  it("nodes are identities and workloads; a workload and the identity that runs only it share one node", () => {
    const graph = accessGraph(matrix);
    expect(graph.nodes.map((n) => `${n.id} ${n.kind}`)).toEqual([
      "istio-ingress/istio-ingressgateway gateway",
      "legacy/reports workload",
      "other-namespace other-namespace",
      "plaintext plaintext",
      "shop/api workload",
      "shop/db workload",
      "shop/web workload",
    ]);
  });
  it("denied edges are left out", () => {
    const graph = accessGraph(matrix);
    expect(graph.edges.some((e) => e.from === "shop/web" && e.to === "shop/db")).toBe(false);
    expect(graph.edges.find((e) => e.from === "shop/web" && e.to === "shop/api")).toMatchObject({ status: "conditional", port: 9000, conditions: ["GET,POST /api/*"] });
  });
  it("mermaid: flowchart LR, labelled with ports and conditions, quotes escaped", () => {
    const mermaid = formatGraphMermaid(matrix);
    expect(mermaid.startsWith("flowchart LR\n")).toBe(true);
    expect(mermaid).toContain('-.->|"9000: GET,POST /api/* except DENY /api/admin*; external authorizer (opa) decides /api/export/*"|');
    expectGolden(mermaid, golden("shop.graph.mmd"));
  });
  it("json", () => {
    expectGolden(formatGraphJson(matrix), golden("shop.graph.json"));
  });
  it("html: one self-contained, deterministic file (no script, no external URL)", () => {
    const html = formatGraphHtml(matrix, { title: "Access — shop", revision: "0123456789ab" });
    expect(html).toBe(formatGraphHtml(computeAccessMatrix(fixtureResources("shop-before.yaml"), { environment: "fixture" }), { title: "Access — shop", revision: "0123456789ab" }));
    expect(html).not.toMatch(/<script|<link rel="stylesheet"|@import|url\(|\ssrc=/);
    // The only href is the empty inline icon (so that no browser asks for /favicon.ico).
    expect([...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1])).toEqual(["data:,"]);
    expect(html).toContain('<td class="denied" data-source="shop/web" data-target="shop/db:5432"');
    expectGolden(html, golden("shop.graph.html"));
  });
  it("html escapes what it shows", () => {
    const html = formatGraphHtml(matrix, { title: "<b>&", revision: "0123456789ab" });
    expect(html).toContain("<title>&lt;b&gt;&amp;</title>");
  });
});
