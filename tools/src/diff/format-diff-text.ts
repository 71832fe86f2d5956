import { isProductionEnvironment, type AccessDiff, type CellSummary, type EdgeChange } from "../access/access-diff.js";
import { painter, type Paint } from "../report/paint.js";
import { changeCount, type DiffReport, type EnvironmentDiff } from "./diff-report.js";
import {
  countsOf,
  describeSide,
  diffTitle,
  groupEnvironments,
  groupHeading,
  pinNote,
  pinnedNote,
  plural,
  resourceBlocks,
  type DiffLine,
  type EnvironmentGroup,
} from "./diff-lines.js";

export interface DiffTextOptions {
  /** ANSI colours (the CLI passes `process.stdout.isTTY`); plain text when false or left out. */
  color?: boolean;
}

/**
 * The diff for a terminal, unified-style: per environment that changes on merge (environments
 * whose change is the same once, `dev, staging: same change`), each object that changes with a
 * hunk per field (`@@ path @@ file:line`, `-` old, `+` new), whole objects for added and removed
 * ones, and who can newly reach whom; then the environments that do not change on merge, what
 * pinned environments would receive at their next promotion (pending, not applied on merge), and
 * one line that counts everything.
 */
export function formatDiffText(report: DiffReport, options: DiffTextOptions = {}): string {
  const paint = painter(options.color);
  const lines: string[] = [paint("bold", `mesh-policy diff: ${diffTitle(report)}`)];
  const deployments = new Map(report.deployments.map((d) => [d.name, d]));
  for (const group of groupEnvironments(report.environments)) {
    lines.push("", paint("bold", groupHeading(group, groupCounts(group), (name) => pinnedNote(deployments.get(name)))));
    lines.push(...groupLines(group, paint, false));
  }
  if (report.unchangedEnvironments.length > 0) {
    const names = report.unchangedEnvironments.map((name) => {
      const note = pinNote(deployments.get(name));
      return note === undefined ? name : `${name} (${note})`;
    });
    lines.push("", `${report.base.environment === null ? "unchanged on merge" : "unchanged"}: ${names.join(", ")}`);
  }
  if (report.pending.length > 0) {
    lines.push("", paint("bold", `pending, not applied on merge: what ${pendingNames(report)} would receive at the next promotion (${describeSide(report.head)} against the pin)`));
    for (const group of groupEnvironments(report.pending)) {
      lines.push("", paint("bold", groupHeading(group, groupCounts(group), () => " (pending)")));
      lines.push(...groupLines(group, paint, true));
    }
  }
  lines.push("", summaryLine(report));
  return `${lines.join("\n")}\n`;
}

function pendingNames(report: DiffReport): string {
  return report.pending.map((e) => e.name).join(", ");
}

function groupCounts(group: EnvironmentGroup): string {
  return group.names.length === 1 ? `${countsOf(group.diff)}, ${group.diff.unchanged} unchanged` : countsOf(group.diff);
}

function groupLines(group: EnvironmentGroup, paint: Paint, pending: boolean): string[] {
  const lines: string[] = [];
  for (const block of resourceBlocks(group.diff)) {
    const source = block.source === undefined ? "" : ` (${block.source})`;
    lines.push(paint("bold", `  ${block.status.padEnd(7)} ${block.title}${source}`));
    for (const line of block.lines()) lines.push(`    ${colorLine(line, paint)}`);
  }
  lines.push(...accessLines(group.diff.access, group.names, paint, pending));
  return lines;
}

/** Who can reach whom, one line per edge; the prod warning first. */
function accessLines(access: AccessDiff, names: readonly string[], paint: Paint, pending: boolean): string[] {
  if (access.changes.length === 0) return [];
  const label = names.join(", ");
  const lines = [
    `  who can reach whom${pending ? " at the next promotion" : ""}: ${access.newlyAllowed} newly allowed, ${access.newlyDenied} newly denied, ` +
      `${access.conditionsChanged} with changed conditions`,
  ];
  if (access.widens && names.some(isProductionEnvironment)) {
    lines.unshift(paint("yellow", `  ⚠ ${pending ? `its next promotion will widen access in ${label}` : `this change widens access in ${label}`}`));
  }
  for (const change of access.changes) lines.push(`    ${change.direction === "narrower" ? " " : paint("yellow", "⚠")} ${edgeLine(change)}`);
  return lines;
}

function edgeLine(change: EdgeChange): string {
  const what =
    change.kind === "newly-allowed"
      ? "newly allowed"
      : change.kind === "newly-denied"
        ? "newly denied"
        : `conditions ${change.direction === "wider" ? "widened" : change.direction === "narrower" ? "narrowed" : "changed"}`;
  return `${what}: ${change.source} → ${change.target}: ${cellText(change.before)} → ${cellText(change.after)}`;
}

function cellText(cell: CellSummary | undefined): string {
  if (cell === undefined) return "absent";
  if (cell.status !== "conditional") return cell.status;
  const except = cell.except.length === 0 ? "" : ` except ${cell.except.join(", ")}`;
  return `${cell.conditions.join(" or ")}${except}`;
}

function colorLine(line: DiffLine, paint: Paint): string {
  switch (line.sign) {
    case "@":
      return paint("cyan", line.text);
    case "+":
      return paint("green", `+ ${line.text}`);
    case "-":
      return paint("red", `- ${line.text}`);
    default:
      return `  ${line.text}`;
  }
}

/**
 * `3 environments (1 changed, 2 unchanged): 1 added, 4 changed, 0 removed objects`, and what is
 * pending for pinned environments.
 */
export function summaryLine(report: DiffReport): string {
  const total = report.environments.length + report.unchangedEnvironments.length;
  const sum = (pick: (e: EnvironmentDiff) => number) => report.environments.reduce((n, e) => n + pick(e), 0);
  const objects = sum(changeCount);
  const pending = report.pending.length === 0 ? "" : `; pending at the next promotion: ${pendingNames(report)}`;
  if (objects === 0 && report.environments.length === 0) {
    return `${plural(total, "environment")}: no changes${report.base.environment === null ? " on merge" : ""}${pending}`;
  }
  return (
    `${plural(total, "environment")} (${report.environments.length} changed, ${report.unchangedEnvironments.length} unchanged): ` +
    `${sum((e) => e.added.length)} added, ${sum((e) => e.changed.length)} changed, ${sum((e) => e.removed.length)} removed ` +
    `${objects === 1 ? "object" : "objects"}${pending}`
  );
}
