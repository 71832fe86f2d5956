import { changeCount, type DiffReport } from "./diff-report.js";
import { countsOf, diffTitle, plural, resourceBlocks, statusNote, type DiffLine } from "./diff-lines.js";

export interface DiffTextOptions {
  /** ANSI colours (the CLI passes `process.stdout.isTTY`); plain text when false or left out. */
  color?: boolean;
}

const ANSI = { bold: "\u001b[1m", red: "\u001b[31m", green: "\u001b[32m", cyan: "\u001b[36m", reset: "\u001b[0m" } as const;

/**
 * The diff for a terminal, unified-style: per changed environment, each object that changes with
 * a hunk per field (`@@ path @@ file:line`, `-` old, `+` new); whole objects for added and
 * removed ones. Ends with one line that counts everything.
 */
export function formatDiffText(report: DiffReport, options: DiffTextOptions = {}): string {
  const paint = (code: string, text: string) => (options.color === true ? `${code}${text}${ANSI.reset}` : text);
  const lines: string[] = [paint(ANSI.bold, `mesh-policy diff: ${diffTitle(report)}`)];
  for (const environment of report.environments) {
    lines.push("", paint(ANSI.bold, `${environment.name}${statusNote(environment)}: ${countsOf(environment)}, ${environment.unchanged} unchanged`));
    for (const block of resourceBlocks(environment)) {
      const source = block.source === undefined ? "" : ` (${block.source})`;
      lines.push(paint(ANSI.bold, `  ${block.status.padEnd(7)} ${block.title}${source}`));
      for (const line of block.lines()) lines.push(`    ${colorLine(line, paint)}`);
    }
  }
  if (report.unchangedEnvironments.length > 0) {
    lines.push("", `unchanged: ${report.unchangedEnvironments.join(", ")}`);
  }
  lines.push("", summaryLine(report));
  return `${lines.join("\n")}\n`;
}

function colorLine(line: DiffLine, paint: (code: string, text: string) => string): string {
  switch (line.sign) {
    case "@":
      return paint(ANSI.cyan, line.text);
    case "+":
      return paint(ANSI.green, `+ ${line.text}`);
    case "-":
      return paint(ANSI.red, `- ${line.text}`);
    default:
      return `  ${line.text}`;
  }
}

/** `3 environments (1 changed, 2 unchanged): 1 added, 4 changed, 0 removed objects`. */
export function summaryLine(report: DiffReport): string {
  const total = report.environments.length + report.unchangedEnvironments.length;
  let added = 0;
  let changed = 0;
  let removed = 0;
  for (const environment of report.environments) {
    added += environment.added.length;
    changed += environment.changed.length;
    removed += environment.removed.length;
  }
  const objects = report.environments.reduce((sum, environment) => sum + changeCount(environment), 0);
  if (objects === 0 && report.environments.length === 0) {
    return `${plural(total, "environment")}: no changes`;
  }
  return (
    `${plural(total, "environment")} (${report.environments.length} changed, ${report.unchangedEnvironments.length} unchanged): ` +
    `${added} added, ${changed} changed, ${removed} removed ${objects === 1 ? "object" : "objects"}`
  );
}
