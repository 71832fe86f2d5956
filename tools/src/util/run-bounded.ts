import { spawn } from "node:child_process";
import { readFile, readdir } from "node:fs/promises";
import { onExit } from "./exit-cleanup.js";

export interface BoundedCommand {
  command: string;
  args: readonly string[];
  cwd: string;
  /** The whole environment of the child (nothing is inherited beyond it). */
  env: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which is then closed. */
  input?: string;
  timeoutMs: number;
  /** Resident memory of the child's whole process group. */
  memoryBytes: number;
  /** Bytes of stdout kept; more stops the child. */
  maxOutputBytes: number;
}

/** How a bounded run ended: on its own, or stopped at a bound (then `exitCode` is undefined). */
export type BoundedOutcome = "exited" | "timeout" | "memory" | "output" | "signal";

export interface BoundedResult {
  outcome: BoundedOutcome;
  exitCode: number | undefined;
  /** The signal that ended the child when it was not one we sent (`signal` outcome). */
  signal: NodeJS.Signals | undefined;
  stdout: string;
  /** The last 64 KiB of stderr. */
  stderr: string;
  /** The largest resident size of the process group seen, in bytes (Linux only, else 0). */
  peakMemoryBytes: number;
}

const STDERR_TAIL_BYTES = 64 * 1024;
const MEMORY_POLL_MS = 100;

/**
 * Runs a command in a process group of its own and stops the whole group (SIGKILL) when it runs
 * past its time, memory or output bound, or when this process exits or is interrupted. Never
 * throws for what the child does; a command that cannot start rejects.
 */
export function runBounded(run: BoundedCommand): Promise<BoundedResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(run.command, [...run.args], { cwd: run.cwd, env: run.env, detached: true, stdio: ["pipe", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = Buffer.alloc(0);
    let stoppedBy: BoundedOutcome | undefined;
    let peakMemoryBytes = 0;
    let settled = false;

    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    };
    const unregister = onExit(killGroup);
    const stop = (why: BoundedOutcome) => {
      stoppedBy ??= why;
      killGroup();
    };
    const timer = setTimeout(() => stop("timeout"), run.timeoutMs);
    let polling = false;
    const poller = setInterval(() => {
      if (child.pid === undefined || polling) return;
      polling = true;
      void groupMemoryBytes(child.pid).then((bytes) => {
        polling = false;
        peakMemoryBytes = Math.max(peakMemoryBytes, bytes);
        if (bytes > run.memoryBytes) stop("memory");
      });
    }, MEMORY_POLL_MS);

    child.stdout.on("data", (chunk: Buffer) => {
      if (stoppedBy !== undefined) return;
      stdoutBytes += chunk.length;
      if (stdoutBytes > run.maxOutputBytes) {
        stop("output");
        return;
      }
      stdout.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = Buffer.concat([stderr, chunk]);
      if (stderr.length > STDERR_TAIL_BYTES) stderr = stderr.subarray(stderr.length - STDERR_TAIL_BYTES);
    });
    // A child that exits without reading its input closes the pipe under us: not our error.
    child.stdin.on("error", () => undefined);
    child.stdin.end(run.input ?? "");

    const finish = (exitCode: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(poller);
      unregister();
      // Whatever the group started may still run (a grandchild holding the pipes): stop it too.
      killGroup();
      resolve({
        outcome: stoppedBy ?? (signal === null ? "exited" : "signal"),
        exitCode: stoppedBy === undefined && exitCode !== null ? exitCode : undefined,
        signal: stoppedBy === undefined && signal !== null ? signal : undefined,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: stderr.toString("utf8"),
        peakMemoryBytes,
      });
    };
    child.on("error", (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(poller);
      unregister();
      reject(error);
    });
    child.on("close", finish);
  });
}

/** Resident memory of every process in the group (Linux /proc); 0 where /proc is not there. */
async function groupMemoryBytes(groupId: number): Promise<number> {
  const entries = await readdir("/proc").catch(() => [] as string[]);
  let total = 0;
  await Promise.all(
    entries
      .filter((entry) => /^\d+$/.test(entry))
      .map(async (pid) => {
        const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
        // `pid (comm) state ppid pgrp ...`; comm may hold spaces and parentheses.
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        if (Number(fields[2]) !== groupId) return;
        const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
        total += Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0) * 1024;
      }),
  );
  return total;
}
