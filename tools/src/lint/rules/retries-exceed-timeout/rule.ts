import { isJsonObject, pointerOf } from "../../../model/resource.js";
import { formatDuration, parseDuration } from "../../../util/duration.js";
import { arrayAt, objectAt } from "../../mesh-index.js";
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
        const timeout = parseDuration(route["timeout"]);
        const retries = objectAt(route, "retries");
        const attempts = typeof retries["attempts"] === "number" ? retries["attempts"] : 0;
        const perTry = parseDuration(retries["perTryTimeout"]);
        // No timeout means no cap; attempts <= 0 turns retries off; no perTryTimeout means each try may use it all.
        if (timeout === undefined || perTry === undefined || attempts <= 0) continue;
        const worstCase = (1 + attempts) * perTry;
        if (worstCase <= timeout) continue;
        const triesThatFit = Math.floor(timeout / perTry);
        yield {
          resource: vs,
          pointer: pointerOf("spec", "http", i, "retries"),
          message:
            `http[${i}]: 1 try + ${attempts} retries × perTryTimeout ${formatDuration(perTry)} = ` +
            `${formatDuration(worstCase)}, more than the route timeout ${formatDuration(timeout)}, which includes every ` +
            `retry; at most ${triesThatFit} slow tr${triesThatFit === 1 ? "y" : "ies"} can run before the timeout cuts ` +
            `the request. Lower attempts or perTryTimeout, or raise the timeout to at least ${formatDuration(worstCase)}`,
        };
      }
    }
  },
};

export default rule;
