import { describeResource } from "../diff/diff-report.js";
import { fieldChangeLines } from "../diff/diff-lines.js";
import type { DriftReport } from "./detect-drift.js";
import { painter } from "../report/paint.js";

/**
 * The drift for a terminal: one line per missing or extra object, the field changes of each
 * changed object (`-` the cluster's value, `+` the repository's), and one summary line.
 */
export function formatDriftText(report: DriftReport, options: { color?: boolean } = {}): string {
  const paint = painter(options.color);
  const lines = [
    `mesh-policy drift: ${report.environment} (${report.application ?? "no Application under argocd/"}${report.revision === null ? "" : ` at its pinned commit ${report.revision.slice(0, 12)}`}) ` +
      `against context ${report.cluster.context || "(none)"}, ${report.cluster.server}`,
  ];
  const blocks: Array<{ key: string; lines: string[] }> = [];
  for (const object of report.missing) {
    const why = object.reason === "kind-not-served" ? `the cluster does not serve ${object.apiVersion} ${object.kind} (is its CRD installed?)` : "not in the cluster";
    blocks.push({ key: sortKey(object), lines: [`  ${paint("red", "missing")} ${describeResource(object)}${object.source === undefined ? "" : ` (${object.source})`}: ${why}`] });
  }
  for (const object of report.extra) {
    const who = object.tracking === "this-application" ? `tracked by ${report.application ?? "this Application"}` : "not tracked by Argo CD (created by hand?)";
    blocks.push({ key: sortKey(object), lines: [`  ${paint("yellow", "extra")}   ${describeResource(object)}: not in the repository, ${who}`] });
  }
  for (const change of report.changed) {
    blocks.push({
      key: sortKey(change),
      lines: [
        `  ${paint("cyan", "changed")} ${describeResource(change)}${change.source === undefined ? "" : ` (${change.source})`}: - cluster, + repository`,
        ...change.changes.flatMap(fieldChangeLines).map((line) => `    ${line.sign === "@" ? line.text : line.sign === " " ? `  ${line.text}` : `${line.sign} ${line.text}`}`),
      ],
    });
  }
  blocks.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (blocks.length > 0) lines.push("", ...blocks.flatMap((block) => block.lines));
  lines.push("", summaryLine(report));
  return `${lines.join("\n")}\n`;
}

export function formatDriftJson(report: DriftReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** `34 objects: 31 in sync, 1 missing, 1 changed; 1 extra`. */
export function summaryLine(report: DriftReport): string {
  const verdict = report.missing.length + report.extra.length + report.changed.length === 0 ? "in sync" : "drift";
  return (
    `${verdict}: ${report.rendered} object${report.rendered === 1 ? "" : "s"} rendered: ${report.inSync} in sync, ` +
    `${report.missing.length} missing, ${report.changed.length} changed; ${report.extra.length} extra in the cluster`
  );
}

function sortKey(id: { kind: string; namespace?: string; name: string }): string {
  return `${id.kind}\0${id.namespace ?? ""}\0${id.name}`;
}
