/**
 * Work to undo however the process ends: a temporary file to remove, a child process group to
 * kill. Actions run synchronously on a normal exit and on SIGINT, SIGTERM and SIGHUP; after a
 * signal the process then dies of that same signal, as it would have without us.
 */
const actions = new Set<() => void>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
const handlers = new Map<NodeJS.Signals, () => void>();
let installed = false;

/** Registers `action`; call the returned function once the work no longer needs undoing. */
export function onExit(action: () => void): () => void {
  install();
  actions.add(action);
  return () => {
    actions.delete(action);
  };
}

function runAll(): void {
  for (const action of [...actions]) {
    actions.delete(action);
    try {
      action();
    } catch {
      // Best effort: one failed cleanup must not stop the others.
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", runAll);
  for (const signal of SIGNALS) {
    const handler = () => {
      runAll();
      for (const [other, registered] of handlers) process.removeListener(other, registered);
      process.kill(process.pid, signal);
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
}
