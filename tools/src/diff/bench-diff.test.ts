import { describe, expect, it } from "vitest";
import { benchDiff, generateRevisions } from "./bench-diff.js";

describe("benchDiff", () => {
  it("generates two revisions of 2,500 objects with about 5% changed", () => {
    const { before, after } = generateRevisions();
    expect(before).toHaveLength(2_500);
    expect(new Set(before.map((r) => r.kind))).toEqual(new Set(["Service", "VirtualService", "DestinationRule", "AuthorizationPolicy"]));
    expect(Math.abs(after.length - before.length)).toBeLessThan(25);
  });

  // Its speed is reported by `npm run bench`, not asserted here.
  it("diffs two generated revisions", () => {
    const result = benchDiff();
    expect(result.objects).toBe(2_500);
    expect(result.changed + result.added + result.removed).toBeGreaterThan(2_500 * 0.03);
    expect(result.changed + result.added + result.removed).toBeLessThan(2_500 * 0.08);
  });
});
