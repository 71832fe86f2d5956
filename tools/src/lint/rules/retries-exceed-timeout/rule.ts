import { isJsonObject, pointerOf } from "../../../model/resource.js";
// Go's time.ParseDuration (what the CRD's CEL rules and istiod accept), not util/duration.ts, which
// rejects valid forms such as `0`, `.5s`, `+1s` or `μs`.
import { formatNs, parseGoDuration } from "../../../util/duration.js";
import { arrayAt, objectAt } from "../../../mesh/fields.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "retries-exceed-timeout",
  severity: "error",
  summary: "Every try a route's retry policy allows fits inside the route's timeout",
  appliesTo: ["VirtualService"],
  reads: ["VirtualService"],
  *check(index) {
    for (const vs of index.istio("VirtualService")) {
      const routes = arrayAt(objectAt(vs.object, "spec"), "http");
      for (const [i, route] of routes.entries()) {
        if (!isJsonObject(route)) continue;
        const timeout = durationOf(route["timeout"]);
        const retries = objectAt(route, "retries");
        const attempts = typeof retries["attempts"] === "number" && Number.isInteger(retries["attempts"]) ? retries["attempts"] : 0;
        const perTry = durationOf(retries["perTryTimeout"]);
        // No timeout (or 0s, which istiod uses for "no timeout") means no cap; attempts <= 0 turns
        // retries off; no (or a zero) perTryTimeout means each try may use the whole timeout.
        if (timeout === undefined || perTry === undefined || timeout <= 0n || perTry <= 0n || attempts <= 0) continue;
        const worstCase = BigInt(1 + attempts) * perTry;
        if (worstCase <= timeout) continue;
        const triesThatFit = timeout / perTry;
        yield {
          resource: vs,
          pointer: pointerOf("spec", "http", i, "retries"),
          related: [pointerOf("spec", "http", i, "timeout")],
          message:
            `http[${i}]: 1 try + ${attempts} retries × perTryTimeout ${formatNs(perTry)} = ` +
            `${formatNs(worstCase)}, more than the route timeout ${formatNs(timeout)}, which includes every ` +
            `retry; at most ${triesThatFit} slow tr${triesThatFit === 1n ? "y" : "ies"} can run before the timeout cuts ` +
            `the request. Lower attempts or perTryTimeout, or raise the timeout to at least ${formatNs(worstCase)}`,
        };
      }
    }
  },
};

export default rule;

/** A duration field in nanoseconds; undefined when absent or not a Go duration. */
function durationOf(value: unknown): bigint | undefined {
  return typeof value === "string" ? parseGoDuration(value) : undefined;
}
