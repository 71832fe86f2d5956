import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const helper = pathToFileURL(path.resolve("tools/dist/util/is-entry-point.js")).href;
let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), "entry-point-"));
  await writeFile(path.join(folder, "script.mjs"), `import { isEntryPoint } from ${JSON.stringify(helper)};\nconsole.log(isEntryPoint(import.meta.url));\n`);
  await writeFile(path.join(folder, "importer.mjs"), `await import("./script.mjs");\n`);
  await symlink(path.join(folder, "script.mjs"), path.join(folder, "linked.mjs"));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("isEntryPoint", () => {
  it("is true for the script Node started, also through a symbolic link, and false when imported", async () => {
    const run = async (script: string) => (await execa("node", [path.join(folder, script)])).stdout;
    expect(await run("script.mjs")).toBe("true");
    expect(await run("linked.mjs")).toBe("true");
    expect(await run("importer.mjs")).toBe("false");
  });
});
