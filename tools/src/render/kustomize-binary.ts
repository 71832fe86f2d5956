import { createHash } from "node:crypto";
import { open, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../model/errors.js";
import type { BoundedResult } from "../util/run-bounded.js";
import { readCachedRender, writeCachedRender } from "./render-cache.js";

export interface KustomizeBinary {
  /** The command and leading arguments that run `kustomize build`. */
  command: string;
  buildArgs: readonly string[];
  version: string;
}

const INSTALL_HINT =
  "run `bash tools/install-tools.sh` (kustomize at the version Argo CD bundles, into .tools/bin), " +
  "or put kustomize or kubectl on PATH, or set MESH_POLICY_KUSTOMIZE to the kustomize binary";

/** Where tools/install-tools.sh puts the pinned Go tools, relative to the repository root. */
export const LOCAL_TOOLS_DIR = path.join(".tools", "bin");

/** `kustomize version` and `kubectl version --client` answer in milliseconds; these bounds only stop a broken binary. */
const VERSION_TIME_MS = 20_000;
const VERSION_MEMORY_BYTES = 512 * 1024 * 1024;
const VERSION_OUTPUT_BYTES = 1024 * 1024;

/** Versions kept in the render cache, apart from the renders. */
const VERSION_SUFFIX = ".kustomize-version";

const found = new Map<string, Promise<KustomizeBinary>>();

/**
 * Finds kustomize: $MESH_POLICY_KUSTOMIZE, then the pinned one in .tools/bin, then `kustomize`
 * on PATH, then `kubectl kustomize`. Looked up once per process, repository and cache. The version of a
 * binary named by its path is kept in `cacheDir` (the render cache) by the binary's identity, so
 * that a warm run does not start kustomize only to ask it.
 */
export function findKustomize(repoRoot: string, cacheDir: string | false): Promise<KustomizeBinary> {
  const key = `${repoRoot}\0${String(cacheDir)}`;
  let binary = found.get(key);
  if (binary === undefined) {
    binary = locate(repoRoot, cacheDir);
    found.set(key, binary);
  }
  return binary;
}

async function locate(repoRoot: string, cacheDir: string | false): Promise<KustomizeBinary> {
  const explicit = process.env["MESH_POLICY_KUSTOMIZE"];
  const candidates = explicit ? [explicit] : [path.join(repoRoot, LOCAL_TOOLS_DIR, "kustomize"), "kustomize"];
  for (const command of candidates) {
    const version = await kustomizeVersion(command, repoRoot, cacheDir);
    if (typeof version === "string") return { command, buildArgs: ["build"], version };
    if (explicit) throw new UserError(`MESH_POLICY_KUSTOMIZE=${explicit} does not run (${version.why}); ${INSTALL_HINT}`);
  }
  const kubectl = await runVersion("kubectl", ["version", "--client", "-o", "json"], repoRoot);
  if ("outcome" in kubectl && kubectl.outcome === "exited" && kubectl.exitCode === 0) {
    return { command: "kubectl", buildArgs: ["kustomize"], version: kubectlKustomizeVersion(kubectl.stdout) };
  }
  throw new UserError(`kustomize not found: ${INSTALL_HINT}`);
}

/** `kubectl version --client -o json` names the kustomize it embeds; "unknown" when it does not say. */
function kubectlKustomizeVersion(stdout: string): string {
  try {
    const info = JSON.parse(stdout) as { kustomizeVersion?: unknown };
    return typeof info.kustomizeVersion === "string" ? info.kustomizeVersion : "unknown";
  } catch {
    return "unknown";
  }
}

/** The version `command` reports, or why it did not run. */
async function kustomizeVersion(command: string, repoRoot: string, cacheDir: string | false): Promise<string | { why: string }> {
  const key = cacheDir === false ? undefined : await binaryIdentity(command);
  if (cacheDir !== false && key !== undefined) {
    const known = await readCachedRender(cacheDir, key, VERSION_SUFFIX);
    if (known !== undefined) return known;
  }
  const run = await runVersion(command, ["version"], repoRoot);
  if (!("outcome" in run)) return run;
  if (run.outcome !== "exited" || run.exitCode !== 0) {
    const said = run.stderr.trim().split("\n")[0];
    return { why: run.outcome === "exited" ? `exit ${run.exitCode}${said ? `: ${said}` : ""}` : `stopped: ${run.outcome}` };
  }
  const version = parseKustomizeVersion(run.stdout);
  if (cacheDir !== false && key !== undefined) await writeCachedRender(cacheDir, key, version, VERSION_SUFFIX);
  return version;
}

/**
 * A key that changes whenever the file at `command` is another binary: its real path, device,
 * inode, size and times (a replaced or rewritten file has a new inode or ctime). Undefined for a
 * command looked up on PATH, a path that is not a file, or a script (`#!`: a shim of asdf, mise
 * or nix runs whichever kustomize it is pointed at, the same script all along).
 */
async function binaryIdentity(command: string): Promise<string | undefined> {
  if (!path.isAbsolute(command)) return undefined;
  try {
    const file = await realpath(command);
    const info = await stat(file, { bigint: true });
    if (!info.isFile() || (await startsWithShebang(file))) return undefined;
    const identity = ["kustomize-version", file, info.dev, info.ino, info.size, info.mtimeNs, info.ctimeNs].join("\0");
    return createHash("sha256").update(identity).digest("hex").slice(0, 32);
  } catch {
    return undefined;
  }
}

async function startsWithShebang(file: string): Promise<boolean> {
  const handle = await open(file, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer.toString("latin1") === "#!";
  } finally {
    await handle.close();
  }
}

async function runVersion(command: string, args: readonly string[], cwd: string): Promise<BoundedResult | { why: string }> {
  const { runBounded } = await import("../util/run-bounded.js");
  try {
    return await runBounded({ command, args, cwd, env: process.env, timeoutMs: VERSION_TIME_MS, memoryBytes: VERSION_MEMORY_BYTES, maxOutputBytes: VERSION_OUTPUT_BYTES });
  } catch (error) {
    return { why: `cannot start ${command}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
}

/** `kustomize version` prints `v5.8.1` (newer) or `{Version:kustomize/v4.5.7 ...}` (older). */
export function parseKustomizeVersion(output: string): string {
  const match = /v\d+\.\d+\.\d+[\w.-]*/.exec(output);
  return match?.[0] ?? output.trim();
}
