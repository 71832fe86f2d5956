import path from "node:path";
import { execa } from "execa";
import { UserError } from "../model/errors.js";

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

const found = new Map<string, Promise<KustomizeBinary>>();

/**
 * Finds kustomize: $MESH_POLICY_KUSTOMIZE, then the pinned one in .tools/bin, then `kustomize`
 * on PATH, then `kubectl kustomize`. Looked up once per process and repository.
 */
export function findKustomize(repoRoot: string): Promise<KustomizeBinary> {
  let binary = found.get(repoRoot);
  if (binary === undefined) {
    binary = locate(repoRoot);
    found.set(repoRoot, binary);
  }
  return binary;
}

async function locate(repoRoot: string): Promise<KustomizeBinary> {
  const explicit = process.env["MESH_POLICY_KUSTOMIZE"];
  const candidates = explicit ? [explicit] : [path.join(repoRoot, LOCAL_TOOLS_DIR, "kustomize"), "kustomize"];
  for (const command of candidates) {
    const version = await execa(command, ["version"], { reject: false, timeout: 20_000 });
    if (version.exitCode === 0) {
      return { command, buildArgs: ["build"], version: parseKustomizeVersion(version.stdout) };
    }
    if (explicit) {
      throw new UserError(`MESH_POLICY_KUSTOMIZE=${explicit} does not run (${(version.shortMessage ?? "").split("\n")[0]}); ${INSTALL_HINT}`);
    }
  }
  const kubectl = await execa("kubectl", ["version", "--client", "-o", "json"], { reject: false, timeout: 20_000 });
  if (kubectl.exitCode === 0) {
    const info = JSON.parse(kubectl.stdout) as { kustomizeVersion?: string };
    return { command: "kubectl", buildArgs: ["kustomize"], version: info.kustomizeVersion ?? "unknown" };
  }
  throw new UserError(`kustomize not found: ${INSTALL_HINT}`);
}

/** `kustomize version` prints `v5.8.1` (newer) or `{Version:kustomize/v4.5.7 ...}` (older). */
export function parseKustomizeVersion(output: string): string {
  const match = /v\d+\.\d+\.\d+[\w.-]*/.exec(output);
  return match?.[0] ?? output.trim();
}
