import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { growthExponent, nLogNExponent } from "./scale.js";
import { writeScaleRepo } from "./scale-repo.js";

describe("scale benchmark", () => {
  it("generates a repository of five objects per service plus each namespace's baseline, changed in one object", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "mesh-policy-scale-test-"));
    try {
      const repo = await writeScaleRepo(dir, 3);
      expect(repo.objects).toBe(3 * 3 + 3 * 5);
      const changed = execFileSync("git", ["diff", "--unified=0", "base", "head", "--"], { cwd: dir, encoding: "utf8" });
      expect(changed.split("\n").filter((line) => /^[+-] /.test(line)).map((line) => line.trim())).toEqual(["+              - cluster.local/ns/team-02/sa/svc-2"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("growth exponents: linear is 1, quadratic 2, and n log n a little above 1", () => {
    expect(growthExponent(1000, 1, 2000, 2)).toBeCloseTo(1);
    expect(growthExponent(1000, 1, 2000, 4)).toBeCloseTo(2);
    expect(nLogNExponent(1000, 2000)).toBeCloseTo(Math.log2((2000 * Math.log(2000)) / (1000 * Math.log(1000))));
    expect(nLogNExponent(1000, 2000)).toBeGreaterThan(1);
    expect(nLogNExponent(1000, 2000)).toBeLessThan(1.2);
  });
});
