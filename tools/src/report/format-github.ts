import { scopeOf, type Finding, type Severity } from "../model/finding.js";
import type { RunResult } from "../pipeline/run-checks.js";
import { summaryLine } from "./format-text.js";
import { openableFile } from "./source-file.js";

const COMMAND: Record<Severity, string> = { error: "error", warning: "warning", info: "notice" };

/** GitHub Actions workflow commands: each finding becomes one annotation on its file and line, naming its environments. */
export function formatGithub(result: RunResult): string {
  const lines = result.findings.map(annotationOf);
  lines.push(summaryLine(result.summary));
  return `${lines.join("\n")}\n`;
}

function annotationOf(finding: Finding): string {
  const properties: string[] = [];
  if (finding.location !== undefined) {
    const where = openableFile(finding.location);
    properties.push(`file=${escapeProperty(where.file)}`, `line=${where.line}`);
  }
  const rule = finding.code === undefined ? finding.ruleId : `${finding.code} ${finding.ruleId}`;
  const environments = scopeOf(finding);
  const scope = environments === undefined ? "" : ` (${environments})`;
  properties.push(`title=${escapeProperty(`${rule}${scope}`)}`);
  return `::${COMMAND[finding.severity]} ${properties.join(",")}::${escapeData(finding.message)}`;
}

function escapeData(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}
