#!/usr/bin/env node
// The `mesh-policy` binary: runs tools/dist/bundle/main.js, compiled and bundled from tools/src,
// after making sure the compiled code is the current sources'. When a source file, a folder of
// tools/src (a file added or removed) or tsconfig.json is newer than the last build
// (tools/dist/.tsbuildinfo), the bundle older than that build, or the schema catalog newer than
// its compiled validators (tools/dist/validators), it first runs the steps of `npm run build`:
// TypeScript's incremental build (`tsc -b`: only what changed is compiled again), the validators
// and the bundle, so that `npx mesh-policy` never runs a stale build after a pull or an edit. Concurrent runs build
// once: the others wait for the build lock. Plain JavaScript: it must run before anything is built.
import { createRequire } from "node:module";

// Built-ins are required, not imported: importing node:fs builds its ES module facade, which
// reads every export and so loads streams, in every run (the bundle does the same).
const require = createRequire(import.meta.url);
const { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } = require("node:fs");
const { dirname, join } = require("node:path");
const { fileURLToPath, pathToFileURL } = require("node:url");

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const sources = join(root, "tools/src");
const dist = join(root, "tools/dist");
const buildInfo = join(dist, ".tsbuildinfo");
const validators = join(dist, "validators");
const bundle = join(dist, "bundle/main.js");
const schemaIndex = join(root, "tools/schemas/index.json");
const lock = join(dist, ".build-lock");
const LOCK_WAIT_MS = 300_000;

/** The newest modification time among the inputs of the build, in ms. */
function newestInput() {
  let newest = statSync(join(root, "tsconfig.json")).mtimeMs;
  const walk = (dir) => {
    newest = Math.max(newest, statSync(dir).mtimeMs);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        // Fixtures are test data: tsconfig.json leaves them out of the build.
        if (entry.name !== "fixtures") walk(join(dir, entry.name));
      } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
        newest = Math.max(newest, statSync(join(dir, entry.name)).mtimeMs);
      }
    }
  };
  walk(sources);
  return newest;
}

function isStale() {
  if (!existsSync(sources)) return false; // an installed copy without its sources runs what it has
  if (!existsSync(buildInfo) || !existsSync(bundle)) return true;
  // A build whose bundling failed, or did not run (`tsc -b` alone): the bundle is older than it.
  if (statSync(bundle).mtimeMs < statSync(buildInfo).mtimeMs) return true;
  // The bundle holds the packages' code: an `npm install` or `npm update` since (which need not
  // run `prepare`) is bundled again. npm writes node_modules/.package-lock.json on every change.
  const installed = statSync(join(root, "node_modules/.package-lock.json"), { throwIfNoEntry: false });
  if (installed !== undefined && installed.mtimeMs > statSync(bundle).mtimeMs) return true;
  // The schema validators compiled at build time: a schema catalog written since is compiled again.
  if (existsSync(schemaIndex) && (!existsSync(validators) || statSync(schemaIndex).mtimeMs > statSync(validators).mtimeMs)) return true;
  return newestInput() > statSync(buildInfo).mtimeMs;
}

class BuildError extends Error {}

function fail(message) {
  throw new BuildError(message);
}

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

/** Takes the build lock, or waits for the process that holds it; false when it finished the build meanwhile. */
function acquireLock() {
  const deadline = Date.now() + LOCK_WAIT_MS;
  mkdirSync(dist, { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      return true;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
    }
    const holder = Number(readFileSync(join(lock, "pid"), { encoding: "utf8", flag: "a+" }));
    if (Number.isInteger(holder) && holder > 0 && !isRunning(holder)) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) fail(`another mesh-policy has been building tools/dist for ${LOCK_WAIT_MS / 1000} s (${lock}); remove that folder if no build runs`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    if (!isStale()) return false;
  }
}

/** Builds as `npm run build` does. What only a build needs is required here: most runs start without it. */
function build() {
  const { spawnSync } = require("node:child_process");
  let tsc;
  try {
    tsc = require.resolve("typescript/bin/tsc");
  } catch {
    fail("tools/src changed since tools/dist was built, and TypeScript is not installed to build it: run `npm ci`");
  }
  process.stderr.write("mesh-policy: the build is older than tools/src or the installed packages; building it (tsc -b, incremental)\n");
  // tsc prints its errors on stdout: they go to stderr, which leaves stdout to the command's report.
  // What this build compiles: the sources as of now. One edited while it runs is newer than the stamp below.
  const started = new Date();
  const result = spawnSync(process.execPath, [tsc, "-b", join(root, "tsconfig.json")], { cwd: root, stdio: ["ignore", 2, 2] });
  if (result.status !== 0) fail("tools/src does not compile (tsc's errors are above); fix them, or run `npm run build` to see them again");
  // The second step of `npm run build`: the schemas' validators, as ajv standalone code.
  if (existsSync(schemaIndex)) {
    const compiled = spawnSync(process.execPath, [join(dist, "validate/compile-validators.js")], { cwd: root, stdio: ["ignore", 2, 2] });
    if (compiled.status !== 0) fail("compiling the schema validators failed (the error is above); run `npm run build` to see it again");
  }
  const bundled = spawnSync(process.execPath, [join(dist, "build/bundle-cli.js")], { cwd: root, stdio: ["ignore", 2, 2] });
  if (bundled.status !== 0) fail("bundling tools/dist failed (esbuild's error is above); run `npm run build` to see it again");
  // tsc leaves the build info alone when no output changed (a touched file, a test added): mark
  // the build current, or every later run would ask tsc again. (A source dated in the future is
  // built at every run until then: slower, never stale.)
  utimesSync(buildInfo, started, started);
}

// The version is package.json's, whatever was built: answered before anything is checked or loaded.
if (["--version", "version"].includes(process.argv[2] ?? "")) {
  process.stdout.write(`mesh-policy ${JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version}\n`);
  process.exit(0);
}

try {
  if (isStale() && acquireLock()) {
    try {
      if (isStale()) build();
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
} catch (error) {
  if (!(error instanceof BuildError)) throw error;
  process.stderr.write(`mesh-policy: ${error.message}\n`);
  process.exit(2);
}

// Stack traces for MESH_POLICY_DEBUG=1 name tools/src lines (the bundle's source maps), at no cost otherwise.
if (process.env.MESH_POLICY_DEBUG === "1") process.setSourceMapsEnabled(true);
await import(pathToFileURL(bundle).href);
