import type { JsonObject } from "../../model/resource.js";
import { has, q, str, type FieldPath, type Problems } from "./report.js";
import { NS_PER_MS, formatNs, parseGoDuration } from "../../util/duration.js";

export interface DurationCheck {
  /** The CEL rule `duration(self) >= duration('1ms')` guards the field. */
  cel?: boolean;
  /** istiod's ValidateDuration also checks it: at least 1ms and whole milliseconds. */
  webhook?: boolean;
  /** istiod skips its check for this exact value (tcp idleTimeout: 0s turns the timeout off). */
  webhookAllowsZero?: boolean;
}

/**
 * Checks a duration field. One problem at most: unparseable, shorter than 1ms, or (webhook) not a
 * whole number of milliseconds. Returns the parsed value when the field holds a duration.
 */
export function checkDuration(
  problems: Problems,
  owner: JsonObject | undefined,
  key: string,
  at: FieldPath,
  how: DurationCheck = { cel: true, webhook: true },
): bigint | undefined {
  if (!has(owner, key)) return undefined;
  const raw = owner?.[key];
  const text = str(raw);
  const path = at.field(key);
  if (text === undefined) return undefined; // wrong type: the JSON schema reports it
  const ns = parseGoDuration(text);
  if (ns === undefined) {
    problems.error(path, `${q(text)} is not a duration such as 2s`);
    return undefined;
  }
  const webhook = how.webhook === true && !(how.webhookAllowsZero === true && ns === 0n);
  if ((how.cel === true || webhook) && ns < NS_PER_MS) {
    const message = `${q(text)} must be a valid duration greater than 1ms`;
    if (webhook) problems.error(path, message);
    else problems.celError(path, message);
    return ns;
  }
  if (webhook && ns % NS_PER_MS !== 0n) {
    problems.error(path, `${q(text)}: only durations to ms precision are supported (use whole milliseconds, such as ${formatNs((ns / NS_PER_MS) * NS_PER_MS)})`);
  }
  return ns;
}
