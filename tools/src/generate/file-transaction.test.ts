import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkGenerated } from "./check-generated.js";
import { applyFileChanges, NODE_FS, removeLeftoverSideFiles, type TransactionFs } from "./file-transaction.js";
import { generate, generateInMemory } from "./generate.js";
import { copyRealBase, FIXTURES, makeCatalogRepo, removeTemporaryRepos, snapshotTree, writeFiles } from "./fixtures/temp-repo.js";

afterAll(removeTemporaryRepos);

type Operation = keyof TransactionFs;

/** NODE_FS, except that the n-th call of `operation` fails (or never finishes: a process killed there). */
function faultyFs(operation: Operation, n: number, mode: "fail" | "stall" = "fail"): TransactionFs & { reached: Promise<void> } {
  let calls = 0;
  let signal: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => {
    signal = resolve;
  });
  const wrapped = { ...NODE_FS, reached } as TransactionFs & { reached: Promise<void> };
  const original = NODE_FS[operation] as (...args: never[]) => Promise<unknown>;
  (wrapped as unknown as Record<string, unknown>)[operation] = async (...args: never[]) => {
    calls += 1;
    if (calls === n) {
      signal();
      if (mode === "stall") return new Promise(() => undefined);
      throw Object.assign(new Error(`simulated ${operation} failure (call ${n})`), { code: "EIO" });
    }
    return original(...args);
  };
  return wrapped;
}

/** A repository whose generated files are all out of date: every file is rewritten by generate. */
async function staleRepo(): Promise<string> {
  const repo = await copyRealBase();
  const catalog = path.join(repo, "base/catalog/catalog.jsonnet");
  // Another namespace changes every generated file; a new workload adds a folder.
  await writeFile(
    catalog,
    (await readFile(catalog, "utf8"))
      .replace("  namespace: 'vapora',", "  namespace: 'shop',\n  workloadName(folder):: 'vapora-' + folder,")
      .replace("  workloads: {", "  workloads: {\n    'transaction-probe': $.workload({ ports: [{ name: 'http', port: 8999 }] }),"),
  );
  return repo;
}

/** How many generated files differ from what the tree holds (missing ones included). */
async function staleCount(repo: string, files: ReadonlyArray<{ path: string; content: string }>): Promise<number> {
  let stale = 0;
  for (const file of files) if ((await readFile(path.join(repo, file.path), "utf8").catch(() => undefined)) !== file.content) stale++;
  return stale;
}

describe("applyFileChanges", () => {
  it("writes, replaces and removes files, creating folders, and leaves no side files", async () => {
    const repo = await makeCatalogRepo("{}", { "a/keep.txt": "keep", "a/old.txt": "old", "b/gone.txt": "gone" });
    await applyFileChanges({
      writes: [
        { file: path.join(repo, "a/old.txt"), content: "new" },
        { file: path.join(repo, "c/d/created.txt"), content: "created" },
      ],
      removals: [path.join(repo, "b/gone.txt")],
    });
    const after = await snapshotTree(repo);
    expect(Object.keys(after).filter((p) => !p.startsWith("base/"))).toEqual(["a/", "a/keep.txt", "a/old.txt", "c/", "c/d/", "c/d/created.txt"]);
    expect(await readFile(path.join(repo, "a/old.txt"), "utf8")).toBe("new");
  });

  const failures: Array<[Operation, number, string]> = [
    ["writeNew", 3, "while staging the new contents"],
    ["link", 2, "while keeping the files it replaces"],
    ["rename", 1, "at the first rename of the commit"],
    ["rename", 3, "in the middle of the commit"],
    ["unlink", 1, "while removing a file, after every rename"],
  ];
  it.each(failures)("rolls back a failure of %s #%d (%s): the tree is byte-identical", async (operation, n) => {
    const repo = await makeCatalogRepo("{}", { "a/1.txt": "one", "a/2.txt": "two", "a/3.txt": "three", "b/gone.txt": "gone" });
    const before = await snapshotTree(repo);
    const fs = faultyFs(operation, n);
    await expect(
      applyFileChanges(
        {
          writes: [
            { file: path.join(repo, "a/1.txt"), content: "ONE" },
            { file: path.join(repo, "a/2.txt"), content: "TWO" },
            { file: path.join(repo, "new/dir/4.txt"), content: "FOUR" },
            { file: path.join(repo, "a/3.txt"), content: "THREE" },
          ],
          removals: [path.join(repo, "b/gone.txt")],
        },
        { fs },
      ),
    ).rejects.toThrow(`simulated ${operation} failure`);
    expect(await snapshotTree(repo)).toEqual(before);
  });
});

describe("generate is all or nothing", () => {
  it("a catalog that fails leaves the tree byte-identical", async () => {
    const repo = await copyRealBase();
    await writeFiles(repo, { "base/catalog/catalog.jsonnet": await readFile(path.join(FIXTURES, "errors/port-not-exposed.jsonnet"), "utf8") });
    const before = await snapshotTree(repo);
    await expect(generate(repo)).rejects.toThrow(/^base\/catalog\/catalog\.jsonnet:11:5: /);
    expect(await snapshotTree(repo)).toEqual(before);
  });

  it.each([
    ["writeNew", 7],
    ["rename", 1],
    ["rename", 15],
    ["rename", 31],
  ] as Array<[Operation, number]>)("a failure of %s #%d in the middle of writing leaves the tree byte-identical", async (operation, n) => {
    const repo = await staleRepo();
    const before = await snapshotTree(repo);
    const { files } = await generateInMemory(repo);
    // Every file but the kustomization.yaml files the namespace does not change is stale or missing.
    expect(await checkGenerated(repo)).toHaveLength(await staleCount(repo, files));
    expect(files.length).toBeGreaterThanOrEqual(n);
    await expect(generate(repo, { fs: faultyFs(operation, n) })).rejects.toThrow(`simulated ${operation} failure`);
    expect(await snapshotTree(repo)).toEqual(before);
    // And a run that is not interrupted then brings the tree up to date.
    await generate(repo);
    expect(await checkGenerated(repo)).toEqual([]);
  });

  it("a process killed in the middle of the commit leaves every file whole (old or new), and the next run converges", async () => {
    const repo = await staleRepo();
    const before = await snapshotTree(repo);
    const { files } = await generateInMemory(repo);
    const stale = await staleCount(repo, files);
    expect(await checkGenerated(repo)).toHaveLength(stale);
    const fs = faultyFs("rename", 12, "stall");
    void generate(repo, { fs }); // never settles: the process "dies" at the 12th rename
    await fs.reached;
    let oldFiles = 0;
    let newFiles = 0;
    for (const file of files) {
      const previous = before[file.path];
      if (previous !== undefined && Buffer.from(previous, "base64").toString("utf8") === file.content) continue; // unchanged
      const current = await readFile(path.join(repo, file.path)).catch(() => undefined);
      if (current !== undefined && current.toString("utf8") === file.content) newFiles += 1;
      else if (current === undefined ? previous === undefined : current.toString("base64") === previous) oldFiles += 1;
      else throw new Error(`${file.path} is neither its old nor its new content`);
    }
    // 11 renames done before the 12th stalled; the other changed files are still the old ones.
    expect([newFiles, oldFiles]).toEqual([11, stale - 11]);
    // The next run (another process) finishes the job; side files of a dead process are cleared.
    await writeFiles(repo, { "base/backend/.sidecar.yaml.mesh-policy-999999999-0a1b2c3d.tmp": "left by a killed run" });
    await generate(repo);
    expect(await checkGenerated(repo)).toEqual([]);
    expect((await readdir(path.join(repo, "base/backend"))).filter((name) => name.includes("999999999"))).toEqual([]);
  });
});

describe("removeLeftoverSideFiles", () => {
  it("removes the side files of processes that no longer run, and only those", async () => {
    const repo = await makeCatalogRepo("{}", {
      "d/.a.yaml.mesh-policy-999999999-00ff00ff.tmp": "",
      "d/.a.yaml.mesh-policy-999999999-00ff00ff.bak": "",
      [`d/.b.yaml.mesh-policy-${process.pid}-00ff00ff.tmp`]: "",
      "d/.c.yaml.tmp": "",
      "d/c.yaml": "",
    });
    const removed = await removeLeftoverSideFiles([path.join(repo, "d")]);
    expect(removed.map((file) => path.basename(file)).sort()).toEqual([".a.yaml.mesh-policy-999999999-00ff00ff.bak", ".a.yaml.mesh-policy-999999999-00ff00ff.tmp"]);
    expect((await readdir(path.join(repo, "d"))).sort()).toEqual([`.b.yaml.mesh-policy-${process.pid}-00ff00ff.tmp`, ".c.yaml.tmp", "c.yaml"]);
  });
});
