import { describe, expect, it } from "vitest";
import { resourcesFromYaml } from "../load/resources-from-yaml.js";
import { argoCdObjectsOf, type AppProjectView, type ApplicationView } from "./argocd-objects.js";
import { parseCron, wallClock } from "./cron.js";
import { evaluateSyncWindows } from "./sync-window.js";

function objects(windows: string): { project: AppProjectView; application: ApplicationView } {
  const text = [
    "apiVersion: argoproj.io/v1alpha1",
    "kind: AppProject",
    "metadata:",
    "  name: mesh-policy",
    "spec:",
    "  syncWindows:",
    windows,
    "---",
    "apiVersion: argoproj.io/v1alpha1",
    "kind: Application",
    "metadata:",
    "  name: mesh-policy-prod",
    "spec:",
    "  project: mesh-policy",
    "  destination:",
    "    name: vapora-prod",
    "    namespace: vapora",
    "",
  ].join("\n");
  const { projects, applications } = argoCdObjectsOf(resourcesFromYaml(text, "argocd/project.yaml").resources);
  return { project: projects.get("mesh-policy") as AppProjectView, application: applications[0] as ApplicationView };
}

const BUSINESS_HOURS = [
  "    - kind: allow",
  '      schedule: "0 9 * * 1-5"',
  "      duration: 8h",
  "      timeZone: UTC",
  "      applications: [mesh-policy-prod]",
  "      manualSync: true",
].join("\n");

describe("cron schedules of sync windows (robfig/cron, five fields)", () => {
  it("matches lists, ranges, steps and names", () => {
    const at = (minute: number, hour: number, day: number, month: number, weekday: number) => ({ minute, hour, day, month, weekday });
    expect(parseCron("0 9 * * 1-5").matches(at(0, 9, 3, 1, 3))).toBe(true);
    expect(parseCron("0 9 * * 1-5").matches(at(0, 9, 6, 1, 6))).toBe(false);
    expect(parseCron("*/15 * * * *").matches(at(45, 3, 1, 1, 0))).toBe(true);
    expect(parseCron("*/15 * * * *").matches(at(46, 3, 1, 1, 0))).toBe(false);
    expect(parseCron("30 22 * JAN,dec MON-FRI").matches(at(30, 22, 5, 12, 1))).toBe(true);
    expect(parseCron("5/20 * * * *").matches(at(45, 0, 1, 1, 0))).toBe(true);
  });

  it("ORs day of month and day of week when both are restricted, as cron does", () => {
    const schedule = parseCron("0 0 1 * MON");
    expect(schedule.matches({ minute: 0, hour: 0, day: 1, month: 2, weekday: 4 })).toBe(true);
    expect(schedule.matches({ minute: 0, hour: 0, day: 9, month: 2, weekday: 1 })).toBe(true);
    expect(schedule.matches({ minute: 0, hour: 0, day: 9, month: 2, weekday: 2 })).toBe(false);
  });

  it("rejects what Argo CD's parser rejects, saying what is wrong", () => {
    expect(() => parseCron("@hourly")).toThrow(/not @ descriptors/);
    expect(() => parseCron("0 9 * *")).toThrow(/expected 5 cron fields/);
    expect(() => parseCron("0 25 * * *")).toThrow(/hour 25 is outside 0-23/);
    expect(() => parseCron("0 9 * * 7")).toThrow(/day of week 7 is outside 0-6/);
  });

  it("reads the wall clock of a time zone", () => {
    expect(wallClock(new Date("2024-01-08T08:30:00Z"), "Europe/Berlin")).toEqual({ minute: 30, hour: 9, day: 8, month: 1, weekday: 1 });
  });
});

describe("evaluateSyncWindows", () => {
  it("is open inside the business-hours allow window and closed outside it, naming the next opening", () => {
    const { project, application } = objects(BUSINESS_HOURS);
    expect(evaluateSyncWindows(project, application, new Date("2024-01-08T09:00:30Z")).state).toBe("open"); // Monday 09:00:30
    expect(evaluateSyncWindows(project, application, new Date("2024-01-08T16:59:00Z")).state).toBe("open");
    const evening = evaluateSyncWindows(project, application, new Date("2024-01-08T17:00:00Z"));
    expect(evening.state).toBe("closed");
    expect(evening.nextOpen?.toISOString()).toBe("2024-01-09T09:00:00.000Z");
    expect(evening.reason).toBe(
      'outside the allow window "0 9 * * 1-5" for 8h (UTC, argocd/project.yaml:7): Argo CD applies a merged promotion when the window next opens (next opening: 2024-01-09 09:00 UTC)',
    );
    const saturday = evaluateSyncWindows(project, application, new Date("2024-01-13T10:00:00Z"));
    expect(saturday.state).toBe("closed");
    expect(saturday.nextOpen?.toISOString()).toBe("2024-01-15T09:00:00.000Z");
  });

  it("evaluates the schedule in the window's time zone", () => {
    const { project, application } = objects(BUSINESS_HOURS.replace("timeZone: UTC", "timeZone: America/New_York"));
    expect(evaluateSyncWindows(project, application, new Date("2024-01-08T10:00:00Z")).state).toBe("closed"); // 05:00 in New York
    expect(evaluateSyncWindows(project, application, new Date("2024-01-08T15:00:00Z")).state).toBe("open"); // 10:00 in New York
  });

  it("lets an active deny window win, and ignores windows for other applications", () => {
    const deny = ["    - kind: deny", '      schedule: "0 12 * * *"', "      duration: 1h", "      namespaces: [vap*]"].join("\n");
    const { project, application } = objects(`${BUSINESS_HOURS}\n${deny}`);
    expect(evaluateSyncWindows(project, application, new Date("2024-01-08T12:30:00Z")).state).toBe("closed");
    const other = objects(BUSINESS_HOURS.replace("[mesh-policy-prod]", "[mesh-policy-dev]"));
    expect(evaluateSyncWindows(other.project, other.application, new Date("2024-01-13T10:00:00Z"))).toMatchObject({ state: "open", windows: [] });
  });

  it("is unknown, with the reason, when a window cannot be read", () => {
    const { project, application } = objects(BUSINESS_HOURS.replace('"0 9 * * 1-5"', '"0 9 * * 1-8"'));
    const verdict = evaluateSyncWindows(project, application, new Date("2024-01-08T10:00:00Z"));
    expect(verdict.state).toBe("unknown");
    expect(verdict.reason).toMatch(/day of week 1-8 is outside 0-6/);
    const zone = objects(BUSINESS_HOURS.replace("timeZone: UTC", "timeZone: Mars/Olympus"));
    expect(evaluateSyncWindows(zone.project, zone.application, new Date()).reason).toMatch(/time zone "Mars\/Olympus" is not an IANA zone/);
  });
});
