import { fileURLToPath } from "node:url";
import { UserError } from "../model/errors.js";
import { currentLimits, formatLimit, type Limits } from "../util/limits.js";
import { runBounded } from "../util/run-bounded.js";

export type JsonnetOutcome = { json: string } | { error: string };

/**
 * Evaluates a Jsonnet file in a child process (catalog-worker), never in this one: libjsonnet
 * runs native code that a loop (`tailstrict`) keeps busy for ever and a large value
 * (`std.range(1, 1e8)`) makes abort the whole process. The child runs with an empty environment
 * (nothing of ours to read), and is killed past the time or memory limit; either is an input
 * error that names the catalog.
 */
export async function evaluateJsonnetFile(file: string, shownAs: string, limits: Readonly<Limits> = currentLimits()): Promise<JsonnetOutcome> {
  const memoryMiB = Math.max(64, Math.floor(limits.jsonnetMemoryBytes / (1024 * 1024)));
  const result = await runBounded({
    command: process.execPath,
    args: [`--max-old-space-size=${memoryMiB}`, workerScript()],
    cwd: "/",
    env: {},
    input: JSON.stringify({ file }),
    timeoutMs: limits.jsonnetTimeMs,
    memoryBytes: limits.jsonnetMemoryBytes,
    maxOutputBytes: limits.jsonnetMemoryBytes,
  });
  const stop = `${shownAs} could not be evaluated: libjsonnet`;
  switch (result.outcome) {
    case "timeout":
      throw new UserError(`${stop} did not finish within ${formatLimit(limits.jsonnetTimeMs, "duration")} and was stopped (--limit jsonnet-time); look for a loop that never ends (a function that calls itself without a base case)`);
    case "memory":
    case "output":
      throw new UserError(`${stop} needed more than ${formatLimit(limits.jsonnetMemoryBytes, "bytes")} and was stopped (--limit jsonnet-memory); look for a value that grows without bound (std.range, std.repeat, recursion)`);
    case "signal":
    case "exited":
      break;
  }
  const reply = parseReply(result.stdout);
  if (reply === undefined) {
    const how = result.signal !== undefined ? `was killed by ${result.signal}` : `exited ${result.exitCode ?? "abnormally"}`;
    throw new UserError(`${stop} ${how} (out of memory, most likely); look for a value that grows without bound (std.range, std.repeat, recursion)`);
  }
  if (reply["binding"] !== undefined) {
    throw new UserError(
      `cannot load @hanazuki/node-jsonnet (libjsonnet for Node.js): ${reply["binding"]}; run \`npm ci\`, which compiles it (it needs cmake and a C++ compiler)`,
    );
  }
  if (reply["json"] !== undefined) return { json: reply["json"] };
  return { error: reply["error"] ?? "libjsonnet failed without a message" };
}

function parseReply(stdout: string): Record<string, string | undefined> | undefined {
  try {
    const parsed: unknown = JSON.parse(stdout);
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, string | undefined>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The compiled worker, tools/dist/generate/catalog-worker.js: the same path from this module in
 * tools/dist/generate, from the bundle in tools/dist/bundle, and from the sources (the test
 * runner; `npm test` builds first).
 */
function workerScript(): string {
  return fileURLToPath(new URL("../../dist/generate/catalog-worker.js", import.meta.url));
}
