import { parseDurationMs } from "../util/duration.js";
import type { AppProjectView, ApplicationView, SyncWindowSpec } from "./argocd-objects.js";
import { parseCron, wallClock, type CronSchedule } from "./cron.js";
import { argoGlobMatch } from "./glob.js";

export const WINDOW_STATES = ["open", "closed", "unknown"] as const;
export type WindowState = (typeof WINDOW_STATES)[number];

export interface WindowStatus {
  kind: string;
  schedule: string;
  duration: string;
  timeZone: string;
  /** Undefined when the window cannot be evaluated (bad schedule, duration or zone). */
  active: boolean | undefined;
  /** Why it cannot be evaluated. */
  problem?: string;
  file: string;
  line: number;
}

export interface SyncWindowEvaluation {
  /** Whether Argo CD would run an automated sync of the Application at `now`. */
  state: WindowState;
  reason: string;
  /** The windows of the project that apply to the Application. */
  windows: WindowStatus[];
  /** When closed by allow windows only: the next time one opens (looked for up to 8 days ahead). */
  nextOpen?: Date;
}

const MINUTE = 60_000;
/** Longer windows are not scanned minute by minute. */
const MAX_SCAN_MINUTES = 31 * 24 * 60;
const LOOKAHEAD_MINUTES = 8 * 24 * 60;

/**
 * Argo CD's verdict on an automated sync of `application` at `now` from its project's
 * `syncWindows` (user-guide/sync_windows.md; `SyncWindows.Matches`, `SyncWindow.active`):
 * windows apply by application name, destination cluster (server or name) or destination
 * namespace (globs; all of the given lists with `andOperator`, any otherwise); a window is active
 * when its cron schedule fired in its time zone less than `duration` ago; an active `deny` window
 * blocks; when `allow` windows apply, one of them must be active; with no window, syncs run any
 * time. `manualSync` does not matter here: a merged promotion is applied by an automated sync.
 */
export function evaluateSyncWindows(project: AppProjectView, application: ApplicationView, now: Date): SyncWindowEvaluation {
  const file = project.resource.origin.file;
  const applicable = project.syncWindows.filter((window) => appliesTo(window, application));
  const evaluated = applicable.map((window) => evaluateWindow(window, now, file, project));
  const windows = evaluated.map((e) => e.status);
  if (windows.length === 0) {
    return { state: "open", reason: `no sync window of AppProject ${project.name} applies to ${application.name}: Argo CD syncs it at any time`, windows };
  }
  const broken = windows.filter((w) => w.active === undefined);
  if (broken.length > 0) {
    return { state: "unknown", reason: `cannot evaluate ${describe(broken[0] as WindowStatus)}: ${broken[0]?.problem ?? ""}`, windows };
  }
  const deny = windows.find((w) => w.kind === "deny" && w.active === true);
  if (deny !== undefined) {
    return { state: "closed", reason: `${describe(deny)} is active: automated syncs of ${application.name} wait until it ends`, windows };
  }
  const allows = windows.filter((w) => w.kind === "allow");
  if (allows.length === 0) {
    return { state: "open", reason: `no deny window is active and no allow window applies to ${application.name}`, windows };
  }
  const active = allows.find((w) => w.active === true);
  if (active !== undefined) return { state: "open", reason: `inside ${describe(active)}`, windows };
  const nextOpen = nextOpening(evaluated, now);
  const when = nextOpen === undefined ? "" : ` (next opening: ${nextOpen.toISOString().slice(0, 16).replace("T", " ")} UTC)`;
  return {
    state: "closed",
    reason:
      `outside ${allows.length === 1 ? describe(allows[0] as WindowStatus) : `every allow window of ${application.name}`}: ` +
      `Argo CD applies a merged promotion when the window next opens${when}`,
    windows,
    ...(nextOpen === undefined ? {} : { nextOpen }),
  };
}

function describe(window: WindowStatus): string {
  return `the ${window.kind} window "${window.schedule}" for ${window.duration} (${window.timeZone}, ${window.file}:${window.line})`;
}

function appliesTo(window: SyncWindowSpec, application: ApplicationView): boolean {
  const destination = application.destination;
  const lists: boolean[] = [];
  if (window.applications.length > 0) lists.push(window.applications.some((p) => argoGlobMatch(p, application.name)));
  if (window.clusters.length > 0) {
    lists.push(
      window.clusters.some(
        (p) => (destination.server !== undefined && argoGlobMatch(p, destination.server)) || (destination.name !== undefined && argoGlobMatch(p, destination.name)),
      ),
    );
  }
  if (window.namespaces.length > 0) lists.push(window.namespaces.some((p) => argoGlobMatch(p, destination.namespace ?? "")));
  if (lists.length === 0) return false;
  return window.andOperator ? lists.every(Boolean) : lists.some(Boolean);
}

interface EvaluatedWindow {
  status: WindowStatus;
  schedule?: CronSchedule;
  durationMs?: number;
}

function evaluateWindow(window: SyncWindowSpec, now: Date, file: string, project: AppProjectView): EvaluatedWindow {
  const timeZone = window.timeZone ?? "UTC";
  const base: WindowStatus = {
    kind: window.kind,
    schedule: window.schedule,
    duration: window.duration,
    timeZone,
    active: undefined,
    file,
    line: project.resource.origin.locate(window.pointer).line,
  };
  if (window.kind !== "allow" && window.kind !== "deny") return { status: { ...base, problem: `kind "${window.kind}" is neither allow nor deny` } };
  let schedule: CronSchedule;
  try {
    schedule = parseCron(window.schedule);
  } catch (error) {
    return { status: { ...base, problem: (error as Error).message } };
  }
  const durationMs = parseDurationMs(window.duration);
  if (durationMs === undefined || durationMs <= 0) return { status: { ...base, problem: `duration "${window.duration}" is not a Go duration such as 8h or 90m` } };
  if (durationMs > MAX_SCAN_MINUTES * MINUTE) return { status: { ...base, problem: `duration ${window.duration} is longer than the 31 days this check scans` } };
  try {
    wallClock(now, timeZone);
  } catch {
    return { status: { ...base, problem: `time zone "${timeZone}" is not an IANA zone this Node.js knows` } };
  }
  return { status: { ...base, active: isActive(schedule, durationMs, timeZone, now.getTime()) }, schedule, durationMs };
}

/** Argo CD: the schedule's next firing after `now - duration` is before `now`. */
function isActive(schedule: CronSchedule, durationMs: number, timeZone: string, now: number): boolean {
  let minute = Math.floor(now / MINUTE) * MINUTE;
  if (minute === now) minute -= MINUTE;
  for (; minute > now - durationMs; minute -= MINUTE) {
    if (schedule.matches(wallClock(new Date(minute), timeZone))) return true;
  }
  return false;
}

function nextOpening(windows: readonly EvaluatedWindow[], now: Date): Date | undefined {
  const allows = windows.filter((w) => w.status.kind === "allow" && w.schedule !== undefined);
  const start = Math.ceil(now.getTime() / MINUTE) * MINUTE;
  for (let minute = start; minute < start + LOOKAHEAD_MINUTES * MINUTE; minute += MINUTE) {
    const instant = new Date(minute);
    if (allows.some((w) => w.schedule?.matches(wallClock(instant, w.status.timeZone)))) return instant;
  }
  return undefined;
}
