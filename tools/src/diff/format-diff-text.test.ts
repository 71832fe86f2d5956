import { describe, expect, it } from "vitest";
import { expectGolden } from "../../test/helpers/golden.js";
import { sampleReport } from "./fixtures/sample-report.js";
import { formatDiffText } from "./format-diff-text.js";

describe("formatDiffText", () => {
  it("matches the golden text output", async () => {
    expectGolden(formatDiffText(await sampleReport()), new URL("./fixtures/golden/diff.txt", import.meta.url));
  });

  it("colours only when asked", async () => {
    const report = await sampleReport();
    expect(formatDiffText(report)).not.toContain("\u001b[");
    expect(formatDiffText(report, { color: false })).not.toContain("\u001b[");
    const coloured = formatDiffText(report, { color: true });
    expect(coloured).toContain("\u001b[32m+ - cluster.local/ns/vapora/sa/vapora-agents\u001b[0m");
    expect(coloured).toContain("\u001b[31m- 90\u001b[0m");
    expect(coloured.replace(/\u001b\[\d+m/g, "")).toBe(formatDiffText(report));
  });
});
