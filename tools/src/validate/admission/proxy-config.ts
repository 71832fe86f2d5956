import type { Resource } from "../../model/resource.js";
import { checkMatchLabelsSelector } from "./selectors.js";
import { FieldPath, num, obj, type Problems } from "./report.js";

export function checkProxyConfig(resource: Resource, problems: Problems): void {
  const spec = obj(resource.object["spec"]);
  if (spec === undefined) return;
  const at = FieldPath.root.field("spec");
  checkMatchLabelsSelector(problems, spec, "selector", at);
  const concurrency = num(spec["concurrency"]) ?? num(obj(spec["concurrency"])?.["value"]);
  if (concurrency !== undefined && concurrency < 0) {
    problems.error(at.field("concurrency"), `concurrency must be greater than or equal to 0 (found ${concurrency}; 0 means one worker per CPU)`);
  }
}
