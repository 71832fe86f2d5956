/**
 * Durations as Istio, Argo CD and Kubernetes read them: Go's time.ParseDuration, in nanoseconds
 * (bigint, so that no precision is lost).
 */
const NS_PER: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  "\u00b5s": 1_000n, // µ (micro sign)
  "\u03bcs": 1_000n, // μ (Greek mu)
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX_NS = (1n << 63n) - 1n;
export const NS_PER_MS = 1_000_000n;
export const NS_PER_S = 1_000_000_000n;

/**
 * Parses a duration the way Go's time.ParseDuration does (and so Kubernetes CEL `duration()` and
 * istiod): an optional sign, then one or more `<number><unit>` with units ns, us, µs, ms, s, m, h;
 * numbers may have a fraction (`1.5h`, `.5s`); a bare `0` is allowed. Returns nanoseconds, or
 * undefined when the text is not a duration.
 */
export function parseGoDuration(text: string): bigint | undefined {
  let s = text;
  let negative = false;
  if (s.startsWith("-") || s.startsWith("+")) {
    negative = s.startsWith("-");
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") return undefined;
  let total = 0n;
  while (s !== "") {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s);
    const whole = m?.[1] ?? "";
    const fraction = m?.[2];
    if (whole === "" && (fraction === undefined || fraction === "")) return undefined;
    s = s.slice(m?.[0].length ?? 0);
    const unitMatch = /^[^\d.]+/.exec(s);
    if (unitMatch === null) return undefined; // missing unit
    const perUnit = NS_PER[unitMatch[0]];
    if (perUnit === undefined) return undefined; // unknown unit
    s = s.slice(unitMatch[0].length);
    let value = BigInt(whole === "" ? "0" : whole) * perUnit;
    if (fraction !== undefined && fraction !== "") {
      // Go truncates the fraction towards zero at nanosecond resolution.
      value += (BigInt(fraction) * perUnit) / 10n ** BigInt(fraction.length);
    }
    total += value;
    if (total > MAX_NS) return undefined; // overflow
  }
  return negative ? -total : total;
}

/** "2s", "1m30s", "250ms" — for messages. */
export function formatNs(ns: bigint): string {
  if (ns % NS_PER_S === 0n) return `${ns / NS_PER_S}s`;
  if (ns % NS_PER_MS === 0n) return `${ns / NS_PER_MS}ms`;
  return `${ns}ns`;
}

/** Milliseconds of a Go duration, for callers that compare with clocks; undefined when not one. */
export function parseDurationMs(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const ns = parseGoDuration(text);
  return ns === undefined ? undefined : Number(ns) / 1e6;
}
