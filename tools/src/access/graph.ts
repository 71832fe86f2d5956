import type { AccessMatrix, CellStatus, MatrixSource, MatrixTarget } from "./access-matrix.js";

/**
 * The access matrix as a graph: nodes are identities and workloads, edges the allowed and
 * conditional (source, workload port) pairs; denied pairs are left out. Three formats: Mermaid for a
 * pull-request comment, JSON, and one self-contained HTML page (graph + matrix table).
 */

export interface GraphNode {
  id: string;
  label: string;
  kind: "workload" | "gateway" | "plaintext" | "other-namespace" | "identity";
}

export interface GraphEdge {
  from: string;
  to: string;
  /** The target column (`namespace/group:port`). */
  target: string;
  port: number;
  status: Exclude<CellStatus, "denied">;
  conditions: string[];
  except: string[];
}

export interface AccessGraph {
  version: 1;
  environment: string | undefined;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Builds nodes and edges; a workload's identity and the workload itself share one node when the identity runs only that workload. */
export function accessGraph(matrix: AccessMatrix): AccessGraph {
  const nodes = new Map<string, GraphNode>();
  const groupNode = (target: MatrixTarget) => `${target.namespace}/${target.group}`;
  for (const target of matrix.targets) nodes.set(groupNode(target), { id: groupNode(target), label: target.group, kind: "workload" });
  const groupOfWorkload = new Map<string, string>();
  for (const target of matrix.targets) for (const w of target.workloads) groupOfWorkload.set(w, groupNode(target));

  const sourceNode = (source: MatrixSource): string => {
    const groups = new Set(source.workloads.map((w) => groupOfWorkload.get(w)));
    const only = groups.size === 1 ? [...groups][0] : undefined;
    if (source.kind === "workload" && only !== undefined) return only;
    const id = source.kind === "workload" ? `identity:${source.id}` : source.id;
    if (!nodes.has(id)) nodes.set(id, { id, label: source.label, kind: source.kind === "workload" ? "identity" : source.kind });
    return id;
  };
  const edges: GraphEdge[] = [];
  matrix.sources.forEach((source, s) => {
    const from = sourceNode(source);
    matrix.targets.forEach((target, t) => {
      const cell = matrix.cells[s]?.[t];
      if (cell === undefined || cell.status === "denied") return;
      edges.push({ from, to: groupNode(target), target: target.id, port: target.port, status: cell.status, conditions: cell.conditions, except: cell.except });
    });
  });
  // Same label twice (a group name equal to an identity name in another namespace): qualify.
  const counts = new Map<string, number>();
  for (const node of nodes.values()) counts.set(node.label, (counts.get(node.label) ?? 0) + 1);
  const list = [...nodes.values()].map((n) => ((counts.get(n.label) ?? 0) > 1 ? { ...n, label: n.id } : n));
  return { version: 1, environment: matrix.environment, nodes: list.sort((a, b) => cmp(a.id, b.id)), edges };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function edgeLabel(edge: GraphEdge, target: MatrixTarget | undefined): string {
  const where = target !== undefined && target.workloads.length === 1 && target.id !== `${target.namespace}/${target.group}:${target.port}` ? `${target.label}` : String(edge.port);
  if (edge.status === "allowed") return where;
  const except = edge.except.length > 0 ? ` except ${edge.except.join("; ")}` : "";
  return `${where}: ${edge.conditions.join(" or ")}${except}`;
}

// ---- Mermaid ----

/** A `flowchart LR` for a pull-request comment: solid arrows allowed, dotted arrows conditional. */
export function formatGraphMermaid(matrix: AccessMatrix): string {
  const graph = accessGraph(matrix);
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `n${i}`]));
  const targets = new Map(matrix.targets.map((t) => [t.id, t]));
  const lines = ["flowchart LR"];
  for (const node of graph.nodes) {
    const id = ids.get(node.id) ?? "";
    const text = mermaidText(node.label);
    lines.push(node.kind === "workload" ? `  ${id}["${text}"]` : `  ${id}(["${text}"])`);
  }
  // One arrow per (from, to, status), ports and conditions joined on separate lines.
  const merged = new Map<string, string[]>();
  for (const edge of graph.edges) {
    const key = `${edge.from}\u0000${edge.to}\u0000${edge.status}`;
    merged.set(key, [...(merged.get(key) ?? []), edgeLabel(edge, targets.get(edge.target))]);
  }
  for (const [key, labels] of merged) {
    const [from, to, status] = key.split("\u0000") as [string, string, string];
    const arrow = status === "allowed" ? "-->" : "-.->";
    lines.push(`  ${ids.get(from) ?? ""} ${arrow}|"${labels.map(mermaidText).join("<br/>")}"| ${ids.get(to) ?? ""}`);
  }
  lines.push("  classDef external stroke-dasharray: 4 2");
  const external = graph.nodes.filter((n) => n.kind !== "workload").map((n) => ids.get(n.id) ?? "");
  if (external.length > 0) lines.push(`  class ${external.join(",")} external`);
  return `${lines.join("\n")}\n`;
}

function mermaidText(text: string): string {
  return text.replaceAll("&", "#amp;").replaceAll('"', "#quot;").replaceAll("<", "#lt;").replaceAll(">", "#gt;").replaceAll("|", "#124;");
}

// ---- JSON ----

export function formatGraphJson(matrix: AccessMatrix): string {
  return `${JSON.stringify(accessGraph(matrix), null, 2)}\n`;
}

// ---- HTML ----

export interface GraphHtmlOptions {
  title: string;
  /** What was rendered: a commit (`3f2a9c1d4e5b`), with `+ uncommitted changes` for a working tree that differs. */
  revision: string;
}

const CSS = `
:root { color-scheme: light; --allowed: #1a7f37; --allowed-bg: #dafbe1; --conditional: #9a6700; --conditional-bg: #fff8c5; --denied: #6e7781; --denied-bg: #f6f8fa; --border: #d0d7de; }
* { box-sizing: border-box; }
body { margin: 24px; font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; }
p.meta { margin: 0 0 12px; color: #57606a; }
.legend { display: flex; gap: 16px; margin: 8px 0 12px; flex-wrap: wrap; }
.legend span { display: inline-flex; align-items: center; gap: 6px; }
.swatch { width: 14px; height: 14px; border-radius: 3px; border: 1px solid var(--border); display: inline-block; }
.swatch.allowed { background: var(--allowed-bg); border-color: var(--allowed); }
.swatch.conditional { background: var(--conditional-bg); border-color: var(--conditional); }
.swatch.denied { background: var(--denied-bg); }
figure { margin: 0; border: 1px solid var(--border); border-radius: 6px; padding: 8px; overflow-x: auto; max-width: 100%; }
figure svg { display: block; width: 100%; min-width: 640px; height: auto; }
.legend .line { display: inline-block; width: 28px; height: 0; border-top: 2px solid var(--allowed); }
.legend .line.conditional { border-top: 2px dashed var(--conditional); }
.legend .node-key { display: inline-block; width: 22px; height: 12px; border: 1.2px solid #57606a; border-radius: 3px; background: #fff; }
.legend .node-key.external { border-style: dashed; background: #f6f8fa; }
.table-wrap { overflow-x: auto; max-width: 100%; }
@media (max-width: 700px) { body { margin: 12px; } }
svg text { font: 13px -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; fill: #1f2328; }
svg .node rect { fill: #fff; stroke: #57606a; stroke-width: 1.2; }
svg .node.external rect { stroke-dasharray: 4 2; fill: #f6f8fa; }
svg .edge.allowed path { stroke: var(--allowed); stroke-width: 2; fill: none; }
svg .edge.conditional path { stroke: var(--conditional); stroke-width: 2; fill: none; stroke-dasharray: 6 4; }
svg .edge text.label { font-size: 11px; }
svg .edge rect.label-bg { fill: #fff; opacity: 0.9; }
svg .column-title { font-weight: 600; fill: #57606a; }
table { border-collapse: collapse; margin-top: 4px; }
th, td { border: 1px solid var(--border); padding: 6px 8px; vertical-align: top; text-align: left; }
thead th { background: #f6f8fa; font-weight: 600; white-space: nowrap; }
tbody th { background: #f6f8fa; white-space: nowrap; font-weight: 600; }
th small, td small { display: block; color: #57606a; font-weight: 400; }
td.allowed { background: var(--allowed-bg); color: var(--allowed); }
td.conditional { background: var(--conditional-bg); color: #4d2d00; }
td.denied { background: var(--denied-bg); color: var(--denied); }
td .status { font-weight: 600; }
td ul { margin: 4px 0 0; padding-left: 16px; }
td code, li code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
ul.notes { color: #57606a; }
`;

/** One self-contained page: inline CSS and inline SVG, no script, no network access; deterministic. */
export function formatGraphHtml(matrix: AccessMatrix, options: GraphHtmlOptions): string {
  const graph = accessGraph(matrix);
  const counts = { allowed: 0, conditional: 0, denied: 0 };
  for (const row of matrix.cells) for (const cell of row) counts[cell.status]++;
  const env = matrix.environment === undefined ? "" : ` — environment <strong>${esc(matrix.environment)}</strong>`;
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // An empty icon, so that the browser does not look for /favicon.ico.
    '<link rel="icon" href="data:,">',
    `<title>${esc(options.title)}</title>`,
    `<style>${CSS}</style>`,
    "</head>",
    "<body>",
    `<h1>${esc(options.title)}</h1>`,
    `<p class="meta">${matrix.sources.length} sources × ${matrix.targets.length} workload ports${env}: ${counts.allowed} allowed, ${counts.conditional} conditional, ${counts.denied} denied.</p>`,
    `<p class="meta revision">Rendered from revision <code>${esc(options.revision)}</code>.</p>`,
    "<h2>Graph</h2>",
    '<div class="legend graph-legend">' +
      '<span><i class="line allowed"></i>solid: allowed (every request)</span>' +
      '<span><i class="line conditional"></i>dashed: conditional (only the requests its label names)</span>' +
      '<span><i class="node-key external"></i>dashed box: a caller that is not a workload here (gateway, plaintext client, other namespace)</span>' +
      "<span>denied pairs have no edge</span></div>",
    `<figure>${svgGraph(matrix, graph)}</figure>`,
    "<h2>Matrix</h2>",
    '<div class="legend"><span><i class="swatch allowed"></i>allowed</span><span><i class="swatch conditional"></i>conditional (only some requests)</span><span><i class="swatch denied"></i>denied</span></div>',
    `<div class="table-wrap">${tableHtml(matrix)}</div>`,
    matrix.notes.length === 0 ? "" : `<h2>Notes</h2><ul class="notes">${matrix.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

const NODE_H = 30;
const GAP = 16;
const NODE_W = 230;

function svgGraph(matrix: AccessMatrix, graph: AccessGraph): string {
  // Bipartite layout in a 1040-unit-wide view box: callers on the left, workload ports on the right.
  const left = matrix.sources;
  const right = matrix.targets;
  const width = 1040;
  const top = 34;
  const height = top + Math.max(left.length, right.length, 1) * (NODE_H + GAP) + GAP;
  const leftX = 16;
  const rightX = width - NODE_W - 16;
  const yOf = (i: number) => top + i * (NODE_H + GAP);
  const parts: string[] = [
    // No fixed size: the SVG scales to the page's width (CSS), keeping its proportions.
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" preserveAspectRatio="xMinYMin meet" role="img" aria-label="access graph">`,
    `<text class="column-title" x="${leftX}" y="20">caller (identity)</text>`,
    `<text class="column-title" x="${rightX}" y="20">workload:port</text>`,
  ];
  const edges: string[] = [];
  const labels: string[] = [];
  // Conditional edges get their conditions as a label just left of the target, stacked when several
  // arrive at the same target, and prefixed with the caller so that each label names its edge.
  const incoming = right.map((_, t) => left.filter((__, s) => matrix.cells[s]?.[t]?.status === "conditional").length);
  const placed = right.map(() => 0);
  left.forEach((source, s) => {
    right.forEach((target, t) => {
      const cell = matrix.cells[s]?.[t];
      if (cell === undefined || cell.status === "denied") return;
      const x1 = leftX + NODE_W;
      const y1 = yOf(s) + NODE_H / 2;
      const x2 = rightX;
      const y2 = yOf(t) + NODE_H / 2;
      const mid = (x1 + x2) / 2;
      const text = cell.status === "allowed" ? "allowed" : [...cell.conditions, ...cell.except.map((e) => `except ${e}`)].join(" or ");
      const tip = `${source.label} → ${target.label}: ${cell.status}${cell.status === "conditional" ? ` (${text})` : ""}`;
      edges.push(
        `<g class="edge ${cell.status}" data-source="${esc(source.id)}" data-target="${esc(target.id)}"><title>${esc(tip)}</title><path d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}"/></g>`,
      );
      if (cell.status === "conditional") {
        const short = truncate(`${source.label}: ${text}`, 80);
        const k = placed[t] ?? 0;
        placed[t] = k + 1;
        const n = incoming[t] ?? 1;
        const lx = x2 - 10;
        const ly = y2 + (k - (n - 1) / 2) * 17 + 4;
        const w = short.length * 6.1 + 8;
        labels.push(
          `<g class="edge ${cell.status}"><rect class="label-bg" x="${round(lx - w + 4)}" y="${round(ly - 12)}" width="${round(w)}" height="16" rx="3"/><text class="label" x="${round(lx)}" y="${round(ly)}" text-anchor="end">${esc(short)}</text></g>`,
        );
      }
    });
  });
  parts.push(...edges, ...labels);
  const external = new Set(graph.nodes.filter((n) => n.kind !== "workload" && n.kind !== "identity").map((n) => n.id));
  left.forEach((source, i) => parts.push(nodeSvg(leftX, yOf(i), source.label, external.has(source.id), source.principal ?? "no identity")));
  right.forEach((target, i) => parts.push(nodeSvg(rightX, yOf(i), target.label, false, `${target.protocol}, mTLS ${target.mtls}; ${target.workloads.join(", ")}`)));
  parts.push("</svg>");
  return parts.join("\n");
}

function nodeSvg(x: number, y: number, label: string, external: boolean, tip: string): string {
  return `<g class="node${external ? " external" : ""}"><title>${esc(tip)}</title><rect x="${x}" y="${y}" width="${NODE_W}" height="${NODE_H}" rx="6"/><text x="${x + 10}" y="${y + 19}">${esc(truncate(label, 32))}</text></g>`;
}

function tableHtml(matrix: AccessMatrix): string {
  const head = matrix.targets
    .map((t) => `<th scope="col">${esc(t.label)}<small>${esc(t.protocol)}, mTLS ${esc(t.mtls)}</small></th>`)
    .join("");
  const rows = matrix.sources.map((source, s) => {
    const cells = matrix.targets.map((target, t) => {
      const cell = matrix.cells[s]?.[t];
      if (cell === undefined) return "<td></td>";
      const details =
        cell.status === "conditional"
          ? `<ul>${cell.conditions.map((c) => `<li><code>${esc(c)}</code></li>`).join("")}${cell.except.map((c) => `<li>except <code>${esc(c)}</code></li>`).join("")}</ul>`
          : "";
      return `<td class="${cell.status}" data-source="${esc(source.id)}" data-target="${esc(target.id)}" title="${esc(cell.reason)}"><span class="status">${cell.status}</span>${details}<small>${esc(cell.reason)}</small></td>`;
    });
    return `<tr><th scope="row">${esc(source.label)}<small>${esc(source.principal ?? "no identity")}</small></th>${cells.join("")}</tr>`;
  });
  return `<table><thead><tr><th scope="col">from \\ to</th>${head}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function esc(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
