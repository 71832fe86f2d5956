import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { Service } from "./processes.js";

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Services whose early exit ends the wait at once, with their log. */
  services?: readonly Service[];
}

/**
 * Polls `probe` until it returns a value other than undefined, at most `timeoutMs`. A service of
 * `services` that exits ends the wait with its log tail; a timeout names what was awaited, the
 * last probe error and the services' log tails, so a failed start is diagnosable from the test
 * output alone.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError = "";
  for (;;) {
    const exited = options.services?.find((service) => service.exit !== undefined);
    if (exited !== undefined) {
      throw new Error(`${exited.name} exited (${JSON.stringify(exited.exit)}) while waiting for ${what}; its log (${exited.logFile}):\n${exited.logTail(30)}`);
    }
    try {
      const value = await probe();
      if (value !== undefined) return value;
      lastError = "";
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) {
      const logs = (options.services ?? []).map((s) => `--- ${s.name} (${s.logFile}):\n${s.logTail(15)}`).join("\n");
      throw new Error(`timed out after ${options.timeoutMs / 1000} s waiting for ${what}${lastError === "" ? "" : ` (last error: ${lastError})`}${logs === "" ? "" : `\n${logs}`}`);
    }
    await sleep(options.intervalMs ?? 200);
  }
}

/** A loopback TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
