import { createHash } from "node:crypto";
import { accessSync, constants, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** Where tools/install-tools.sh puts the pinned binaries. */
export const TOOLS_BIN = path.join(REPO_ROOT, ".tools", "bin");

export interface HarnessBinaries {
  kubeApiserver: string;
  /** Argo CD's one binary; ARGOCD_BINARY_NAME selects the component. */
  argocd: string;
  etcd: string;
  redisServer: string;
  openssl: string;
  git: string;
  /** .tools/bin: kustomize (the version Argo CD bundles) and Argo CD's git-verify-wrapper.sh. */
  toolsBin: string;
}

const HOW_TO_BUILD =
  "Build and install what the harness needs (tools/harness/README.md): `bash tools/install-tools.sh` builds kube-apiserver " +
  "and Argo CD from the Go module proxy into .tools/bin (minutes the first time, seconds once the Go build cache is warm), " +
  "and `apt-get install etcd-server redis-server openssl git unzip` installs the rest";

/**
 * The binaries the harness runs, or an error that lists what is missing or stale and how to
 * build it. Tests that need the harness fail with that error; they are never skipped.
 */
export function harnessBinaries(): HarnessBinaries {
  const problems: string[] = [];
  const built = (folder: string): string => {
    const dir = path.join(REPO_ROOT, "tools", "harness", folder);
    const conf = readFileSync(path.join(dir, "build.conf"), "utf8");
    const binary = /^binary=(\S+)$/m.exec(conf)?.[1] ?? folder;
    const file = path.join(TOOLS_BIN, binary);
    if (!isExecutable(file)) {
      problems.push(`${file} is missing`);
      return file;
    }
    let stamp = "";
    try {
      stamp = readFileSync(`${file}.stamp`, "utf8").trim();
    } catch {
      // no stamp: treated as stale
    }
    if (stamp !== buildStamp(dir)) problems.push(`${file} was built from another tools/harness/${folder}/go.mod, go.sum or build.conf (stale)`);
    return file;
  };
  const onPath = (name: string, debianPackage: string): string => {
    const found = findOnPath(name);
    if (found === undefined) problems.push(`${name} is not on PATH (Debian package ${debianPackage})`);
    return found ?? name;
  };
  const binaries: HarnessBinaries = {
    kubeApiserver: built("kube-apiserver"),
    argocd: built("argocd"),
    etcd: onPath("etcd", "etcd-server"),
    redisServer: onPath("redis-server", "redis-server"),
    openssl: onPath("openssl", "openssl"),
    git: onPath("git", "git"),
    toolsBin: TOOLS_BIN,
  };
  // The pinned CRDs are read from Go module zips (tools/src/schemas/fetch-module.ts).
  onPath("unzip", "unzip");
  onPath("go", "golang");
  for (const tool of ["kustomize", "git-verify-wrapper.sh"]) {
    if (!isExecutable(path.join(TOOLS_BIN, tool))) problems.push(`${path.join(TOOLS_BIN, tool)} is missing`);
  }
  if (problems.length > 0) throw new Error(`the test harness cannot start: ${problems.join("; ")}. ${HOW_TO_BUILD}`);
  return binaries;
}

/** The same hash tools/install-tools.sh writes next to the binary: go.mod, go.sum and build.conf. */
function buildStamp(dir: string): string {
  const hash = createHash("sha256");
  for (const file of ["go.mod", "go.sum", "build.conf"]) hash.update(readFileSync(path.join(dir, file)));
  return hash.digest("hex");
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env["PATH"] ?? "").split(path.delimiter)) {
    if (dir !== "" && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}
