import type { CheckDescriptor } from "../pipeline/check-catalog.js";
import type { RunResult } from "../pipeline/run-checks.js";
import { formatGithub } from "./format-github.js";
import { formatJson } from "./format-json.js";
import { formatJunit } from "./format-junit.js";
import { formatMarkdown } from "./format-markdown.js";
import { formatSarif, type HelpUri } from "./format-sarif.js";
import { formatText, type TextReportOptions } from "./format-text.js";

export const REPORT_FORMATS = ["text", "json", "sarif", "markdown", "github", "junit"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The one place a run's findings are turned into the format asked for. */
export function formatRunResult(
  result: RunResult,
  format: ReportFormat,
  sarif: { checks: readonly CheckDescriptor[]; toolVersion: string; helpUri: HelpUri },
  text: TextReportOptions = {},
): string {
  switch (format) {
    case "json":
      return formatJson(result);
    case "sarif":
      return formatSarif(result, sarif.checks, sarif.toolVersion, sarif.helpUri);
    case "markdown":
      return formatMarkdown(result);
    case "github":
      return formatGithub(result);
    case "junit":
      return formatJunit(result);
    case "text":
      return formatText(result, text);
  }
}
