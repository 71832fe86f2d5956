import type { Resource } from "../../model/resource.js";
import { checkMatchLabelsSelector } from "./selectors.js";
import { entries, FieldPath, has, obj, type Problems } from "./report.js";

export function checkPeerAuthentication(resource: Resource, problems: Problems): void {
  const spec = obj(resource.object["spec"]);
  if (spec === undefined) return;
  const at = FieldPath.root.field("spec");
  checkMatchLabelsSelector(problems, spec, "selector", at);
  if (!has(spec, "portLevelMtls")) return;
  const path = at.field("portLevelMtls");
  const ports = entries(spec["portLevelMtls"]);
  const selectorLabels = entries(obj(spec["selector"])?.["matchLabels"]);
  if (selectorLabels.length === 0) {
    // CEL "portLevelMtls requires selector"; istiod: "mesh/namespace peer authentication cannot have port level mTLS".
    problems.error(
      path,
      "portLevelMtls requires selector: mesh/namespace peer authentication cannot have port level mTLS; add selector.matchLabels naming the workload, " +
        "or move these ports into a workload-level PeerAuthentication",
    );
  } else if (ports.length === 0) {
    problems.error(path, "port level mTLS, if defined, must have at least one element (remove portLevelMtls)");
  }
  for (const [port] of ports) {
    // CEL int(key): an integer (optionally signed), then 1..65535.
    const n = /^[+-]?\d+$/.test(port) ? Number(port) : NaN;
    if (!(n > 0 && n <= 65535)) {
      problems.error(path.key(port), `port must be between 1-65535 ('${port}'); the key is the workload's (container) port number`);
    }
  }
}
