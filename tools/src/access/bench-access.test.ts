import { describe, expect, it } from "vitest";
import { benchAccessMatrix, generateAccessBenchConfig } from "./bench-access.js";

describe("access matrix at scale", () => {
  it("generates 500 workloads and 2,000 AuthorizationPolicies", () => {
    const resources = generateAccessBenchConfig();
    expect(resources.filter((r) => r.kind === "AuthorizationPolicy")).toHaveLength(2000);
    expect(resources.filter((r) => r.kind === "Service")).toHaveLength(500);
  });

  // Its speed is reported by `npm run bench`, not asserted here.
  it("computes the full matrix (503 sources × 500 workload ports)", () => {
    const result = benchAccessMatrix({ runs: 1 });
    expect(result).toMatchObject({ workloads: 500, policies: 2000, sources: 503, targets: 500, cells: 251_500 });
    // Each workload admits its two neighbours (GET/POST /api/*), the next namespace (/public/*) and the gateway (GET with JWT).
    expect(result.nonDenied).toBeGreaterThan(1500);
  });
});
