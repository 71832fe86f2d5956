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
    const parsed = JSON.parse(json) as {
      version: number;
      summary: { changesOnMerge: boolean; widensAccess: string[]; widensProd: boolean };
      environments: Array<{ name: string; access: { widens: boolean; newlyAllowed: number; changes: Array<{ kind: string; source: string; target: string }> } }>;
      unchangedEnvironments: string[];
    };
    expect(parsed.version).toBe(2);
    expect(parsed.summary).toEqual({ changesOnMerge: true, widensAccess: ["prod"], widensProd: true, pending: [] });
    expect(parsed.environments[0]?.access).toMatchObject({ widens: true, newlyAllowed: 1 });
    expect(parsed.environments[0]?.access.changes[0]).toMatchObject({ kind: "newly-allowed", source: "vapora-agents", target: "vapora-backend:8001" });
    expect(parsed.environments.map((e) => e.name)).toEqual(["prod", "qa"]);
    expect(parsed.unchangedEnvironments).toEqual(["dev", "staging"]);
    for (const secret of ["b2xkLWtleQ==", "bmV3LWtleQ==", "bWlzdHJhbC1rZXk=", "old-db-password", "new-db-password"]) {
      expect(json).not.toContain(secret);
    }
  });
});
