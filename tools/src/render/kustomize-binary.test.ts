import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findKustomize, parseKustomizeVersion } from "./kustomize-binary.js";

// A stand-in for the kustomize binary that only answers `version` and counts how often it was
// asked: what is under test is the lookup and its memo, not kustomize.
let dir: string;
let binary: string;
let calls: string;
const saved = process.env["MESH_POLICY_KUSTOMIZE"];

async function writeStandIn(version: string): Promise<void> {
  await writeFile(binary, `#!/bin/sh\necho x >> '${calls}'\necho ${version}\n`);
  await chmod(binary, 0o755);
}

const timesRun = async () => (await readFile(calls, "utf8").catch(() => "")).split("\n").filter(Boolean).length;

/** Each lookup from a repository root of its own: findKustomize keeps one answer per root and process. */
let roots = 0;
async function lookUp(cacheDir: string | false) {
  const root = path.join(dir, `repo-${roots++}`);
  await mkdir(root);
  return findKustomize(root, cacheDir);
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "mesh-policy-kustomize-binary-"));
  binary = path.join(dir, "kustomize");
  calls = path.join(dir, "calls");
  process.env["MESH_POLICY_KUSTOMIZE"] = binary;
});

afterEach(async () => {
  if (saved === undefined) delete process.env["MESH_POLICY_KUSTOMIZE"];
  else process.env["MESH_POLICY_KUSTOMIZE"] = saved;
  await rm(dir, { recursive: true, force: true });
});

describe("findKustomize", () => {
  it("asks the binary its version once, then answers from the cache while the binary is the same file", async () => {
    await writeStandIn("v5.8.1");
    const cache = path.join(dir, "cache");
    expect(await lookUp(cache)).toEqual({ command: binary, buildArgs: ["build"], version: "v5.8.1" });
    expect((await lookUp(cache)).version).toBe("v5.8.1");
    expect(await timesRun()).toBe(1);
  });

  it("asks again when the file was replaced or rewritten", async () => {
    await writeStandIn("v5.8.1");
    const cache = path.join(dir, "cache");
    await lookUp(cache);
    await writeStandIn("v5.8.2");
    expect((await lookUp(cache)).version).toBe("v5.8.2");
    expect(await timesRun()).toBe(2);
  });

  it("without a cache (--no-cache), asks every time", async () => {
    await writeStandIn("v5.8.1");
    await lookUp(false);
    await lookUp(false);
    expect(await timesRun()).toBe(2);
  });

  it("a MESH_POLICY_KUSTOMIZE that does not run is an input error saying why", async () => {
    process.env["MESH_POLICY_KUSTOMIZE"] = path.join(dir, "missing");
    await expect(lookUp(path.join(dir, "cache"))).rejects.toThrow(/MESH_POLICY_KUSTOMIZE=.*missing does not run \(cannot start .*ENOENT\)/);
    await writeFile(binary, "#!/bin/sh\necho broken >&2\nexit 4\n");
    await chmod(binary, 0o755);
    process.env["MESH_POLICY_KUSTOMIZE"] = binary;
    await expect(lookUp(path.join(dir, "cache"))).rejects.toThrow(/does not run \(exit 4: broken\)/);
  });
});

describe("parseKustomizeVersion", () => {
  it("reads both version formats", () => {
    expect(parseKustomizeVersion("v5.8.1\n")).toBe("v5.8.1");
    expect(parseKustomizeVersion("{Version:kustomize/v4.5.7 GitCommit:abc}")).toBe("v4.5.7");
  });
});
