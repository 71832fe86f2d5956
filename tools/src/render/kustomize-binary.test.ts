import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../test/helpers/run-cli.js";
import { findKustomize, parseKustomizeVersion } from "./kustomize-binary.js";
import { writeCachedRender } from "./render-cache.js";

// The pinned kustomize (tools/install-tools.sh), copied so that it can be replaced.
const PINNED = process.env["MESH_POLICY_KUSTOMIZE"] ?? path.join(REPO_ROOT, ".tools/bin/kustomize");
const saved = process.env["MESH_POLICY_KUSTOMIZE"];
let dir: string;
let binary: string;
let cache: string;

/** Each lookup from a repository root of its own: findKustomize keeps one answer per root and process. */
let roots = 0;
async function lookUp(cacheDir: string | false) {
  const root = path.join(dir, `repo-${roots++}`);
  await mkdir(root);
  return findKustomize(root, cacheDir);
}

/** Puts `version` in place of what the cache keeps for the binary: a lookup that answers it read the cache. */
async function forgeKeptVersion(version: string): Promise<void> {
  const [kept] = (await readdir(cache)).filter((name) => name.endsWith(".kustomize-version"));
  if (kept === undefined) throw new Error("no kustomize version kept in the cache");
  await writeCachedRender(cache, kept.replace(/\.kustomize-version$/, ""), version, ".kustomize-version");
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "mesh-policy-kustomize-binary-"));
  binary = path.join(dir, "kustomize");
  cache = path.join(dir, "cache");
  await copyFile(PINNED, binary);
  process.env["MESH_POLICY_KUSTOMIZE"] = binary;
});

afterEach(async () => {
  if (saved === undefined) delete process.env["MESH_POLICY_KUSTOMIZE"];
  else process.env["MESH_POLICY_KUSTOMIZE"] = saved;
  await rm(dir, { recursive: true, force: true });
});

describe("findKustomize", () => {
  it("asks the binary its version once, then answers from the cache while the binary is the same file", async () => {
    const first = await lookUp(cache);
    expect(first).toEqual({ command: binary, buildArgs: ["build"], version: expect.stringMatching(/^v\d+\.\d+\.\d+/) });
    await forgeKeptVersion("v0.0.0-kept");
    expect((await lookUp(cache)).version).toBe("v0.0.0-kept");
  });

  it("asks again when the file was replaced or rewritten, and every time without a cache (--no-cache)", async () => {
    const { version } = await lookUp(cache);
    await forgeKeptVersion("v0.0.0-kept");
    await copyFile(PINNED, binary);
    expect((await lookUp(cache)).version).toBe(version);
    await forgeKeptVersion("v0.0.0-kept");
    expect((await lookUp(false)).version).toBe(version);
  });

  it("never keeps the version of a script, which runs whichever kustomize it points at", async () => {
    const calls = path.join(dir, "calls");
    await writeFile(binary, `#!/bin/sh\necho x >> '${calls}'\nexec '${PINNED}' "$@"\n`);
    await chmod(binary, 0o755);
    await lookUp(cache);
    await lookUp(cache);
    expect((await readFile(calls, "utf8")).split("\n").filter(Boolean)).toHaveLength(2);
    expect((await readdir(cache).catch(() => [])).filter((name) => name.endsWith(".kustomize-version"))).toEqual([]);
  });

  it("a MESH_POLICY_KUSTOMIZE that does not run is an input error saying why", async () => {
    process.env["MESH_POLICY_KUSTOMIZE"] = path.join(dir, "missing");
    await expect(lookUp(cache)).rejects.toThrow(/MESH_POLICY_KUSTOMIZE=.*missing does not run \(cannot start .*ENOENT\)/);
    await writeFile(binary, "#!/bin/sh\necho broken >&2\nexit 4\n");
    process.env["MESH_POLICY_KUSTOMIZE"] = binary;
    await expect(lookUp(cache)).rejects.toThrow(/does not run \(exit 4: broken\)/);
  });
});

describe("parseKustomizeVersion", () => {
  it("reads both version formats", () => {
    expect(parseKustomizeVersion("v5.8.1\n")).toBe("v5.8.1");
    expect(parseKustomizeVersion("{Version:kustomize/v4.5.7 GitCommit:abc}")).toBe("v4.5.7");
  });
});
