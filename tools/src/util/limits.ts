import { UserError } from "../model/errors.js";
import { parseDurationMs } from "./duration.js";

/**
 * How far one run may go: every external step and evaluation stops at these bounds with an
 * input error that names what it was working on. README "Limits" documents the defaults;
 * `--limit NAME=VALUE` overrides one.
 */
export interface Limits {
  /** Wall-clock time of one `kustomize build`. */
  kustomizeTimeMs: number;
  /** Resident memory of kustomize (and whatever it starts). */
  kustomizeMemoryBytes: number;
  /** Size of what one `kustomize build` prints. */
  kustomizeOutputBytes: number;
  /** Wall-clock time of evaluating the Jsonnet catalog. */
  jsonnetTimeMs: number;
  /** Resident memory of the process that evaluates the catalog. */
  jsonnetMemoryBytes: number;
  /** Wall-clock time of one kubeconform run (`validate --kubeconform`). */
  kubeconformTimeMs: number;
  /** Size of kubeconform's report. */
  kubeconformOutputBytes: number;
  /** Wall-clock time of one request to a cluster (drift), body included. */
  clusterTimeMs: number;
  /** Size of one response from a cluster. */
  clusterResponseBytes: number;
  /** Whether kustomize may fetch resources from URLs and git repositories (never cached). */
  remoteResources: boolean;
}

const MIB = 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<Limits> = {
  kustomizeTimeMs: 120_000,
  kustomizeMemoryBytes: 2048 * MIB,
  kustomizeOutputBytes: 256 * MIB,
  jsonnetTimeMs: 60_000,
  jsonnetMemoryBytes: 1024 * MIB,
  kubeconformTimeMs: 300_000,
  kubeconformOutputBytes: 256 * MIB,
  clusterTimeMs: 30_000,
  clusterResponseBytes: 64 * MIB,
  remoteResources: false,
};

type NumericLimit = Exclude<keyof Limits, "remoteResources">;

/** The names `--limit` takes, the field each sets, and how its value is written. */
export const LIMIT_OPTIONS: ReadonlyArray<{ name: string; field: NumericLimit; unit: "duration" | "bytes" }> = [
  { name: "kustomize-time", field: "kustomizeTimeMs", unit: "duration" },
  { name: "kustomize-memory", field: "kustomizeMemoryBytes", unit: "bytes" },
  { name: "kustomize-output", field: "kustomizeOutputBytes", unit: "bytes" },
  { name: "jsonnet-time", field: "jsonnetTimeMs", unit: "duration" },
  { name: "jsonnet-memory", field: "jsonnetMemoryBytes", unit: "bytes" },
  { name: "kubeconform-time", field: "kubeconformTimeMs", unit: "duration" },
  { name: "kubeconform-output", field: "kubeconformOutputBytes", unit: "bytes" },
  { name: "cluster-time", field: "clusterTimeMs", unit: "duration" },
  { name: "cluster-response", field: "clusterResponseBytes", unit: "bytes" },
];

let active: Limits = { ...DEFAULT_LIMITS };

/** The limits of this run: the defaults, as the command line changed them. */
export function currentLimits(): Readonly<Limits> {
  return active;
}

/** Set once by the CLI before any work; tests set and restore it around a case. */
export function configureLimits(overrides: Partial<Limits>): void {
  active = { ...DEFAULT_LIMITS, ...overrides };
}

/** `--limit kustomize-time=5m`, `--limit kustomize-memory=4GiB` (repeatable). */
export function parseLimitOptions(values: readonly string[]): Partial<Limits> {
  const overrides: Partial<Limits> = {};
  const names = LIMIT_OPTIONS.map((option) => option.name).join(", ");
  for (const value of values) {
    const [name = "", text = ""] = value.split("=", 2);
    const option = LIMIT_OPTIONS.find((candidate) => candidate.name === name.trim());
    if (option === undefined || !value.includes("=")) {
      throw new UserError(`--limit ${value}: write NAME=VALUE, NAME one of ${names}`);
    }
    const parsed = option.unit === "duration" ? parseDurationMs(text.trim()) : parseBytes(text.trim());
    if (parsed === undefined || !Number.isFinite(parsed) || parsed <= 0) {
      const example = option.unit === "duration" ? "90s, 5m" : "512MiB, 4GiB";
      throw new UserError(`--limit ${value}: ${text === "" ? "no value" : `"${text}"`} is not a positive ${option.unit === "duration" ? "duration" : "size"} such as ${example}`);
    }
    overrides[option.field] = parsed;
  }
  return overrides;
}

const SIZE_UNITS: Record<string, number> = { "": 1, B: 1, KiB: 1024, MiB: MIB, GiB: 1024 * MIB, KB: 1000, MB: 1_000_000, GB: 1_000_000_000 };

/** `512MiB`, `4GiB`, `100MB`, `1048576`: bytes, or undefined. */
export function parseBytes(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([KMG]i?B|B)?$/.exec(text);
  if (match === null) return undefined;
  const unit = SIZE_UNITS[match[2] ?? ""];
  return unit === undefined ? undefined : Math.floor(Number(match[1]) * unit);
}

/** `2 GiB`, `256 MiB`, `30 s`: a limit as a message shows it. */
export function formatLimit(value: number, unit: "duration" | "bytes"): string {
  if (unit === "duration") return value % 1000 === 0 ? `${value / 1000} s` : `${value} ms`;
  for (const [suffix, size] of [["GiB", 1024 * MIB], ["MiB", MIB], ["KiB", 1024]] as const) {
    if (value >= size && value % size === 0) return `${value / size} ${suffix}`;
  }
  return `${value} bytes`;
}
