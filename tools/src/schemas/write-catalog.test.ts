import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { replaceCatalogEntries } from "./write-catalog.js";

describe("replaceCatalogEntries", () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "write-catalog-test-"));
    await mkdir(join(dir, "json", "old"), { recursive: true });
    await writeFile(join(dir, "json", "old", "a.json"), "old");
    await writeFile(join(dir, "index.json"), "old index");
    await writeFile(join(dir, "sources.json"), "hand-written");
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("replaces the generated entries and leaves everything else alone", async () => {
    await replaceCatalogEntries(dir, ["json", "index.json"], new Map([["json/new/b.json", "new"], ["index.json", "new index"]]));
    expect(await readdir(join(dir, "json"))).toEqual(["new"]);
    expect(await readFile(join(dir, "json", "new", "b.json"), "utf8")).toBe("new");
    expect(await readFile(join(dir, "index.json"), "utf8")).toBe("new index");
    expect(await readFile(join(dir, "sources.json"), "utf8")).toBe("hand-written");
    expect((await readdir(dir)).sort()).toEqual(["index.json", "json", "sources.json"]);
  });

  it("leaves the old catalog untouched when writing fails", async () => {
    // "json/x" cannot be both a file and a directory: the second write fails while staging.
    const files = new Map([["json/x", "file"], ["json/x/y.json", "nested"], ["index.json", "new index"]]);
    await expect(replaceCatalogEntries(dir, ["json", "index.json"], files)).rejects.toThrow();
    expect(await readFile(join(dir, "json", "old", "a.json"), "utf8")).toBe("old");
    expect(await readFile(join(dir, "index.json"), "utf8")).toBe("old index");
    expect((await readdir(dir)).sort()).toEqual(["index.json", "json", "sources.json"]);
  });

  it("refuses files outside the generated entries", async () => {
    await expect(replaceCatalogEntries(dir, ["json"], new Map([["sources.json", "x"]]))).rejects.toThrow(/refusing/);
    expect(await readFile(join(dir, "sources.json"), "utf8")).toBe("hand-written");
  });
});
