import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CODE_CACHE_SUFFIX } from "./compiled-validators.js";

// Each write and each load in a process of its own, as the build and a run are: within one
// process V8 would answer from its in-memory compilation cache and never read the code cache.
const DIST = fileURLToPath(new URL("../../dist/validate/", import.meta.url));

async function writeModule(dir: string, name: string, text: string): Promise<void> {
  const script = `import { writeValidatorModule } from ${JSON.stringify(`${DIST}compile-validators.js`)}; writeValidatorModule(process.argv[1], process.argv[2], process.argv[3]);`;
  await execa("node", ["--input-type=module", "-e", script, dir, name, text]);
}

async function load(file: string, inputs: readonly unknown[]): Promise<{ fromCodeCache: boolean; valid: boolean[] }> {
  const script =
    `import { loadValidatorModule } from ${JSON.stringify(`${DIST}compiled-validators.js`)};` +
    "const loaded = loadValidatorModule(process.argv[1]); const validate = loaded.factory(() => []);" +
    "console.log(JSON.stringify({ fromCodeCache: loaded.fromCodeCache, valid: JSON.parse(process.argv[2]).map((input) => validate(input)) }));";
  const { stdout } = await execa("node", ["--input-type=module", "-e", script, file, JSON.stringify(inputs)]);
  return JSON.parse(stdout) as { fromCodeCache: boolean; valid: boolean[] };
}

// A validator module in the form compile-validators writes: accepts objects whose `n` is LIMIT or less.
const moduleText = (limit: number) =>
  "module.exports = function (listMapDuplicates) {\n" +
  `  return function validate(data) { validate.errors = data.n <= ${limit} ? null : [{ message: "too big" }]; return validate.errors === null; };\n` +
  "};\n";

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "mesh-policy-validators-"));
  file = path.join(dir, "limit.cjs");
  await writeModule(dir, "limit.cjs", moduleText(5));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("validator modules and their code cache", () => {
  it("a module is run with the code cache written with it", async () => {
    expect(await load(file, [{ n: 5 }, { n: 6 }])).toEqual({ fromCodeCache: true, valid: [true, false] });
  });

  it("a module changed after its cache was made runs its new text, also at the same length (V8 alone would run the cached code)", async () => {
    await writeFile(file, moduleText(7));
    expect(await load(file, [{ n: 7 }, { n: 8 }])).toEqual({ fromCodeCache: false, valid: [true, false] });
  });

  it("a damaged or missing cache is not used, and the module still runs", async () => {
    const cache = await readFile(`${file}${CODE_CACHE_SUFFIX}`);
    const damaged = Buffer.from(cache);
    damaged[damaged.length - 1] = (damaged[damaged.length - 1] ?? 0) ^ 0xff;
    await writeFile(`${file}${CODE_CACHE_SUFFIX}`, damaged);
    expect(await load(file, [{ n: 6 }])).toEqual({ fromCodeCache: false, valid: [false] });
    await writeFile(`${file}${CODE_CACHE_SUFFIX}`, cache.subarray(0, cache.length - 10));
    expect(await load(file, [{ n: 6 }])).toEqual({ fromCodeCache: false, valid: [false] });
    await rm(`${file}${CODE_CACHE_SUFFIX}`);
    expect(await load(file, [{ n: 6 }])).toEqual({ fromCodeCache: false, valid: [false] });
  });
});
