import { formatAccessDiffMarkdown } from "../access/access-diff.js";
import { changeCount, type DiffReport, type EnvironmentDeployment } from "./diff-report.js";
import {
  describeSide,
  describeTransition,
  diffTitle,
  groupEnvironments,
  groupHeading,
  pinNote,
  pinnedNote,
  plural,
  resourceBlocks,
  statusNote,
  type EnvironmentGroup,
  type ResourceBlock,
} from "./diff-lines.js";
import { summaryLine } from "./format-diff-text.js";
import { compareKeys } from "./normalize.js";

/** The first line of the comment: the workflow finds its earlier comment by it and updates that one. */
export const DIFF_COMMENT_MARKER = "<!-- mesh-policy-diff -->";

/** Below GitHub's 65,536-character limit on a comment, with room for what a workflow adds. */
export const DEFAULT_MAX_COMMENT_LENGTH = 60_000;

export interface FindingCounts {
  errors: number;
  warnings: number;
}

export interface DiffMarkdownOptions {
  /** `mesh-policy check` results per environment, shown in a column of the summary table. */
  findingsByEnvironment?: Record<string, FindingCounts>;
  /** The most characters the comment may have; the marker, heading and table are always kept. */
  maxLength?: number;
}

/**
 * The pull-request comment: a hidden marker, a heading, a summary table (how Argo CD deploys each
 * environment and what changes on merge), who can reach whom for each change on merge (a
 * widening in prod called out), one `<details>` per environment that changes on merge
 * (environments whose change is the same once, `dev, staging: same change`), then, collapsed and
 * labelled as pending, what pinned environments would receive at their next promotion. Cut to
 * `maxLength`: objects that do not fit are left out (and counted in an explicit "truncated"
 * line), never cut in half.
 */
export function formatDiffMarkdown(report: DiffReport, options: DiffMarkdownOptions = {}): string {
  const limit = options.maxLength ?? DEFAULT_MAX_COMMENT_LENGTH;
  const head = headSection(report, options.findingsByEnvironment);
  const access = groupEnvironments(report.environments)
    .map((group) => formatAccessDiffMarkdown(group.diff.access, { environment: group.names.join(", ") }))
    .join("\n");
  const prelude = access === "" ? undefined : `${access.trim()}\n\n`;
  const deployments = new Map(report.deployments.map((d) => [d.name, d]));
  const environments = [
    ...groupEnvironments(report.environments).map((group) => new EnvironmentSection(group, undefined, (name) => pinnedNote(deployments.get(name)))),
    ...groupEnvironments(report.pending).map((group) => new EnvironmentSection(group, pendingIntro(group, deployments, report), () => "")),
  ];

  const full = assembleUncut(head, prelude, environments, limit);
  if (full !== undefined) return full;
  return assembleCut(head, prelude, environments, limit);
}

/** Why the section is pending, and who can reach whom at the next promotion. */
function pendingIntro(group: EnvironmentGroup, deployments: ReadonlyMap<string, EnvironmentDeployment>, report: DiffReport): string {
  const pins = group.names.map((name) => `\`${escapeHtml(name)}\` is ${escapeMarkdown(pinNote(deployments.get(name)) ?? "pinned")}`).join("; ");
  return (
    `${pins}: merging this does not change it. This is what promoting ${escapeMarkdown(describeSide(report.head))} to it would bring.\n\n` +
    formatAccessDiffMarkdown(group.diff.access, { environment: group.names.join(", "), pending: true }) +
    "\n"
  );
}

/** Everything, or undefined as soon as it is longer than `limit`. */
function assembleUncut(head: string, prelude: string | undefined, environments: readonly EnvironmentSection[], limit: number): string | undefined {
  const parts = [head, prelude ?? ""];
  let length = head.length + (prelude?.length ?? 0);
  for (const environment of environments) {
    parts.push(environment.open);
    length += environment.open.length + environment.close.length;
    for (let index = 0; index < environment.blocks.length; index++) {
      if (length > limit) return undefined;
      const text = environment.blockText(index);
      parts.push(text);
      length += text.length;
    }
    if (environment.blocks.length === 0) {
      parts.push(EMPTY_ENVIRONMENT);
      length += EMPTY_ENVIRONMENT.length;
    }
    parts.push(environment.close);
  }
  const text = `${parts.join("").trimEnd()}\n`;
  return text.length <= limit ? text : undefined;
}

/**
 * Fills the room left after the head (and a reserve for the notes that say what was cut) with the
 * prelude and then whole objects, in order; an object that does not fit is skipped and counted.
 */
function assembleCut(
  head: string,
  prelude: string | undefined,
  environments: readonly EnvironmentSection[],
  limit: number,
): string {
  const totalResources = environments.reduce((sum, environment) => sum + environment.blocks.length, 0);
  const reserve = truncatedLine(true, environments.length, totalResources).length + 1;
  const noteReserve = environmentNote(totalResources).length;
  const room = limit - reserve;
  let text = head;
  let preludeCut = false;
  if (prelude !== undefined) {
    if (text.length + prelude.length <= room) text += prelude;
    else preludeCut = true;
  }
  let environmentsCut = 0;
  let resourcesCut = 0;
  for (const environment of environments) {
    const fixed = text.length + environment.open.length + environment.close.length + noteReserve;
    let body = "";
    let cut = 0;
    for (let index = 0; index < environment.blocks.length; index++) {
      // Cheap test first: a block is never shorter than its title line.
      if (fixed + body.length + environment.minimumBlockLength(index) > room) {
        cut++;
        continue;
      }
      const block = environment.blockText(index);
      if (fixed + body.length + block.length <= room) body += block;
      else cut++;
    }
    if (environment.blocks.length === 0) {
      if (fixed + EMPTY_ENVIRONMENT.length <= room) text += environment.open + EMPTY_ENVIRONMENT + environment.close;
      else environmentsCut++;
      continue;
    }
    resourcesCut += cut;
    if (body === "") {
      environmentsCut++;
      continue;
    }
    text += environment.open + body + (cut > 0 ? environmentNote(cut) : "") + environment.close;
  }
  return `${text}${truncatedLine(preludeCut, environmentsCut, resourcesCut)}\n`;
}

const EMPTY_ENVIRONMENT = "Renders no objects.\n\n";

function truncatedLine(preludeCut: boolean, environments: number, resources: number): string {
  const what = `${preludeCut ? "the section above the diff, " : ""}${plural(environments, "environment")} / ${plural(resources, "resource")}`;
  return `… truncated: ${what} not shown (run mesh-policy diff locally for the full output)`;
}

function environmentNote(count: number): string {
  return `… ${plural(count, "more resource")} not shown\n\n`;
}

class EnvironmentSection {
  readonly blocks: ResourceBlock[];
  readonly open: string;
  readonly close = "</details>\n\n";
  private readonly texts: Array<string | undefined> = [];

  /**
   * `intro`: Markdown at the top of the section (a pending section says why it is pending);
   * `note`: what follows an environment's name (a pinned one's move).
   */
  constructor(group: EnvironmentGroup, intro: string | undefined, note: (name: string) => string) {
    this.blocks = resourceBlocks(group.diff);
    const count = changeCount(group.diff);
    const heading = groupHeading(group, plural(count, "change"), (name) => note(name));
    const label = intro === undefined ? heading : `⏳ pending, not applied on merge: ${heading.replace(/^([^:]*):/, "$1 at the next promotion:")}`;
    this.open = `<details><summary>${escapeHtml(label)}</summary>\n\n${intro ?? ""}`;
  }

  blockText(index: number): string {
    let text = this.texts[index];
    if (text === undefined) {
      text = renderBlock(this.blocks[index] as ResourceBlock);
      this.texts[index] = text;
    }
    return text;
  }

  minimumBlockLength(index: number): number {
    const block = this.blocks[index] as ResourceBlock;
    return this.texts[index]?.length ?? blockTitle(block).length + "\n\n```diff\n```\n\n".length;
  }
}

function blockTitle(block: ResourceBlock): string {
  return `**${block.status}** ${code(block.title)}${block.source === undefined ? "" : ` · ${code(block.source)}`}`;
}

function renderBlock(block: ResourceBlock): string {
  const lines = block.lines().map((line) =>
    line.sign === "@" ? line.text : line.sign === " " ? `  ${line.text}` : `${line.sign} ${line.text}`,
  );
  const body = lines.join("\n");
  const fence = "`".repeat(Math.max(3, longestRun(body, "`") + 1));
  return `${blockTitle(block)}\n\n${fence}diff\n${body}\n${fence}\n\n`;
}

function headSection(report: DiffReport, findings: Record<string, FindingCounts> | undefined): string {
  const changed = new Map(report.environments.map((environment) => [environment.name, environment]));
  const pending = new Set(report.pending.map((environment) => environment.name));
  const deployments = new Map(report.deployments.map((d) => [d.name, d]));
  const names = [...changed.keys(), ...report.unchangedEnvironments].sort(compareKeys);
  const withFindings = findings !== undefined;
  const withArgoCd = report.deployments.some((d) => d.before?.application !== undefined || d.after?.application !== undefined);
  const lines = [
    DIFF_COMMENT_MARKER,
    `### mesh-policy diff: ${escapeMarkdown(diffTitle(report))}`,
    "",
    escapeMarkdown(summaryLine(report)),
    "",
    `| environment |${withArgoCd ? " Argo CD | on merge |" : ""} added | changed | removed |${withFindings ? " findings |" : ""}`,
    `| --- |${withArgoCd ? " --- | --- |" : ""} ---: | ---: | ---: |${withFindings ? " --- |" : ""}`,
  ];
  for (const name of names) {
    const environment = changed.get(name);
    const label = `${escapeMarkdown(name)}${environment === undefined ? "" : statusNote(environment)}`;
    const argocd = withArgoCd
      ? ` ${escapeMarkdown(describeTransition(deployments.get(name)) ?? "")} | ${environment !== undefined ? "**changes**" : pending.has(name) ? "unchanged (pending at its next promotion)" : "unchanged"} |`
      : "";
    const counts =
      environment === undefined ? "0 | 0 | 0" : `${environment.added.length} | ${environment.changed.length} | ${environment.removed.length}`;
    const findingsCell = withFindings ? ` ${findingsText(findings[name])} |` : "";
    lines.push(`| ${label} |${argocd} ${counts} |${findingsCell}`);
  }
  return `${lines.join("\n")}\n\n`;
}

function findingsText(counts: FindingCounts | undefined): string {
  if (counts === undefined) return "–";
  const parts = [
    ...(counts.errors > 0 ? [plural(counts.errors, "error")] : []),
    ...(counts.warnings > 0 ? [plural(counts.warnings, "warning")] : []),
  ];
  return parts.length === 0 ? "none" : parts.join(", ");
}

function code(text: string): string {
  const ticks = "`".repeat(longestRun(text, "`") + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let current = 0;
  for (const c of text) {
    current = c === char ? current + 1 : 0;
    if (current > longest) longest = current;
  }
  return longest;
}

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** Text that must not turn into formatting: names and refs in the heading and the table. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`);
}
