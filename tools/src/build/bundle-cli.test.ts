import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// The build step bundles tools/dist (npm test builds it first), in a process of its own as `npm run build` does.
const BUNDLE_CLI = fileURLToPath(new URL("../../dist/build/bundle-cli.js", import.meta.url));
const bundleInto = (dir: string) => execa("node", ["--input-type=module", "-e", `import(${JSON.stringify(BUNDLE_CLI)}).then((m) => m.bundleCli(process.argv[1]))`, dir]);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "mesh-policy-bundle-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("bundleCli", () => {
  it("writes every file whole, and keeps the chunks of an earlier build until they are an hour old", async () => {
    await bundleInto(dir);
    const first = await readdir(dir);
    expect(first).toContain("main.js");
    expect(first.filter((name) => name.startsWith("chunk-") && name.endsWith(".js")).length).toBeGreaterThan(10);
    expect(first.filter((name) => name.endsWith(".tmp"))).toEqual([]);

    // Chunks a build no longer uses: one a run started minutes ago may still import, one from long ago.
    await writeFile(path.join(dir, "chunk-RECENT.js"), "export {};\n");
    await writeFile(path.join(dir, "chunk-OLD.js"), "export {};\n");
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(path.join(dir, "chunk-OLD.js"), twoHoursAgo, twoHoursAgo);
    await bundleInto(dir);
    expect(existsSync(path.join(dir, "chunk-RECENT.js"))).toBe(true);
    expect(existsSync(path.join(dir, "chunk-OLD.js"))).toBe(false);
    expect((await readdir(dir)).filter((name) => name !== "chunk-RECENT.js").sort()).toEqual([...first].sort());
  }, 60_000);
});
