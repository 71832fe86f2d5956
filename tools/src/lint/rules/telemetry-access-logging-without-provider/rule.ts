import { isJsonObject, pointerOf } from "../../../model/resource.js";
import { arrayAt, objectAt } from "../../../mesh/fields.js";
import { namespaceOf } from "../../../mesh/hosts.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "telemetry-access-logging-without-provider",
  code: "IST0157",
  severity: "warning",
  summary: "Every Telemetry accessLogging entry names its providers (Istio's default mesh config has no default access-log provider)",
  appliesTo: ["Telemetry"],
  reads: ["Telemetry"],
  *check(index) {
    for (const telemetry of index.istio("Telemetry")) {
      for (const [i, entry] of arrayAt(objectAt(telemetry.object, "spec"), "accessLogging").entries()) {
        if (!isJsonObject(entry) || entry["disabled"] === true || arrayAt(entry, "providers").length > 0) continue;
        yield {
          resource: telemetry,
          pointer: pointerOf("spec", "accessLogging", i),
          message:
            `accessLogging[${i}] names no providers, and Istio's default mesh config has no meshConfig.defaultProviders.` +
            `accessLogging to fall back on, so the entry is ignored and ${namespaceOf(telemetry)} gets no access logs from it. ` +
            `Add providers (e.g. - name: envoy), or set disabled: true if the entry is meant to turn logging off`,
        };
      }
    }
  },
};

export default rule;
