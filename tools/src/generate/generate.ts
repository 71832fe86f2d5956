import { lstat, readdir, readFile, realpath } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../model/errors.js";
import { isInsideFolder } from "../util/inside-folder.js";
import type { Finding } from "../model/finding.js";
import { CATALOG_FILE, evaluateCatalog, type Catalog } from "./catalog.js";
import { applyFileChanges, removeLeftoverSideFiles, type FileChanges, type TransactionFs } from "./file-transaction.js";
import { isGeneratedText } from "./generated-marker.js";
import { generatePolicyFiles, GENERATED_ROOT, type GeneratedFile } from "./policy-files.js";

export const GENERATED_STALE_RULE = "generated-stale";

/** What the catalog generates, in memory; nothing is read from or written to base/<folder>/ yet. */
export interface Generation {
  catalog: Catalog;
  files: GeneratedFile[];
}

export async function generateInMemory(repoRoot: string): Promise<Generation> {
  const catalog = await evaluateCatalog(repoRoot);
  return { catalog, files: generatePolicyFiles(catalog) };
}

export type DriftKind = "stale" | "missing" | "extra";

export interface Drift {
  /** Repository-relative, forward slashes. */
  path: string;
  kind: DriftKind;
  /** A file at a generated path that is not a generated file (no header): `generate` will not overwrite it. */
  handWritten: boolean;
}

export interface Comparison {
  /** Files to write: missing or different from what the catalog generates. */
  writes: GeneratedFile[];
  /** Generated files (by their header) under base/<folder>/ that the catalog no longer generates. */
  removals: string[];
  unchanged: string[];
  drift: Drift[];
}

/**
 * Compares the generated files with the tree, byte for byte; reads only. Every target must be a
 * regular file (or absent) inside base/, its folder too after symbolic links: what is there
 * instead (a folder, a link out of the repository) is a UserError, before anything is written.
 */
export async function compareWithTree(repoRoot: string, files: readonly GeneratedFile[]): Promise<Comparison> {
  await checkTargets(repoRoot, files);
  const comparison: Comparison = { writes: [], removals: [], unchanged: [], drift: [] };
  for (const file of files) {
    const current = await readFile(path.join(repoRoot, file.path), "utf8").catch(() => undefined);
    if (current === file.content) {
      comparison.unchanged.push(file.path);
      continue;
    }
    comparison.writes.push(file);
    comparison.drift.push({ path: file.path, kind: current === undefined ? "missing" : "stale", handWritten: current !== undefined && !isGeneratedText(current) });
  }
  const planned = new Set(files.map((file) => file.path));
  for (const existing of await generatedFilesOnDisk(repoRoot)) {
    if (planned.has(existing)) continue;
    comparison.removals.push(existing);
    comparison.drift.push({ path: existing, kind: "extra", handWritten: false });
  }
  comparison.drift.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return comparison;
}

async function checkTargets(repoRoot: string, files: readonly GeneratedFile[]): Promise<void> {
  const root = path.resolve(repoRoot, GENERATED_ROOT);
  const realRoot = await realpath(root).catch(() => root);
  for (const file of files) {
    const target = path.resolve(repoRoot, file.path);
    if (!isInsideFolder(target, root)) throw new UserError(`${file.path}: a generated path outside ${GENERATED_ROOT}/; nothing was written`);
    const folder = await realpath(path.dirname(target)).catch(() => undefined);
    if (folder !== undefined && !isInsideFolder(folder, realRoot)) {
      throw new UserError(`${path.dirname(file.path)} is a symbolic link out of the repository; generate writes only inside ${GENERATED_ROOT}/: remove the link. Nothing was written`);
    }
    const existing = await lstat(target).catch(() => undefined);
    if (existing !== undefined && !existing.isFile()) {
      const what = existing.isDirectory() ? "a folder" : existing.isSymbolicLink() ? "a symbolic link" : "not a regular file";
      throw new UserError(`${file.path} is ${what}, where generate writes a generated file; remove or rename it, then run generate again. Nothing was written`);
    }
  }
}

/** Every file with the generated header in a folder right below base/ (the catalog's own folder aside). */
async function generatedFilesOnDisk(repoRoot: string): Promise<string[]> {
  const found: string[] = [];
  for (const folder of await generatedFolders(repoRoot)) {
    const entries = await readdir(path.join(repoRoot, GENERATED_ROOT, folder), { withFileTypes: true });
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.endsWith(".yaml")) continue;
      const relative = `${GENERATED_ROOT}/${folder}/${entry.name}`;
      const text = await readFile(path.join(repoRoot, relative), "utf8").catch(() => "");
      if (isGeneratedText(text)) found.push(relative);
    }
  }
  return found.sort();
}

async function generatedFolders(repoRoot: string): Promise<string[]> {
  const entries = await readdir(path.join(repoRoot, GENERATED_ROOT), { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && e.name !== "catalog" && !e.name.startsWith(".")).map((e) => e.name).sort();
}

export interface GenerateResult {
  written: string[];
  removed: string[];
  unchanged: string[];
}

/**
 * `mesh-policy generate`: evaluates the catalog, generates every file in memory, then writes the
 * files that changed and removes generated files the catalog no longer has, all or nothing
 * (applyFileChanges). A catalog error (CatalogError, with the catalog file and line) or a
 * hand-written file where a generated one would go stops it before anything is written.
 */
export async function generate(repoRoot: string, options: { fs?: TransactionFs } = {}): Promise<GenerateResult> {
  const { files } = await generateInMemory(repoRoot);
  const comparison = await planWrites(repoRoot, files);
  await removeLeftoverSideFiles(touchedFolders(repoRoot, comparison), options.fs === undefined ? {} : { fs: options.fs });
  await applyFileChanges(fileChanges(repoRoot, comparison), options.fs === undefined ? {} : { fs: options.fs });
  return { written: comparison.writes.map((f) => f.path), removed: comparison.removals, unchanged: comparison.unchanged };
}

/**
 * What writing `files` changes in the tree; refused (a UserError, nothing written) when a
 * hand-written file sits where a generated one goes.
 */
export async function planWrites(repoRoot: string, files: readonly GeneratedFile[]): Promise<Comparison> {
  const comparison = await compareWithTree(repoRoot, files);
  const handWritten = comparison.drift.filter((d) => d.handWritten).map((d) => d.path);
  if (handWritten.length > 0) {
    throw new UserError(
      `${handWritten.join(", ")}: hand-written (no "generated" header), and ${CATALOG_FILE} generates ${handWritten.length === 1 ? "it" : "them"}; ` +
        "nothing was written. If the catalog now owns these files, delete them and run generate again; " +
        "otherwise give the workload another folder, or list a hand-written file in its extraResources under another name",
    );
  }
  return comparison;
}

/** The folders a comparison writes to or removes from, absolute. */
export function touchedFolders(repoRoot: string, comparison: Comparison): string[] {
  return [...new Set([...comparison.writes.map((f) => f.path), ...comparison.removals].map((p) => path.join(repoRoot, path.dirname(p))))];
}

/** A comparison as the file changes of a transaction (absolute paths). */
export function fileChanges(repoRoot: string, comparison: Comparison): FileChanges {
  return {
    writes: comparison.writes.map((file) => ({ file: path.join(repoRoot, file.path), content: file.content })),
    removals: comparison.removals.map((file) => path.join(repoRoot, file)),
  };
}

/** Findings for `generate --check` and `check`: one per stale, missing or extra generated file. */
export function driftFindings(drift: readonly Drift[]): Finding[] {
  return drift.map((d) => ({
    ruleId: GENERATED_STALE_RULE,
    severity: "error" as const,
    message: driftMessage(d),
    location: { file: d.path, line: 1 },
  }));
}

function driftMessage(drift: Drift): string {
  switch (drift.kind) {
    case "missing":
      return `missing: ${CATALOG_FILE} generates this file; run \`npx mesh-policy generate\` and commit the result`;
    case "extra":
      return `no longer generated by ${CATALOG_FILE}; run \`npx mesh-policy generate\`, which deletes it (and take the folder out of base/kustomization.yaml if its workload is gone)`;
    case "stale":
      return drift.handWritten
        ? `hand-written, but ${CATALOG_FILE} generates this file; move what it says into the catalog, delete it and run \`npx mesh-policy generate\``
        : `stale: differs from what ${CATALOG_FILE} generates (edited by hand, or the catalog changed); change the catalog, not this file, and run \`npx mesh-policy generate\``;
  }
}
