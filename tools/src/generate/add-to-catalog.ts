import { randomBytes } from "node:crypto";
import { access, readFile, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { likelyMeant } from "../util/did-you-mean.js";
import { UserError } from "../model/errors.js";
import { CatalogError } from "./catalog-error.js";
import { addCallEntry, addWorkloadEntry, type NewCallEntry } from "./catalog-edit.js";
import { CATALOG_FILE, evaluateCatalog, type Catalog, type CatalogWorkload } from "./catalog.js";
import { applyFileChanges, removeLeftoverSideFiles } from "./file-transaction.js";
import { fileChanges, planWrites, touchedFolders } from "./generate.js";
import { addResource } from "./kustomization-edit.js";
import { appendDocument, limitsDocument, LIMITS_FILE } from "./limits-stub.js";
import { generatePolicyFiles, GENERATED_ROOT } from "./policy-files.js";
import { addCallRow, addCaller, addRouteRow, addWorkloadRow, callerName, POLICY_DOC } from "./policy-doc.js";

/**
 * `mesh-policy new workload` and `new call`: the recipe of adding a workload or an allowed call,
 * as one change. The catalog is edited as text (catalog-edit), evaluated in the bounded child
 * process, and generated; the new folder is listed in base/kustomization.yaml, each environment
 * whose limits.yaml sizes the other workloads gets the new one's sizes, and docs/policy.md gets
 * its rows. Everything is written in one transaction, or nothing.
 */

export const BASE_KUSTOMIZATION = `${GENERATED_ROOT}/kustomization.yaml`;
const ENVIRONMENTS_DIR = "environments";
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export interface NewWorkloadRequest {
  folder: string;
  port: number;
  calledBy: readonly string[];
}

export interface NewCallRequest {
  from: string;
  to: string;
  /** A port name or Service port of the callee; default its only port. */
  port: string | undefined;
  methods: readonly string[];
  paths: readonly string[];
  requireJwt: boolean;
}

export interface CatalogChange {
  /** What was added, in one line. */
  summary: string;
  /** Repository-relative paths written, sorted. */
  written: string[];
  /** What to do next, one line each. */
  nextSteps: string[];
}

export async function addWorkload(repoRoot: string, request: NewWorkloadRequest): Promise<CatalogChange> {
  const { folder, port } = request;
  if (!DNS_LABEL.test(folder) || folder.length > 63 || folder === "catalog") {
    throw new UserError(`new workload ${folder}: NAME is the folder under base/, a lowercase DNS label (a-z, 0-9, -) other than "catalog"`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UserError(`new workload ${folder}: --port must be a port number 1-65535`);
  const current = await evaluateCatalog(repoRoot);
  if (current.workloads.some((w) => w.folder === folder)) throw new UserError(`new workload ${folder}: the catalog has a workload "${folder}" already`);
  if (await exists(path.join(repoRoot, GENERATED_ROOT, folder))) {
    throw new UserError(`new workload ${folder}: ${GENERATED_ROOT}/${folder} exists already; choose another name, or move that folder away`);
  }
  const callers = request.calledBy.map((caller) => resolveCaller(current, caller));
  const portName = `http-${folder}`.slice(0, 15).replace(/-+$/, "");
  const source = await readText(repoRoot, CATALOG_FILE);
  let edited = addWorkloadEntry(source, { folder, port, portName });
  const name = `${current.namespace}-${folder}`;
  for (const caller of callers) edited = addCallEntry(edited, { from: caller, to: name, ports: [portName], methods: [], paths: [], requireJwt: false });

  const catalog = await evaluateEdited(repoRoot, edited);
  const workload = catalog.workloads.find((w) => w.folder === folder);
  if (workload === undefined) throw new UserError(`new workload ${folder}: the edited catalog has no workload in ${GENERATED_ROOT}/${folder}`);
  const edits = new Map<string, string>([[CATALOG_FILE, edited]]);
  edits.set(BASE_KUSTOMIZATION, addResource(await readText(repoRoot, BASE_KUSTOMIZATION), BASE_KUSTOMIZATION, folder));
  const sized = await addLimits(repoRoot, catalog, workload, edits);
  await editDoc(repoRoot, edits, (text) => {
    const documented = addWorkloadRow(
      text,
      {
        workload: workload.name,
        serviceAccount: workload.serviceAccount,
        port: workload.ports[0]?.port ?? port,
        portName: workload.ports[0]?.name ?? portName,
        targetPort: workload.ports[0]?.targetPort ?? port,
        calledBy: callers.map((caller) => callerName(caller, catalog.namespace)),
      },
      catalog.namespace,
    );
    const routed = addRouteRow(documented, { folder, timeout: workload.route.timeout, attempts: workload.route.retries.attempts, perTryTimeout: workload.route.retries.perTryTimeout, worstCase: worstCase(workload) });
    return callers.reduce((doc, caller) => addCallRow(doc, callRow(catalog, caller, workload, [])), routed);
  });
  const written = await commit(repoRoot, catalog, edits);
  const pods = `the pods of ${workload.name} run as service account ${workload.serviceAccount}, with labels ${Object.entries(workload.labels).map(([k, v]) => `${k}: ${v}`).join(", ")} and version: ${workload.versions.map((v) => v.name).join("|")}, on container port ${workload.ports[0]?.targetPort ?? port} (their Deployment lives elsewhere)`;
  return {
    summary: `new workload ${workload.name} in ${GENERATED_ROOT}/${folder}/, port ${port} (${portName})${callers.length === 0 ? ", called by nobody yet" : `, called by ${callers.join(", ")}`}`,
    written,
    nextSteps: [
      `Make sure ${pods}.`,
      ...(sized.length === 0 ? [] : [`Size its connection pools per environment: ${sized.join(", ")} copy a peer's sizes.`]),
      ...(callers.length === 0 ? [`Allow its callers: mesh-policy new call CALLER ${workload.name}`] : []),
      "Run `npm run check && npm test`; `npx mesh-policy diff --base origin/main` shows who can newly reach whom; commit every file listed above.",
    ],
  };
}

export async function addCall(repoRoot: string, request: NewCallRequest): Promise<CatalogChange> {
  const current = await evaluateCatalog(repoRoot);
  const from = resolveCaller(current, request.from);
  const callee = resolveWorkload(current, request.to);
  const external = callee === undefined ? externalNamed(current, request.to) : undefined;
  if (callee === undefined && external === undefined) {
    const names = [...current.workloads.flatMap((w) => [w.name, w.folder]), ...current.workloads.flatMap((w) => w.external.map((e) => e.name))];
    throw new UserError(`new call: "${request.to}" is no workload or external service of the catalog${didYouMean(request.to, names)}; workloads: ${current.workloads.map((w) => w.name).join(", ")}`);
  }
  const entry: NewCallEntry = { from, to: callee?.name ?? request.to, ports: [], methods: request.methods.map((m) => m.toUpperCase()), paths: [...request.paths], requireJwt: request.requireJwt };
  if (callee === undefined) {
    if (request.port !== undefined || entry.methods.length > 0 || entry.paths.length > 0 || entry.requireJwt) {
      throw new UserError(`new call: ${request.to} is an external service, allowed per host (Sidecar egress): --port, --methods, --paths and --require-jwt do not apply`);
    }
  } else {
    entry.ports = [portOf(callee, request.port)];
  }
  const duplicate = current.calls.find((c) => c.from === entry.from && c.to === entry.to && (callee === undefined || sameCall(c, entry, callee)));
  if (duplicate !== undefined) throw new UserError(`new call: ${entry.from} -> ${entry.to} is in the catalog already, with these ports, methods and paths`);

  const edited = addCallEntry(await readText(repoRoot, CATALOG_FILE), entry);
  const catalog = await evaluateEdited(repoRoot, edited);
  const edits = new Map<string, string>([[CATALOG_FILE, edited]]);
  if (callee !== undefined) {
    const updated = catalog.workloads.find((w) => w.name === callee.name) as CatalogWorkload;
    const ports = updated.ports.filter((p) => entry.ports.includes(p.name)).map((p) => p.targetPort);
    await editDoc(repoRoot, edits, (text) =>
      addCaller(addCallRow(text, { ...callRow(catalog, from, updated, ports), methods: entry.methods, paths: entry.paths, requireJwt: entry.requireJwt }), updated.name, callerName(from, catalog.namespace)),
    );
  }
  const written = await commit(repoRoot, catalog, edits);
  return {
    summary: `new call ${from} -> ${entry.to}${entry.ports.length === 0 ? "" : ` on ${entry.ports.join(", ")}`}${entry.methods.length === 0 ? "" : `, ${entry.methods.join(",")}`}${entry.paths.length === 0 ? "" : ` ${entry.paths.join(",")}`}${entry.requireJwt ? " with JWT" : ""}`,
    written,
    nextSteps: ["Run `npm run check && npm test`; `npx mesh-policy diff --base origin/main` shows who can newly reach whom; commit every file listed above."],
  };
}

// ---- Names ----

function resolveWorkload(catalog: Catalog, name: string): CatalogWorkload | undefined {
  return catalog.workloads.find((w) => w.name === name) ?? catalog.workloads.find((w) => w.folder === name);
}

function externalNamed(catalog: Catalog, name: string): string | undefined {
  return catalog.workloads.flatMap((w) => w.external.map((e) => e.name)).find((e) => e === name);
}

/** A caller: a workload (by name or folder) or an identity an existing call uses. */
function resolveCaller(catalog: Catalog, name: string): string {
  const workload = resolveWorkload(catalog, name);
  if (workload !== undefined) return workload.name;
  const workloadNames = new Set(catalog.workloads.map((w) => w.name));
  const identities = [...new Set(catalog.calls.map((c) => c.from).filter((from) => !workloadNames.has(from)))].sort();
  if (identities.includes(name)) return name;
  const candidates = [...catalog.workloads.flatMap((w) => [w.name, w.folder]), ...identities];
  throw new UserError(
    `"${name}" is no workload of the catalog and no identity its calls use${didYouMean(name, candidates)}; workloads: ${[...workloadNames].join(", ")}` +
      `${identities.length === 0 ? "" : `; identities: ${identities.join(", ")}`} (declare another identity in the catalog's identities, by hand)`,
  );
}

function portOf(callee: CatalogWorkload, port: string | undefined): string {
  const ports = callee.ports.map((p) => `${p.port} (${p.name})`).join(", ");
  if (port === undefined) {
    if (callee.ports.length === 1) return callee.ports[0]?.name as string;
    throw new UserError(`new call: ${callee.name} has several ports; name one with --port: ${ports}`);
  }
  const found = callee.ports.find((p) => p.name === port || String(p.port) === port);
  if (found !== undefined) return found.name;
  const container = callee.ports.find((p) => String(p.targetPort) === port);
  if (container !== undefined) throw new UserError(`new call: ${port} is a container port of ${callee.name}; name the Service port ${container.port} or the port name ${container.name}`);
  throw new UserError(`new call: ${callee.name} has no port ${port}${didYouMean(port, callee.ports.map((p) => p.name))}; its ports: ${ports}`);
}

function sameCall(call: Catalog["calls"][number], entry: NewCallEntry, callee: CatalogWorkload): boolean {
  const ports = callee.ports.filter((p) => entry.ports.includes(p.name)).map((p) => p.targetPort);
  const same = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((value, index) => value === b[index]);
  return same(call.targetPorts, ports) && same(call.methods, entry.methods) && same(call.paths, entry.paths) && call.requireJwt === entry.requireJwt;
}

function didYouMean(name: string, candidates: readonly string[]): string {
  const guess = likelyMeant(name, candidates);
  return guess === undefined ? "" : `; did you mean "${guess}"?`;
}

// ---- Files ----

/**
 * Evaluates the edited catalog (from a side file next to the catalog, so that its imports
 * resolve; removed afterwards, and cleared by the next run if this process is killed), with
 * errors located in the catalog file as it would be written.
 */
async function evaluateEdited(repoRoot: string, text: string): Promise<Catalog> {
  const folder = path.join(repoRoot, path.dirname(CATALOG_FILE));
  await removeLeftoverSideFiles([folder]);
  const side = path.join(folder, `.${path.basename(CATALOG_FILE)}.mesh-policy-${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
  const shownSide = path.relative(repoRoot, side).split(path.sep).join("/");
  await writeFile(side, text, { flag: "wx" });
  try {
    return await evaluateCatalog(repoRoot, { catalogFile: side });
  } catch (error) {
    if (error instanceof CatalogError) {
      throw new CatalogError(
        { ...error.location, file: error.location.file === shownSide ? CATALOG_FILE : error.location.file },
        `${error.reason.replaceAll(shownSide, CATALOG_FILE)} (in the catalog as this command would edit it; nothing was written)`,
      );
    }
    if (error instanceof UserError) throw new UserError(`${error.message.replaceAll(shownSide, CATALOG_FILE)} (nothing was written)`, error.details);
    throw error;
  } finally {
    await rm(side, { force: true });
  }
}

/** Every environment's limits.yaml that sizes the other workloads gets the new one; returns the files. */
async function addLimits(repoRoot: string, catalog: Catalog, workload: CatalogWorkload, edits: Map<string, string>): Promise<string[]> {
  const others = catalog.workloads.filter((w) => w.name !== workload.name);
  const sized: string[] = [];
  const environments = await readdir(path.join(repoRoot, ENVIRONMENTS_DIR), { withFileTypes: true }).catch(() => []);
  for (const environment of environments.filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    const file = `${ENVIRONMENTS_DIR}/${environment}/${LIMITS_FILE}`;
    const text = await readFile(path.join(repoRoot, file), "utf8").catch(() => undefined);
    if (text === undefined) continue;
    const document = limitsDocument(text, workload, others, catalog.namespace);
    if (document === undefined) continue;
    edits.set(file, appendDocument(text, document));
    sized.push(file);
  }
  return sized;
}

async function editDoc(repoRoot: string, edits: Map<string, string>, edit: (text: string) => string): Promise<void> {
  const text = await readFile(path.join(repoRoot, POLICY_DOC), "utf8").catch(() => undefined);
  if (text !== undefined) edits.set(POLICY_DOC, edit(text));
}

function callRow(catalog: Catalog, caller: string, callee: CatalogWorkload, containerPorts: number[]) {
  const workload = catalog.workloads.find((w) => w.name === caller);
  const principal =
    workload !== undefined
      ? `${catalog.trustDomain}/ns/${catalog.namespace}/sa/${workload.serviceAccount}`
      : (catalog.calls.find((c) => c.from === caller)?.principal ?? caller);
  return {
    principal,
    callee: callee.name,
    containerPorts: containerPorts.length > 0 ? containerPorts : callee.ports.slice(0, 1).map((p) => p.targetPort),
    methods: [] as string[],
    paths: [] as string[],
    requireJwt: false,
  };
}

/** `(1 + attempts) × perTryTimeout`, in the unit it is written in. */
function worstCase(workload: CatalogWorkload): string {
  const match = /^(\d+)(ms|s|m|h)$/.exec(workload.route.retries.perTryTimeout);
  if (match === null) return "?";
  return `${(1 + workload.route.retries.attempts) * Number(match[1])}${match[2] ?? ""}`;
}

/** Generates from `catalog` and writes it with the edited files, all or nothing; returns what changed. */
async function commit(repoRoot: string, catalog: Catalog, edits: ReadonlyMap<string, string>): Promise<string[]> {
  const comparison = await planWrites(repoRoot, generatePolicyFiles(catalog));
  await removeLeftoverSideFiles(touchedFolders(repoRoot, comparison));
  const generated = fileChanges(repoRoot, comparison);
  const changed: Array<{ file: string; content: string }> = [];
  for (const [file, content] of edits) {
    if ((await readFile(path.join(repoRoot, file), "utf8").catch(() => undefined)) !== content) changed.push({ file: path.join(repoRoot, file), content });
  }
  await applyFileChanges({ writes: [...changed, ...generated.writes], removals: generated.removals });
  return [...changed.map((c) => c.file), ...generated.writes.map((w) => w.file), ...generated.removals]
    .map((file) => path.relative(repoRoot, file).split(path.sep).join("/"))
    .sort();
}

async function readText(repoRoot: string, file: string): Promise<string> {
  return readFile(path.join(repoRoot, file), "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`${file}: cannot read it (${error.code ?? error.message}); mesh-policy new edits it`);
  });
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
