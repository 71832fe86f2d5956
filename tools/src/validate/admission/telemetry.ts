import type { JsonObject, Resource } from "../../model/resource.js";
import { checkDuration } from "./duration.js";
import { checkMatchLabelsSelector, checkOneSelector, checkTargetRefs } from "./selectors.js";
import { arr, entries, FieldPath, has, num, obj, objects, str, text, type Problems } from "./report.js";

/** istiod validateTelemetryProviders: every provider has a name (reports the first that does not). */
function checkProviders(problems: Problems, owner: JsonObject, at: FieldPath): void {
  const i = arr(owner["providers"]).findIndex((p) => text(obj(p), "name") === "");
  if (i !== -1) problems.error(at.field("providers").index(i), "providers.name may not be empty: name a provider from meshConfig.extensionProviders");
}

function checkMetrics(problems: Problems, spec: JsonObject, at: FieldPath): void {
  for (const [metrics, i] of objects(spec["metrics"])) {
    const mp = at.field("metrics").index(i);
    checkProviders(problems, metrics, mp);
    checkDuration(problems, metrics, "reportingInterval", mp, { cel: true });
    arr(metrics["overrides"]).forEach((o, j) => {
      const op = mp.field("overrides").index(j);
      const override = obj(o);
      if (override === undefined) {
        problems.error(op, "tagOverrides may not be null");
        return;
      }
      for (const [name, t] of entries(override["tagOverrides"])) {
        const tp = op.field("tagOverrides").key(name);
        if (name === "") problems.warn(op.field("tagOverrides"), "tagOverrides.name may not be empty");
        const tag = obj(t);
        if (tag === undefined) {
          problems.error(tp, "tagOverrides may not be null");
          continue;
        }
        const operation = text(tag, "operation") === "" ? "UPSERT" : text(tag, "operation");
        if (operation === "REMOVE" && has(tag, "value")) {
          problems.error(tp.field("value"), "value must not be set when operation is REMOVE (tagOverrides.value may only be set when operation is UPSERT)");
        }
        if (operation === "UPSERT" && text(tag, "value") === "") {
          problems.error(tp, "value must be set when operation is UPSERT: give a CEL expression for the tag, or use operation REMOVE");
        }
      }
      const match = obj(override["match"]);
      if (match !== undefined && has(match, "customMetric") && text(match, "customMetric") === "") {
        problems.error(op.field("match").field("customMetric"), "customMetric may not be empty");
      }
    });
  }
}

function checkTracing(problems: Problems, spec: JsonObject, at: FieldPath): void {
  const tracing = arr(spec["tracing"]);
  if (tracing.length > 1) problems.warn(at.field("tracing"), "multiple tracing is not currently supported: only the first entry applies");
  tracing.forEach((t, i) => {
    const tracer = obj(t);
    if (tracer === undefined) return;
    const tp = at.field("tracing").index(i);
    if (arr(tracer["providers"]).length > 1) {
      problems.warn(tp.field("providers"), "multiple providers is not currently supported: a tracing rule uses one provider");
    }
    checkProviders(problems, tracer, tp);
    const pct = num(tracer["randomSamplingPercentage"]);
    if (pct !== undefined && (pct < 0 || pct > 100)) {
      problems.error(tp.field("randomSamplingPercentage"), `randomSamplingPercentage must be in range [0.0, 100.0] (found ${pct})`);
    }
    for (const [name, value] of entries(tracer["customTags"])) {
      const cp = tp.field("customTags").key(name);
      if (name === "") problems.error(tp.field("customTags"), "tag name may not be empty");
      const tag = obj(value);
      if (tag === undefined) {
        problems.error(cp, `tag '${name}' may not have a nil value`);
        continue;
      }
      if (has(tag, "literal") && (str(obj(tag["literal"])?.["value"]) ?? "") === "") problems.error(cp.field("literal"), "literal tag value may not be empty");
      if (has(tag, "header") && text(obj(tag["header"]), "name") === "") problems.error(cp.field("header"), "header tag name may not be empty");
      if (has(tag, "environment") && text(obj(tag["environment"]), "name") === "") problems.error(cp.field("environment"), "environment tag name may not be empty");
    }
  });
}

export function checkTelemetry(resource: Resource, problems: Problems): void {
  const spec = obj(resource.object["spec"]);
  if (spec === undefined) return;
  const at = FieldPath.root.field("spec");
  checkOneSelector(problems, spec, at, "selector", true, "only one of targetRefs or selector can be set");
  checkMatchLabelsSelector(problems, spec, "selector", at);
  checkTargetRefs(problems, spec, at, true);
  checkMetrics(problems, spec, at);
  checkTracing(problems, spec, at);
  for (const [logging, i] of objects(spec["accessLogging"])) checkProviders(problems, logging, at.field("accessLogging").index(i));
}
