import { currentLimits, formatLimit, type Limits } from "../util/limits.js";
import type { BoundedResult } from "../util/run-bounded.js";
import type { KustomizeBinary } from "./kustomize-binary.js";

export interface KustomizeRun {
  /** `kustomize build <dir>` as a person would type it, for messages. */
  commandLine: string;
  result: BoundedResult;
  /** Why the run was stopped, for a message that names what was being rendered; undefined when it ended by itself. */
  stopped: string | undefined;
}

/**
 * Runs `kustomize build` (or `kubectl kustomize`) bounded by the run's limits: its own process
 * group, killed whole past the time, memory or output limit. Go's soft memory limit is set just
 * below the hard one, so that kustomize collects garbage harder before it is stopped.
 */
export async function runKustomize(
  kustomize: KustomizeBinary,
  args: readonly string[],
  options: { cwd: string; limits?: Readonly<Limits> },
): Promise<KustomizeRun> {
  const limits = options.limits ?? currentLimits();
  const fullArgs = [...kustomize.buildArgs, ...args];
  // Loaded when kustomize runs: a warm run, every render cached, never starts a process.
  const { runBounded } = await import("../util/run-bounded.js");
  const result = await runBounded({
    command: kustomize.command,
    args: fullArgs,
    cwd: options.cwd,
    env: {
      ...process.env,
      GOMEMLIMIT: `${Math.floor((limits.kustomizeMemoryBytes * 0.9) / (1024 * 1024))}MiB`,
      // A git remote must never wait for a password on a terminal.
      GIT_TERMINAL_PROMPT: "0",
    },
    timeoutMs: limits.kustomizeTimeMs,
    memoryBytes: limits.kustomizeMemoryBytes,
    maxOutputBytes: limits.kustomizeOutputBytes,
  });
  return { commandLine: `${kustomize.command} ${fullArgs.join(" ")}`, result, stopped: stopReason(result, limits) };
}

function stopReason(result: BoundedResult, limits: Readonly<Limits>): string | undefined {
  switch (result.outcome) {
    case "timeout":
      return `did not finish within ${formatLimit(limits.kustomizeTimeMs, "duration")} and was stopped (--limit kustomize-time)`;
    case "memory":
      return `used more than ${formatLimit(limits.kustomizeMemoryBytes, "bytes")} of memory and was stopped (--limit kustomize-memory)`;
    case "output":
      return `printed more than ${formatLimit(limits.kustomizeOutputBytes, "bytes")} and was stopped (--limit kustomize-output)`;
    case "signal":
      return `was killed by ${result.signal ?? "a signal"}`;
    case "exited":
      return undefined;
  }
}

/** What to do about a stopped render: usually an input that expands without bound. */
export const STOPPED_HINT =
  "an input may expand without bound (YAML aliases, a generator, a remote resource); fix it, or raise the limit if the render is just that large";
