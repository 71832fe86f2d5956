import { formatDiffMarkdown } from "../diff/format-diff-markdown.js";
import { formatDiffText } from "../diff/format-diff-text.js";
import type { CommitSummary, Gate, PromotionPlan } from "./promotion-plan.js";

/** The first line of the pull-request body, so tools can recognise a promotion. */
export const PROMOTION_MARKER = "<!-- mesh-policy-promote -->";

/** Below GitHub's 65,536-character limit on a pull-request body. */
export const MAX_BODY_LENGTH = 60_000;
const MAX_LISTED_COMMITS = 100;

const STATUS_ICON: Record<Gate["status"], string> = { pass: "✅ pass", fail: "❌ fail", unknown: "❔ unknown" };

export function promotionTitle(plan: PromotionPlan): string {
  const verb = plan.direction === "rollback" ? "Roll back" : "Promote";
  return `${verb} ${plan.from} to ${plan.to}: ${plan.candidate.commit.slice(0, 12)}`;
}

/**
 * The pull-request body: summary (with a warning when the promotion widens who can reach whom in
 * `to`), gates table, commits, and the rendered diff of `to`: who can reach whom, then the objects
 * (cut to fit GitHub's limit by formatDiffMarkdown, which says what it left out).
 */
export function formatPromotionBody(plan: PromotionPlan): string {
  const short = (commit: string) => commit.slice(0, 12);
  const lines: string[] = [
    PROMOTION_MARKER,
    `## ${escapeMarkdown(promotionTitle(plan))}`,
    "",
    `Rewrites \`targetRevision\` of Application \`${plan.application.name}\` (\`${plan.application.file}:${plan.application.line}\`) ` +
      `from \`${short(plan.currentPin.commit)}\` to \`${short(plan.candidate.commit)}\`. Merging this pull request is the promotion: ` +
      `Argo CD syncs ${escapeMarkdown(plan.to)} to the new commit when its sync window allows. Roll back by reverting it.`,
    "",
    "| | commit | |",
    "| --- | --- | --- |",
    `| candidate | \`${short(plan.candidate.commit)}\` | ${cell(plan.candidate.subject)} (${cell(plan.candidate.selectedBy)}) |`,
    `| current pin | \`${short(plan.currentPin.commit)}\` | ${cell(plan.currentPin.subject)} |`,
    "",
    ...wideningWarning(plan),
    "### Gates",
    "",
    "| gate | result | detail |",
    "| --- | --- | --- |",
    ...plan.gates.map((gate) => `| ${cell(gate.title)} | ${STATUS_ICON[gate.status]}${gate.forced === true ? " (forced)" : ""} | ${cell(gate.reason)} |`),
    "",
    `Evaluated at ${plan.evaluatedAt.slice(0, 16).replace("T", " ")} UTC. Not checked here: that \`${plan.from}\` is Synced and Healthy ` +
      `at the candidate in Argo CD; look before merging.`,
  ];
  const forced = plan.gates.filter((gate) => gate.forced === true);
  if (forced.length > 0) {
    const names = forced.map((gate) => gate.id);
    const list = names.length === 1 ? (names[0] as string) : `${names.slice(0, -1).join(", ")} and ${names.at(-1) as string}`;
    lines.push("", `> **Forced gates:** ${list} did not pass; \`--force-gates\` overrode ${names.length === 1 ? "it" : "them"}.`);
  }
  if (plan.refusals.length > 0) {
    lines.push("", "> **Refused:** this plan may not be applied:", ...plan.refusals.map((r) => `> - ${escapeMarkdown(r)}`));
  }
  lines.push("", ...commitSection(plan.commits, `Commits promoted to ${plan.to}`));
  if (plan.rolledBack.length > 0) lines.push("", ...commitSection(plan.rolledBack, `Commits taken out of ${plan.to} (rollback)`));
  lines.push("", `### What changes in ${escapeMarkdown(plan.to)}`, "");
  const head = `${lines.join("\n")}\n`;
  if (plan.diff === undefined) return `${head}${plan.to} does not render at one of the two commits; see the checks gate.\n`;
  const errors = plan.findings.filter((f) => f.severity === "error").length;
  const warnings = plan.findings.length - errors;
  const diff = formatDiffMarkdown(plan.diff, {
    findingsByEnvironment: { [plan.to]: { errors, warnings } },
    maxLength: Math.max(2_000, MAX_BODY_LENGTH - head.length),
  });
  return `${head}${diff}`;
}

/** The one thing a reviewer of a promotion must not miss: more callers get through in `to`. */
function wideningWarning(plan: PromotionPlan): string[] {
  const access = plan.diff?.environments.find((e) => e.name === plan.to)?.access;
  if (access === undefined || !access.widens) return [];
  const wider = access.changes.filter((c) => c.direction !== "narrower").length;
  return [
    "> [!WARNING]",
    `> This promotion **widens access in ${escapeMarkdown(plan.to)}**: ${wider} edge${wider === 1 ? "" : "s"} newly allowed or with wider ` +
      `(or changed) conditions; see who can reach whom below.`,
    "",
  ];
}

function commitSection(commits: readonly CommitSummary[], heading: string): string[] {
  const lines = [`### ${escapeMarkdown(heading)} (${commits.length})`, ""];
  if (commits.length === 0) return [...lines, "None."];
  for (const commit of commits.slice(0, MAX_LISTED_COMMITS)) lines.push(`- \`${commit.commit.slice(0, 12)}\` ${escapeMarkdown(commit.subject)}`);
  if (commits.length > MAX_LISTED_COMMITS) lines.push(`- … and ${commits.length - MAX_LISTED_COMMITS} more (git log --oneline)`);
  return lines;
}

/** The plan for a terminal: what would change, the gates, the commits, then the rendered diff. */
export function formatPromotionText(plan: PromotionPlan, options: { color?: boolean } = {}): string {
  const short = (commit: string) => commit.slice(0, 12);
  const lines: string[] = [
    `mesh-policy promote: ${promotionTitle(plan)}`,
    `  ${plan.application.file}:${plan.application.line}: targetRevision ${plan.currentPin.commit} -> ${plan.candidate.commit}`,
    `  candidate:   ${short(plan.candidate.commit)} ${plan.candidate.subject} (${plan.candidate.selectedBy})`,
    `  current pin: ${short(plan.currentPin.commit)} ${plan.currentPin.subject}`,
    "",
    "gates:",
    ...plan.gates.map((gate) => `  ${gate.status.padEnd(7)} ${gate.title}${gate.forced === true ? " (forced)" : ""}: ${gate.reason}`),
    "",
    `commits (${plan.commits.length}):`,
    ...plan.commits.slice(0, MAX_LISTED_COMMITS).map((c) => `  ${short(c.commit)} ${c.subject}`),
  ];
  if (plan.commits.length > MAX_LISTED_COMMITS) lines.push(`  … and ${plan.commits.length - MAX_LISTED_COMMITS} more`);
  if (plan.rolledBack.length > 0) {
    lines.push("", `rolled back (${plan.rolledBack.length}):`, ...plan.rolledBack.slice(0, MAX_LISTED_COMMITS).map((c) => `  ${short(c.commit)} ${c.subject}`));
  }
  lines.push("");
  const diff = plan.diff === undefined ? `${plan.to} does not render at one of the two commits\n` : formatDiffText(plan.diff, options);
  const verdict =
    plan.direction === "unchanged"
      ? `nothing to promote: ${plan.to} already runs ${short(plan.candidate.commit)}`
      : plan.refusals.length === 0
        ? "promotable: every gate passed" + (plan.gates.some((g) => g.forced === true) ? " or was forced" : "")
        : `refused: ${plan.refusals.length} gate${plan.refusals.length === 1 ? "" : "s"} did not pass`;
  return `${lines.join("\n")}\n${diff}\n${verdict}\n`;
}

/** The plan as versioned JSON (the diff in the shape of `mesh-policy diff --format json`). */
export function formatPromotionJson(plan: PromotionPlan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

function cell(text: string): string {
  return escapeMarkdown(text).replaceAll("\n", " ");
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);
}
