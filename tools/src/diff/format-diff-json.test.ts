import { describe, expect, it } from "vitest";
import { expectGolden } from "../../test/helpers/golden.js";
import { sampleReport } from "./fixtures/sample-report.js";
import { formatDiffJson } from "./format-diff-json.js";

describe("formatDiffJson", () => {
  it("matches the golden JSON report", async () => {
    expectGolden(formatDiffJson(await sampleReport()), new URL("./fixtures/golden/diff.json", import.meta.url));
  });

  it("is versioned, parses back to the report's data, and carries no secret value", async () => {
    const report = await sampleReport();
    const json = formatDiffJson(report);
    const parsed = JSON.parse(json) as { version: number; environments: Array<{ name: string }>; unchangedEnvironments: string[] };
    expect(parsed.version).toBe(1);
    expect(parsed.environments.map((e) => e.name)).toEqual(["prod", "qa"]);
    expect(parsed.unchangedEnvironments).toEqual(["dev", "staging"]);
    for (const secret of ["b2xkLWtleQ==", "bmV3LWtleQ==", "bWlzdHJhbC1rZXk=", "old-db-password", "new-db-password"]) {
      expect(json).not.toContain(secret);
    }
  });
});
