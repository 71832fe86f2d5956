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

export interface SarifContext {
  checks: readonly CheckDescriptor[];
  toolVersion: string;
  helpUri: HelpUri;
}

/**
 * The one place a run's findings are turned into the format asked for. What SARIF needs beyond
 * the findings (every check, so every stage's rule) is loaded only when SARIF is asked for.
 */
export async function formatRunResult(result: RunResult, format: ReportFormat, sarif: () => Promise<SarifContext>, text: TextReportOptions = {}): Promise<string> {
  switch (format) {
    case "json":
      return formatJson(result);
    case "sarif": {
      const context = await sarif();
      return formatSarif(result, context.checks, context.toolVersion, context.helpUri);
    }
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
