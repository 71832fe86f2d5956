import { describe, expect, it } from "vitest";
import { expectGolden } from "../../test/helpers/golden.js";
import { diffAccessMatrices, formatAccessDiffMarkdown } from "./access-diff.js";
import { computeAccessMatrix } from "./access-matrix.js";
import { fixtureResources } from "./fixtures/support.js";

const before = computeAccessMatrix(fixtureResources("shop-before.yaml"));
const after = computeAccessMatrix(fixtureResources("shop-after.yaml"));
const golden = (name: string) => new URL(`./golden/${name}`, import.meta.url);

describe("access diff: shop before → after", () => {
  const diff = diffAccessMatrices(before, after, { environment: "prod" });

  it("lists the edges newly allowed, newly denied and with changed conditions", () => {
    // reports now admits namespace shop only (was: everything but shop, plaintext included); the
    // canary gets a broad ALLOW for the gateway; web gets PUT and DELETE.
    expect(diff.changes.map((c) => `${c.kind} ${c.direction} ${c.sourceId} → ${c.targetId}`)).toEqual([
      "newly-allowed wider shop/api → legacy/reports:8080",
      "newly-allowed wider shop/db → legacy/reports:8080",
      "newly-allowed wider shop/web → legacy/reports:8080",
      "conditions-changed wider istio-ingress/istio-ingressgateway → shop/api-canary:9000",
      "conditions-changed wider shop/web → shop/api:9000",
      "newly-denied narrower istio-ingress/istio-ingressgateway → legacy/reports:8080",
      "newly-denied narrower legacy/reports → legacy/reports:8080",
      "newly-denied narrower other-namespace → legacy/reports:8080",
      "newly-denied narrower plaintext → legacy/reports:8080",
    ]);
    expect(diff).toMatchObject({ newlyAllowed: 3, newlyDenied: 4, conditionsChanged: 2, widens: true });
  });

  it("a change in one version only names that version; a change to the whole group names the group", () => {
    expect(diff.changes.find((c) => c.sourceId === "istio-ingress/istio-ingressgateway" && c.kind === "conditions-changed")).toMatchObject({
      target: "api-canary:9000",
      after: { status: "conditional", conditions: ["any request"] },
    });
    expect(diff.changes.find((c) => c.sourceId === "shop/web" && c.kind === "conditions-changed")).toMatchObject({
      target: "api:9000",
      before: { status: "conditional", conditions: ["GET,POST /api/*"] },
      after: { status: "conditional", conditions: ["GET,POST,PUT,DELETE /api/*"] },
    });
  });

  it("markdown for prod marks the widening prominently", () => {
    const markdown = formatAccessDiffMarkdown(diff, { environment: "prod" });
    expect(markdown).toContain("> [!WARNING]");
    expectGolden(markdown, golden("shop.access-diff.prod.md"));
  });

  it("markdown for staging states the same changes without the warning", () => {
    const markdown = formatAccessDiffMarkdown(diff, { environment: "staging" });
    expect(markdown).not.toContain("[!WARNING]");
    expect(markdown).toContain("3 newly allowed, 4 newly denied, 2 with changed conditions.");
  });

  it("read back from JSON (no structured conditions), a condition change compares the texts", () => {
    const reread = diffAccessMatrices(JSON.parse(JSON.stringify(before)), JSON.parse(JSON.stringify(after)));
    expect(reread.changes.find((c) => c.sourceId === "shop/web" && c.kind === "conditions-changed")?.direction).toBe("changed");
  });

  it("a diff that only narrows access carries no warning, even in prod", () => {
    const narrowing = diffAccessMatrices(after, before);
    const onlyNarrower = { ...narrowing, changes: narrowing.changes.filter((c) => c.direction === "narrower"), widens: false };
    expect(formatAccessDiffMarkdown(onlyNarrower, { environment: "prod-eu" })).not.toContain("[!WARNING]");
  });

  it("an empty diff says there is no change in who can reach whom", () => {
    const same = diffAccessMatrices(before, before);
    expect(same.changes).toEqual([]);
    expect(formatAccessDiffMarkdown(same, { environment: "prod" })).toBe("#### Who can reach whom: `prod`\n\nNo change in who can reach whom in `prod`.\n");
  });

  it("cuts long tables with an explicit line", () => {
    const markdown = formatAccessDiffMarkdown(diff, { environment: "prod", maxRows: 2 });
    expect(markdown).toContain("… 7 more changes not shown (truncated).");
  });
});
