import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runBounded } from "./run-bounded.js";

/** A shell that starts a grandchild in its own group's background and prints the grandchild's pid. */
const SPAWNS_A_GRANDCHILD = "sleep 600 & echo $!; wait";

/** Running: there, and not a zombie waiting to be reaped (a killed process is one for a moment). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

describe("runBounded", () => {
  const base = { cwd: "/", env: { PATH: process.env["PATH"] ?? "" }, memoryBytes: 512 * 1024 * 1024, maxOutputBytes: 1024 * 1024 };

  it("stops a command past its time, its whole process group with it", async () => {
    const result = await runBounded({ ...base, command: "sh", args: ["-c", SPAWNS_A_GRANDCHILD], timeoutMs: 1_000 });
    expect(result).toMatchObject({ outcome: "timeout", exitCode: undefined });
    const grandchild = Number(result.stdout.trim());
    expect(grandchild).toBeGreaterThan(0);
    expect(alive(grandchild)).toBe(false);
  });

  it("stops a command that prints more than its output bound", async () => {
    const result = await runBounded({ ...base, command: "sh", args: ["-c", "yes"], timeoutMs: 60_000, maxOutputBytes: 64 * 1024 });
    expect(result.outcome).toBe("output");
    expect(result.stdout.length).toBeLessThanOrEqual(64 * 1024);
  });

  it("stops a command past its memory bound", async () => {
    const grow = "const a = []; for (;;) a.push(Buffer.alloc(1024 * 1024, 1));";
    const result = await runBounded({ ...base, command: process.execPath, args: ["-e", grow], timeoutMs: 60_000, memoryBytes: 64 * 1024 * 1024 });
    expect(result.outcome).toBe("memory");
    expect(result.peakMemoryBytes).toBeGreaterThan(64 * 1024 * 1024);
  });

  it("passes input, and reports how a command ended by itself", async () => {
    expect(await runBounded({ ...base, command: "sh", args: ["-c", "cat; exit 3"], input: "hello", timeoutMs: 60_000 })).toMatchObject({
      outcome: "exited",
      exitCode: 3,
      stdout: "hello",
    });
  });
});
