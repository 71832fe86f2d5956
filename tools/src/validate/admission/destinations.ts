import type { JsonObject } from "../../model/resource.js";
import { headerOperationNameError, headerValueError, requestSetHeaderNameError } from "./headers.js";
import { isDns1123Label, wildcardDomainError } from "./hosts.js";
import { portError } from "./ports.js";
import { entries, has, num, obj, strings, text, type FieldPath, type Problems } from "./report.js";

/** istiod validateSubsetName. */
export function subsetNameError(name: string): string | undefined {
  if (name === "") return "subset name cannot be empty";
  if (!isDns1123Label(name)) return `subset name is invalid: ${name} (use a DNS label such as v1 or canary)`;
  return undefined;
}

/** Destination (routes, mirrors, egress proxy): host, subset name, port (istiod validateDestination). */
export function checkDestination(problems: Problems, destination: JsonObject | undefined, at: FieldPath): void {
  if (destination === undefined) return;
  const host = text(destination, "host");
  if (host === "*") {
    problems.error(at.field("host"), "invalid destination host *: name the service to send traffic to");
  } else {
    const err = wildcardDomainError(host);
    if (err !== undefined) problems.error(at.field("host"), err);
  }
  const subset = text(destination, "subset");
  if (subset !== "") {
    const err = subsetNameError(subset);
    if (err !== undefined) problems.error(at.field("subset"), err);
  }
  if (has(destination, "port")) {
    const port = obj(destination["port"]);
    const err = portError(num(port?.["number"]) ?? 0);
    if (err !== undefined) problems.error(at.field("port").field("number"), err);
  }
}

/** Headers operations (`headers.request|response.set|add|remove`) of a route or a destination. */
export function checkHeaderOperations(problems: Problems, owner: JsonObject, at: FieldPath): void {
  const headers = obj(owner["headers"]);
  if (headers === undefined) return;
  const hp = at.field("headers");
  for (const side of ["request", "response"] as const) {
    const ops = obj(headers[side]);
    if (ops === undefined) continue;
    const sp = hp.field(side);
    for (const op of ["set", "add"] as const) {
      for (const [name, value] of entries(ops[op])) {
        const nameErr = side === "request" ? requestSetHeaderNameError(name) : headerOperationNameError(name);
        if (nameErr !== undefined) problems.error(sp.field(op).key(name), nameErr);
        if (typeof value === "string") {
          const valueErr = headerValueError(value);
          if (valueErr !== undefined) problems.error(sp.field(op).key(name), valueErr);
        }
      }
    }
    for (const [name, i] of strings(ops["remove"])) {
      const err = headerOperationNameError(name);
      if (err !== undefined) problems.error(sp.field("remove").index(i), err);
    }
  }
}
