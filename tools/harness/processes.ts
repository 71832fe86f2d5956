import { spawn, type ChildProcess } from "node:child_process";
import { openSync, closeSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** A service the harness started: its own process group, its log file, and whether it still runs. */
export interface Service {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Set when the process exited (by itself or because it was stopped). */
  readonly exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** The last lines of its log, for error messages. */
  logTail(lines?: number): string;
}

export interface StartOptions {
  args: readonly string[];
  env?: Record<string, string>;
  cwd?: string;
}

/** How long a stopped process may take to exit after SIGTERM before its group gets SIGKILL. */
const STOP_GRACE_MS = 5_000;

/**
 * The processes of one harness. Each runs detached in its own process group (so that what it
 * forks, e.g. Argo CD's git and kustomize, is stopped with it) with stdout and stderr in a log
 * file of the harness folder. {@link stopAll} stops them by process group, newest first (the API
 * servers before the etcd they use). If this Node process dies without stopping them (a killed
 * test worker), a watchdog shell kills every group it was told about.
 */
export class ProcessGroup {
  private readonly running: Array<{ service: MutableService; child: ChildProcess }> = [];
  private readonly watchdogFile: string;
  private watchdog: ChildProcess | undefined;

  constructor(private readonly logDir: string) {
    this.watchdogFile = path.join(logDir, "process-groups");
    writeFileSync(this.watchdogFile, "");
    EXIT_HOOK.add(this);
  }

  start(name: string, command: string, options: StartOptions): Service {
    this.ensureWatchdog();
    const logFile = path.join(this.logDir, `${name}.log`);
    const fd = openSync(logFile, "a");
    let child: ChildProcess;
    try {
      child = spawn(command, [...options.args], {
        cwd: options.cwd ?? this.logDir,
        env: options.env ?? {},
        detached: true,
        stdio: ["ignore", fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    if (child.pid === undefined) throw new Error(`cannot start ${name} (${command}): no process id`);
    const service = new MutableService(name, child.pid, logFile);
    child.on("exit", (code, signal) => {
      service.exit = { code, signal };
    });
    child.on("error", (error) => {
      service.exit = { code: null, signal: null };
      service.spawnError = error.message;
    });
    this.running.push({ service, child });
    this.recordGroups();
    return service;
  }

  /** Stops one service (its whole process group); resolves once it has exited. */
  async stop(service: Service): Promise<void> {
    const index = this.running.findIndex((entry) => entry.service === service);
    if (index < 0) return;
    const [entry] = this.running.splice(index, 1);
    if (entry !== undefined) await stopGroup(entry.service, entry.child);
    this.recordGroups();
  }

  /** Stops every service, newest first, then the watchdog. */
  async stopAll(): Promise<void> {
    while (this.running.length > 0) {
      const entry = this.running.pop();
      if (entry !== undefined) await stopGroup(entry.service, entry.child);
    }
    this.recordGroups();
    if (this.watchdog?.pid !== undefined) killGroup(this.watchdog.pid, "SIGKILL");
    this.watchdog = undefined;
    EXIT_HOOK.delete(this);
  }

  /** Last resort when Node exits: SIGKILL to every group still running (synchronous). */
  killAllNow(): void {
    for (const { service } of this.running) killGroup(service.pid, "SIGKILL");
    if (this.watchdog?.pid !== undefined) killGroup(this.watchdog.pid, "SIGKILL");
  }

  private recordGroups(): void {
    writeFileSync(this.watchdogFile, this.running.map(({ service }) => `${service.pid}\n`).join(""));
  }

  private ensureWatchdog(): void {
    if (this.watchdog !== undefined) return;
    // Polls this Node process; once it is gone, kills every recorded process group.
    const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; for g in $(cat "$0"); do kill -KILL -- "-$g" 2>/dev/null; done`;
    this.watchdog = spawn("/bin/sh", ["-c", script, this.watchdogFile], { detached: true, stdio: "ignore" });
    this.watchdog.unref();
  }
}

class MutableService implements Service {
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  spawnError: string | undefined;

  constructor(
    readonly name: string,
    readonly pid: number,
    readonly logFile: string,
  ) {}

  logTail(lines = 20): string {
    let text = "";
    try {
      text = readFileSync(this.logFile, "utf8");
    } catch {
      // no log yet
    }
    const tail = text.trimEnd().split("\n").slice(-lines).join("\n");
    return this.spawnError === undefined ? tail : `${this.spawnError}\n${tail}`;
  }
}

async function stopGroup(service: MutableService, child: ChildProcess): Promise<void> {
  if (service.exit !== undefined) {
    // The leader exited; children it left in the group may still run.
    killGroup(service.pid, "SIGKILL");
    return;
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  killGroup(service.pid, "SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), STOP_GRACE_MS);
  });
  const outcome = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  killGroup(service.pid, "SIGKILL");
  if (outcome === "timeout") await exited;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Groups still running when Node exits (a test that never reached its afterAll). */
const EXIT_HOOK = new Set<ProcessGroup>();
process.once("exit", () => {
  for (const group of EXIT_HOOK) group.killAllNow();
});
