import { scopeOf, type Finding, type ResourceRef } from "../model/finding.js";
import type { RunResult, RunSummary } from "../pipeline/run-checks.js";
import { painter, SEVERITY_COLOUR, type Paint } from "./paint.js";

export interface TextReportOptions {
  /** ANSI colours (a terminal). */
  color?: boolean;
  /** Findings only: no summary line (--quiet). */
  quiet?: boolean;
  /** What the resources counted are, after their number: `102 rendered in 3 environments, 16 Argo CD objects in argocd/`. */
  breakdown?: string;
}

/**
 * One line per finding, grouped by environment (files given on the command line come first; a
 * finding several environments share is under all of them, `dev, prod:`), and one summary line
 * that counts everything.
 */
export function formatText(result: RunResult, options: TextReportOptions = {}): string {
  const paint = painter(options.color);
  const lines: string[] = [];
  let group: string | undefined | null = null;
  for (const finding of result.findings) {
    const scope = scopeOf(finding);
    if (scope !== group) {
      group = scope;
      lines.push(paint("bold", group === undefined ? "files:" : `${group}:`));
    }
    lines.push(`  ${formatFinding(finding, paint)}`);
  }
  if (options.quiet !== true) lines.push(summaryLine(result.summary, options.breakdown));
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

function formatFinding(finding: Finding, paint: Paint): string {
  const where = finding.location === undefined ? "" : `${finding.location.file}:${finding.location.line}: `;
  const rule = finding.code === undefined ? finding.ruleId : `${finding.code} ${finding.ruleId}`;
  const subject = finding.resource === undefined ? "" : `(${resourceName(finding.resource)}) `;
  return `${where}${paint(SEVERITY_COLOUR[finding.severity] ?? "bold", finding.severity)} [${rule}] ${subject}${finding.message}`;
}

/** Istio's wording, as istioctl analyze prints it: `Kind name.namespace`. */
function resourceName(resource: ResourceRef): string {
  return `${resource.kind} ${resource.name}${resource.namespace === undefined ? "" : `.${resource.namespace}`}`;
}

export function summaryLine(summary: RunSummary, breakdown?: string): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const scope = summary.environments > 0 ? `${plural(summary.environments, "environment")}, ` : "";
  const what = breakdown === undefined ? "" : ` (${breakdown})`;
  return (
    `${scope}${plural(summary.resources, "resource")}${what}: ${plural(summary.errors, "error")}, ` +
    `${plural(summary.warnings, "warning")}, ${plural(summary.infos, "info")}, ${summary.suppressed} suppressed`
  );
}
