import { UserError } from "../model/errors.js";

/**
 * docs/policy.md's tables as data, and the rows `mesh-policy new` adds to them: "Workloads and
 * ports", "Who may call whom" and "Routing and resilience". The tests of the VAPORA policy read
 * the same tables and compare them with the catalog and with the computed access matrix.
 */

export const POLICY_DOC = "docs/policy.md";

export const WORKLOADS_SECTION = "Workloads and ports";
export const ACCESS_SECTION = "Who may call whom";
export const ROUTING_SECTION = "Routing and resilience";

/** How the docs name callers that are not workloads of the namespace. */
const CALLER_NAMES: Readonly<Record<string, string>> = { "istio-ingressgateway": "ingress gateway" };

export interface DocTable {
  section: string;
  header: string[];
  rows: DocRow[];
  /** Index of the line after the table's last line. */
  end: number;
}

export interface DocRow {
  /** 0-based line index in the document. */
  index: number;
  cells: string[];
}

export interface DocumentedWorkload {
  workload: string;
  serviceAccount: string;
  /** Service port and its name, as `80 (http-web)`. */
  servicePorts: Array<{ port: number; name: string | undefined }>;
  containerPorts: number[];
  calledBy: string[];
}

export interface DocumentedCall {
  /** 1-based line of the row. */
  line: number;
  principals: string[];
  callee: string;
  containerPorts: number[];
  /** Empty: any. */
  methods: string[];
  paths: string[];
  requireJwt: boolean;
}

export interface DocumentedRoute {
  /** The workload's folder (`→ llm-router` is llm-router). */
  folder: string;
  timeout: string;
  attempts: number;
  perTryTimeout: string;
}

/** The first table after the `## <section>` heading. */
export function docTable(text: string, section: string): DocTable {
  const lines = text.split("\n");
  const heading = lines.findIndex((line) => line.trim() === `## ${section}`);
  if (heading === -1) throw new UserError(`${POLICY_DOC}: no "## ${section}" section`);
  let start = heading + 1;
  while (start < lines.length && !(lines[start] ?? "").startsWith("|")) {
    if ((lines[start] ?? "").startsWith("## ")) throw new UserError(`${POLICY_DOC}:${heading + 1}: "## ${section}" has no table`);
    start++;
  }
  let end = start;
  while (end < lines.length && (lines[end] ?? "").startsWith("|")) end++;
  const cells = (line: string) => line.trim().replace(/^\|/, "").replace(/\|$/, "").split("|").map((cell) => cell.trim());
  const header = cells(lines[start] ?? "");
  if (end - start < 2 || !/^\|[-| :]+\|$/.test((lines[start + 1] ?? "").trim())) throw new UserError(`${POLICY_DOC}:${start + 1}: the "${section}" table has no header separator`);
  const rows: DocRow[] = [];
  for (let index = start + 2; index < end; index++) rows.push({ index, cells: cells(lines[index] ?? "") });
  return { section, header, rows, end };
}

export function documentedWorkloads(text: string): DocumentedWorkload[] {
  return docTable(text, WORKLOADS_SECTION).rows.map(({ cells }) => ({
    workload: cells[0] ?? "",
    serviceAccount: cells[1] ?? "",
    servicePorts: (cells[2] ?? "").split(/\s*[,/]\s*/).map((part) => {
      const match = /^(\d+)(?:\s*\(`([^`]+)`\))?/.exec(part.trim());
      return { port: Number(match?.[1] ?? Number.NaN), name: match?.[2] };
    }),
    containerPorts: numbers(cells[3] ?? ""),
    calledBy: (cells[4] ?? "").split(",").map((name) => name.trim()).filter((name) => name !== "" && name !== "—"),
  }));
}

export function documentedCalls(text: string): DocumentedCall[] {
  return docTable(text, ACCESS_SECTION).rows.map(({ index, cells }) => {
    const principals: string[] = [];
    for (const quoted of (cells[0] ?? "").match(/`[^`]+`/g) ?? []) {
      const principal = quoted.slice(1, -1);
      // `…/sa/vapora-agents` repeats the previous principal up to /sa/.
      const previous = principals.at(-1);
      if (principal.startsWith("…/sa/") && previous !== undefined) principals.push(`${previous.slice(0, previous.indexOf("/sa/"))}${principal.slice(1)}`);
      else principals.push(principal);
    }
    const list = (cell: string) => (cell.trim() === "any" ? [] : cell.split(",").map((item) => item.trim().replaceAll("`", "")).filter((item) => item !== ""));
    return {
      line: index + 1,
      principals,
      callee: cells[1] ?? "",
      containerPorts: numbers(cells[2] ?? ""),
      methods: list(cells[3] ?? ""),
      paths: list(cells[4] ?? ""),
      requireJwt: /JWT/.test(cells[5] ?? ""),
    };
  });
}

export function documentedRoutes(text: string): DocumentedRoute[] {
  return docTable(text, ROUTING_SECTION).rows.map(({ cells }) => {
    const retries = /^(\d+)\s*×\s*(\S+)/.exec(cells[2] ?? "");
    return {
      folder: /^→\s*(\S+)/.exec(cells[0] ?? "")?.[1] ?? "",
      timeout: cells[1] ?? "",
      attempts: Number(retries?.[1] ?? Number.NaN),
      perTryTimeout: retries?.[2] ?? "",
    };
  });
}

/** How the "Called by" column names a caller: the workload without its namespace prefix, or the identity's usual name. */
export function callerName(caller: string, namespace: string): string {
  return CALLER_NAMES[caller] ?? (caller.startsWith(`${namespace}-`) ? caller.slice(namespace.length + 1) : caller);
}

// ---- Edits: one row added, or one cell extended; every other byte kept ----

export interface WorkloadRow {
  workload: string;
  serviceAccount: string;
  port: number;
  portName: string;
  targetPort: number;
  calledBy: string[];
}

/** Adds the workload's row after the last row of a workload of `namespace`. */
export function addWorkloadRow(text: string, row: WorkloadRow, namespace: string): string {
  const table = docTable(text, WORKLOADS_SECTION);
  const last = [...table.rows].reverse().find((r) => (r.cells[0] ?? "").startsWith(`${namespace}-`)) ?? table.rows.at(-1);
  const line = `| ${row.workload} | ${row.serviceAccount} | ${row.port} (\`${row.portName}\`) | ${row.targetPort} | ${row.calledBy.join(", ") || "—"} |`;
  return insertLine(text, (last?.index ?? table.end - 1) + 1, line);
}

/** Adds `caller` to the "Called by" cell of `workload`'s row (when the row exists and lacks it). */
export function addCaller(text: string, workload: string, caller: string): string {
  const table = docTable(text, WORKLOADS_SECTION);
  const row = table.rows.find((r) => r.cells[0] === workload);
  if (row === undefined) return text;
  const current = (row.cells[4] ?? "").split(",").map((name) => name.trim()).filter((name) => name !== "" && name !== "—");
  if (current.includes(caller)) return text;
  const lines = text.split("\n");
  const cells = [...row.cells];
  cells[4] = [...current, caller].join(", ");
  lines[row.index] = `| ${cells.join(" | ")} |`;
  return lines.join("\n");
}

export interface CallRow {
  principal: string;
  callee: string;
  containerPorts: number[];
  methods: readonly string[];
  paths: readonly string[];
  requireJwt: boolean;
}

export function addCallRow(text: string, row: CallRow): string {
  const table = docTable(text, ACCESS_SECTION);
  const methods = row.methods.length === 0 ? "any" : row.methods.join(", ");
  const paths = row.paths.length === 0 ? "any" : row.paths.map((p) => `\`${p}\``).join(", ");
  const extra = row.requireJwt ? 'valid JWT required (`requestPrincipals: ["*"]`)' : "";
  const line = `| \`${row.principal}\` | ${row.callee} | ${row.containerPorts.join(", ")} | ${methods} | ${paths} | ${extra} |`.replace(/ {2}\|$/, " |");
  return insertLine(text, table.end, line);
}

export interface RouteRow {
  folder: string;
  timeout: string;
  attempts: number;
  perTryTimeout: string;
  /** `(1 + attempts) × perTryTimeout`, as written: `9s`. */
  worstCase: string;
}

export function addRouteRow(text: string, row: RouteRow): string {
  const table = docTable(text, ROUTING_SECTION);
  return insertLine(text, table.end, `| → ${row.folder} | ${row.timeout} | ${row.attempts} × ${row.perTryTimeout} | ${row.worstCase} |`);
}

function insertLine(text: string, index: number, line: string): string {
  const lines = text.split("\n");
  lines.splice(index, 0, line);
  return lines.join("\n");
}

function numbers(cell: string): number[] {
  return (cell.match(/\d+/g) ?? []).map(Number);
}
