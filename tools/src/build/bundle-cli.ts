import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { isEntryPoint } from "../util/is-entry-point.js";

const DIST = fileURLToPath(new URL("../", import.meta.url));

/**
 * Where the command line runs from: tools/dist/bundle/main.js and its chunks. The folder sits at
 * the same depth as the compiled modules (tools/dist/util, tools/dist/schemas…), so the paths
 * they find from `import.meta.url` (package.json, tools/schemas, tools/dist/validators, the
 * Jsonnet worker in tools/dist/generate) are the same from the bundle.
 */
export const BUNDLE_DIR = join(DIST, "bundle");

/** Chunks no build uses any more are removed once they are this old: no run still imports them. */
const UNUSED_CHUNK_AGE_MS = 60 * 60 * 1000;

/**
 * Build step after `tsc -b` (`npm run build`, and tools/bin/mesh-policy.js when it rebuilds):
 * bundles the compiled command line and its packages with esbuild. Loading ~240 compiled modules
 * and execa's ~100 files one by one was most of a small run's time; the bundle is one entry plus
 * chunks that each command imports when it runs (code splitting), so `--version` loads a few
 * kilobytes and `lint` never loads the diff or the cluster client.
 *
 * Chunks are named by their content, so a chunk already there holds the same bytes: each file is
 * written whole (a temporary file renamed), the entry last, and chunks of earlier builds stay
 * until they are an hour old. A run that started before this build still finds every chunk it
 * imports, and two builds at once write the same files.
 */
export async function bundleCli(outDir = BUNDLE_DIR): Promise<void> {
  const entry = join(outDir, "main.js");
  const result = await build({
    entryPoints: { main: join(DIST, "cli/main.js") },
    outdir: outDir,
    write: false,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    chunkNames: "chunk-[hash]",
    // tsc's source maps are chained, so MESH_POLICY_DEBUG=1 stack traces name tools/src lines.
    sourcemap: "linked",
    logLevel: "error",
    plugins: [builtinsThroughRequire],
    // Packages published as CommonJS call require(): in an ES module it must be made.
    banner: { js: 'import { createRequire as __meshPolicyCreateRequire } from "node:module";\nconst require = __meshPolicyCreateRequire(import.meta.url);' },
  });
  mkdirSync(outDir, { recursive: true });
  const files = [...result.outputFiles].sort((a, b) => Number(a.path === entry) - Number(b.path === entry));
  for (const file of files) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
  const written = new Set(files.map((file) => file.path));
  for (const name of readdirSync(outDir)) {
    const file = join(outDir, name);
    if (!written.has(file) && Date.now() - statSync(file).mtimeMs > UNUSED_CHUNK_AGE_MS) rmSync(file, { force: true });
  }
}

/**
 * Node's built-in modules are required rather than imported: importing one builds its ES module
 * facade, which reads every export, and so loads what Node otherwise loads on first use (streams
 * for node:fs, Web Crypto for node:crypto): milliseconds in every run.
 */
const BUILTIN = new RegExp(`^(?:node:)?(?:${builtinModules.map((name) => name.replace(/[/\\]/g, "\\$&")).join("|")})$`);
const builtinsThroughRequire: Plugin = {
  name: "builtins-through-require",
  setup(bundle) {
    bundle.onResolve({ filter: BUILTIN, namespace: "file" }, (args) => ({ path: args.path, namespace: "builtin" }));
    bundle.onLoad({ filter: /.*/, namespace: "builtin" }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: "js" }));
  },
};

if (isEntryPoint(import.meta.url)) await bundleCli();
