import { chmod, lstat, mkdir, readdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TempTree } from "../../test/helpers/hostile-input.js";
import { runCli } from "../../test/helpers/run-cli.js";
import { writeFileAtomic } from "../util/atomic-write.js";

let tree: TempTree;
beforeEach(async () => {
  tree = await TempTree.create({ "kept.txt": "the original\n" });
});
afterEach(async () => {
  await chmod(tree.path("kept.txt"), 0o644).catch(() => undefined);
  await tree.remove();
});

const rules = (output: string) => runCli(["rules", "--format", "json", "--output", output], { cwd: tree.root });

describe("--output writes only a regular file", () => {
  it("refuses a symbolic link: the file it points to is left as it was", async () => {
    await symlink(tree.path("kept.txt"), tree.path("report.json"));
    const run = await rules("report.json");
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe("mesh-policy: --output report.json is a symbolic link, not a regular file: it would be replaced by one; name a regular file (or print to stdout and redirect)\n");
    expect((await lstat(tree.path("report.json"))).isSymbolicLink()).toBe(true);
    expect(await readFile(tree.path("kept.txt"), "utf8")).toBe("the original\n");
  });

  it("refuses a FIFO and a device", async () => {
    await execa("mkfifo", [tree.path("pipe")]);
    expect((await rules("pipe")).stderr).toMatch(/^mesh-policy: --output pipe is a FIFO, not a regular file/);
    const device = await runCli(["rules", "--output", "/dev/null"], { cwd: tree.root });
    expect(device.exitCode).toBe(2);
    expect(device.stderr).toMatch(/^mesh-policy: --output \/dev\/null is a device, not a regular file/);
    expect((await lstat(tree.path("pipe"))).isFIFO()).toBe(true);
  });

  it("refuses a read-only file, whoever runs it", async () => {
    await chmod(tree.path("kept.txt"), 0o444);
    const run = await rules("kept.txt");
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe("mesh-policy: --output kept.txt is read-only; make it writable first (chmod u+w) or name another file\n");
    expect(await readFile(tree.path("kept.txt"), "utf8")).toBe("the original\n");
  });

  it("keeps the mode of the file it replaces", async () => {
    await chmod(tree.path("kept.txt"), 0o640);
    expect((await rules("kept.txt")).exitCode).toBe(0);
    expect((await stat(tree.path("kept.txt"))).mode & 0o777).toBe(0o640);
    expect(JSON.parse(await readFile(tree.path("kept.txt"), "utf8"))).toEqual(expect.arrayContaining([expect.objectContaining({ id: "api-validation" })]));
  });

  it("--pr-body is held to the same rules before any work: a folder is an input error, not a stack trace", async () => {
    await mkdir(tree.path("body"));
    const run = await runCli(["promote", "staging", "prod", "--pr-body", "body"], { cwd: tree.root });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe("mesh-policy: --pr-body body is a folder; name a file\n");
  });
});

describe("writes leave no temporary file behind", () => {
  it("when the write fails", async () => {
    await mkdir(tree.path("taken"));
    await expect(writeFileAtomic(tree.path("taken"), "x")).rejects.toThrow(/EISDIR/);
    expect(await readdir(tree.root)).toEqual(["kept.txt", "taken"]);
  });

  it("when the process is interrupted in the middle of the write (SIGTERM)", async () => {
    const atomicWrite = fileURLToPath(new URL("../../dist/util/atomic-write.js", import.meta.url));
    const target = tree.path("big.txt");
    // The child kills itself once the temporary file exists and the target does not: mid-write.
    const script = `
      import { existsSync, readdirSync } from "node:fs";
      import { writeFileAtomic } from ${JSON.stringify(atomicWrite)};
      const dir = ${JSON.stringify(tree.root)};
      void writeFileAtomic(${JSON.stringify(target)}, "x".repeat(256 * 1024 * 1024));
      const poll = () => {
        const temporary = readdirSync(dir).some((name) => name.endsWith(".tmp"));
        if (temporary && !existsSync(${JSON.stringify(target)})) process.kill(process.pid, "SIGTERM");
        else setImmediate(poll);
      };
      poll();
    `;
    const child = await execa("node", ["--input-type=module", "-e", script], { reject: false });
    expect(child.signal).toBe("SIGTERM");
    expect(await readdir(tree.root)).toEqual(["kept.txt"]);
  });
});

describe("no stack trace for any input", () => {
  it("a path through a file is an input error with what to do", async () => {
    await writeFile(tree.path("not-a-folder"), "x");
    const run = await runCli(["validate", "not-a-folder/file.yaml"], { cwd: tree.root });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe("mesh-policy: not-a-folder/file.yaml: no such file or folder; pass YAML files or folders that contain them\n");
  });
});
