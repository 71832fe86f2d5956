/**
 * `npx mesh-policy` (tools/bin/mesh-policy.js) runs the current sources: it builds when there is
 * no build or a source changed since the last one, and starts without building otherwise. Run on a
 * copy of the sources, so that this checkout's build is not touched.
 */
import { copyFile, cp, mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/run-cli.js";

const BUILDING = "mesh-policy: the build is older than tools/src or the installed packages; building it (tsc -b, incremental)";
let copy: string;

beforeAll(async () => {
  copy = await mkdtemp(path.join(tmpdir(), "mesh-policy-fast-loop-"));
  for (const item of ["package.json", "tsconfig.json", "tools/bin", "tools/src"]) {
    await cp(path.join(REPO_ROOT, item), path.join(copy, item), { recursive: true, filter: (source) => !source.includes(`${path.sep}fixtures${path.sep}`) });
  }
  // The packages, linked one by one: the copy's node_modules/.package-lock.json is its own, to be touched.
  await mkdir(path.join(copy, "node_modules"));
  for (const entry of await readdir(path.join(REPO_ROOT, "node_modules"))) {
    if (entry !== ".package-lock.json") await symlink(path.join(REPO_ROOT, "node_modules", entry), path.join(copy, "node_modules", entry));
  }
  await copyFile(path.join(REPO_ROOT, "node_modules/.package-lock.json"), path.join(copy, "node_modules/.package-lock.json"));
}, 60_000);

afterAll(async () => {
  await rm(copy, { recursive: true, force: true });
});

const run = (...args: string[]) => execa("node", ["tools/bin/mesh-policy.js", ...args], { cwd: copy, reject: false });
const help = () => run("--help");
const HELP = expect.stringContaining("Usage: mesh-policy COMMAND");

describe("tools/bin/mesh-policy.js", () => {
  it("--version answers from package.json before anything is built", async () => {
    expect(await run("--version")).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^mesh-policy \d+\.\d+\.\d+$/), stderr: "" });
  });

  it("builds when there is no build, then starts without building; a changed source is built again, and runs", async () => {
    const first = await help();
    expect(first.stderr).toBe(BUILDING);
    expect(first).toMatchObject({ exitCode: 0, stdout: HELP });

    const second = await help();
    expect(second).toMatchObject({ exitCode: 0, stdout: HELP, stderr: "" });

    // A source edited after the build (an editor's save, a pull): built again before it runs.
    const now = new Date();
    await utimes(path.join(copy, "tools/src/cli/help.ts"), now, now);
    const third = await help();
    expect(third).toMatchObject({ exitCode: 0, stderr: BUILDING });
    expect((await help()).stderr).toBe("");

    // Compiled but not bundled (`tsc -b` alone, or a bundling that failed): bundled before it runs.
    const later = new Date(Date.now() + 1000);
    await utimes(path.join(copy, "tools/dist/.tsbuildinfo"), later, later);
    expect(await help()).toMatchObject({ exitCode: 0, stderr: BUILDING });
    expect((await help()).stderr).toBe("");

    // Packages installed or updated since (npm writes node_modules/.package-lock.json): the bundle holds their code.
    const installed = new Date();
    await utimes(path.join(copy, "node_modules/.package-lock.json"), installed, installed);
    expect(await help()).toMatchObject({ exitCode: 0, stderr: BUILDING });
    expect((await help()).stderr).toBe("");
  }, 300_000);

  it("a source that does not compile: exit 2 with tsc's errors, never the stale build", async () => {
    const broken = path.join(copy, "tools/src/util/broken-on-purpose.ts");
    await writeFile(broken, "export const x: number = 'not a number';\n");
    const failed = await help();
    expect(failed.exitCode).toBe(2);
    expect(failed.stderr).toContain("error TS2322");
    expect(failed.stderr).toContain("mesh-policy: tools/src does not compile (tsc's errors are above)");
    expect(failed.stdout).toBe("");
    await rm(broken);
  }, 300_000);
});
