import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ISTIO_ANALYZERS } from "../src/lint/istio-analyzers.js";
import { allChecks } from "../src/pipeline/check-catalog.js";
import { formatRulesMarkdown, RULES_DOC } from "../src/report/format-rules.js";
import { REPO_ROOT } from "./helpers/run-cli.js";

describe("generated documentation", () => {
  it(`${RULES_DOC} matches the rule registry (regenerate with: npm run docs:rules)`, () => {
    expect(readFileSync(`${REPO_ROOT}${RULES_DOC}`, "utf8")).toBe(formatRulesMarkdown(allChecks(), ISTIO_ANALYZERS));
  });
});
