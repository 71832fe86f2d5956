/**
 * The cron schedules of Argo CD sync windows: robfig/cron's standard five-field parser as Argo CD
 * configures it (`cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow`, no `@hourly`
 * descriptors, no seconds), evaluated in the window's IANA time zone.
 */

export interface CronSchedule {
  readonly expression: string;
  /** Whether the schedule fires at this wall-clock minute. */
  matches(time: WallClock): boolean;
}

/** A minute as a clock in some time zone shows it. */
export interface WallClock {
  minute: number;
  hour: number;
  day: number;
  /** 1–12. */
  month: number;
  /** 0 = Sunday. */
  weekday: number;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
  { name: "day of week", min: 0, max: 6, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
];

interface ParsedField {
  values: Set<number>;
  /** robfig's star bit: the field was `*` or `?` (without a step greater than 1). */
  star: boolean;
}

/** Parses `m h dom mon dow`; throws an Error that says what is wrong. */
export function parseCron(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (expression.trim().startsWith("@")) {
    throw new Error(`"${expression}": Argo CD's sync windows take five cron fields, not @ descriptors`);
  }
  if (parts.length !== 5) {
    throw new Error(`"${expression}": expected 5 cron fields (minute hour day-of-month month day-of-week), found ${parts.length}`);
  }
  const [minute, hour, dom, month, dow] = parts.map((part, index) => parseField(part, FIELDS[index] as FieldSpec, expression)) as [
    ParsedField,
    ParsedField,
    ParsedField,
    ParsedField,
    ParsedField,
  ];
  return {
    expression,
    matches(time: WallClock): boolean {
      if (!minute.values.has(time.minute) || !hour.values.has(time.hour) || !month.values.has(time.month)) return false;
      const domMatch = dom.values.has(time.day);
      const dowMatch = dow.values.has(time.weekday);
      // robfig/cron: when either day field is `*`, both must match; otherwise either may.
      return dom.star || dow.star ? domMatch && dowMatch : domMatch || dowMatch;
    },
  };
}

function parseField(text: string, spec: FieldSpec, expression: string): ParsedField {
  const values = new Set<number>();
  let star = false;
  for (const item of text.split(",")) {
    const [range = "", stepText, ...rest] = item.split("/");
    if (rest.length > 0) throw fieldError(expression, spec, item);
    let start: number;
    let end: number;
    let itemStar = false;
    if (range === "*" || range === "?") {
      start = spec.min;
      end = spec.max;
      itemStar = true;
    } else {
      const [low = "", high, ...more] = range.split("-");
      if (more.length > 0) throw fieldError(expression, spec, item);
      start = parseValue(low, spec, expression);
      end = high === undefined ? start : parseValue(high, spec, expression);
      // `N/step` means `N-max/step`.
      if (high === undefined && stepText !== undefined) end = spec.max;
    }
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) throw fieldError(expression, spec, item);
      step = Number(stepText);
      if (step > 1) itemStar = false;
    }
    if (start < spec.min || end > spec.max || start > end) {
      throw new Error(`"${expression}": ${spec.name} ${item} is outside ${spec.min}-${spec.max}`);
    }
    for (let value = start; value <= end; value += step) values.add(value);
    if (itemStar) star = true;
  }
  return { values, star };
}

function parseValue(text: string, spec: FieldSpec, expression: string): number {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + spec.min;
  if (!/^\d+$/.test(text)) throw fieldError(expression, spec, text);
  return Number(text);
}

function fieldError(expression: string, spec: FieldSpec, item: string): Error {
  return new Error(`"${expression}": cannot read ${spec.name} "${item}"`);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The wall clock of `instant` in an IANA time zone (`UTC` when empty, as Argo CD defaults);
 * throws a RangeError for a zone the runtime does not know.
 */
export function wallClock(instant: Date, timeZone: string): WallClock {
  const zone = timeZone === "" ? "UTC" : timeZone;
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      weekday: "short",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    formatters.set(zone, formatter);
  }
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(instant)) parts[part.type] = part.value;
  return {
    minute: Number(parts["minute"]),
    hour: Number(parts["hour"]) % 24,
    day: Number(parts["day"]),
    month: Number(parts["month"]),
    weekday: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(parts["weekday"] ?? ""),
  };
}
