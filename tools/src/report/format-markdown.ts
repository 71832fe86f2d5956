import { scopeOf, type Finding } from "../model/finding.js";
import type { RunResult } from "../pipeline/run-checks.js";
import { summaryLine } from "./format-text.js";

export const CHECK_MARKER = "<!-- mesh-policy-check -->";
/** Below GitHub's 65,536-character limit for a comment, with room for the truncation line. */
export const DEFAULT_MARKDOWN_CAP = 60_000;

/**
 * The findings as a pull-request comment: a hidden marker (so a workflow updates one comment),
 * a summary table, and one collapsible section per environment. Cut to `cap` characters, always
 * keeping the summary and saying what was left out.
 */
export function formatMarkdown(result: RunResult, cap = DEFAULT_MARKDOWN_CAP): string {
  const groups = groupByEnvironment(result.findings);
  const head = [
    CHECK_MARKER,
    "## mesh-policy check",
    "",
    summaryLine(result.summary),
    "",
    "| Scope | Errors | Warnings | Infos |",
    "|---|---:|---:|---:|",
    ...groups.map(([scope, findings]) => `| ${scope} | ${count(findings, "error")} | ${count(findings, "warning")} | ${count(findings, "info")} |`),
    "",
    "",
  ].join("\n");
  const sections = groups.map(([scope, findings]) =>
    [
      `<details><summary>${scope}: ${findings.length} finding${findings.length === 1 ? "" : "s"}</summary>`,
      "",
      "| Severity | Check | Resource | Where | Message |",
      "|---|---|---|---|---|",
      ...findings.map(rowOf),
      "",
      "</details>",
      "",
    ].join("\n"),
  );
  let body = head;
  let shown = 0;
  for (const section of sections) {
    const omitted = sections.length - shown - 1;
    const reserve = omitted > 0 ? 200 : 0;
    if (body.length + section.length + reserve > cap) break;
    body += section;
    shown++;
  }
  if (shown < sections.length) {
    const left = groups.slice(shown);
    const findings = left.reduce((sum, [, list]) => sum + list.length, 0);
    body += `\n… truncated: ${left.length} section(s) / ${findings} finding(s) not shown (run \`mesh-policy check\` locally for the full report)\n`;
  }
  return body;
}

function groupByEnvironment(findings: readonly Finding[]): Array<[string, Finding[]]> {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const scope = scopeOf(finding) ?? "files";
    const list = groups.get(scope) ?? [];
    list.push(finding);
    groups.set(scope, list);
  }
  return [...groups.entries()];
}

function count(findings: readonly Finding[], severity: Finding["severity"]): number {
  return findings.filter((f) => f.severity === severity).length;
}

function rowOf(finding: Finding): string {
  const rule = finding.code === undefined ? `\`${finding.ruleId}\`` : `\`${finding.ruleId}\` (${finding.code})`;
  const resource = finding.resource === undefined ? "" : `${finding.resource.kind} ${finding.resource.name}${finding.resource.namespace === undefined ? "" : `.${finding.resource.namespace}`}`;
  const where = finding.location === undefined ? "" : `\`${finding.location.file}:${finding.location.line}\``;
  return `| ${finding.severity} | ${rule} | ${cell(resource)} | ${where} | ${cell(finding.message)} |`;
}

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}
