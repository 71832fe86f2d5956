import type { Resource } from "../../../model/resource.js";
import { pointerOf } from "../../../model/resource.js";
import { arrayAt, objectAt } from "../../../mesh/fields.js";
import { namespaceOf, normaliseExportTo, resolveHost } from "../../../mesh/hosts.js";
import { isMeshBound, virtualServiceHosts } from "../../../mesh/virtual-service.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "conflicting-virtual-service-hosts",
  code: "IST0109",
  severity: "error",
  summary: "At most one VirtualService bound to the mesh gateway claims a host",
  appliesTo: ["VirtualService"],
  reads: ["VirtualService"],
  *check(index) {
    for (const [host, all] of index.virtualServicesByHost()) {
      // Gateways merge the VirtualServices of a host; sidecars (the mesh gateway) do not.
      const meshBound = all.filter(isMeshBound);
      if (meshBound.length < 2) continue;
      for (const vs of meshBound) {
        const others = meshBound.filter((other) => other !== vs && visibleTogether(vs, other));
        if (others.length === 0) continue;
        const namespace = namespaceOf(vs);
        const hostIndex = virtualServiceHosts(vs).findIndex((h) => resolveHost(h, namespace).toLowerCase() === host);
        yield {
          resource: vs,
          pointer: pointerOf("spec", "hosts", hostIndex),
          message:
            `host ${host} is also claimed for the mesh gateway by VirtualService ` +
            `${others.map((o) => `${namespaceOf(o)}/${o.name}`).join(", ")}: sidecars do not merge VirtualServices ` +
            `of one host, so only the oldest applies and the routes of the others are silently dropped. Merge them ` +
            `into one VirtualService (only gateway-bound VirtualServices are merged)`,
        };
      }
    }
  },
};

export default rule;

/** Two VirtualServices collide only where both are visible (`exportTo`). */
function visibleTogether(a: Resource, b: Resource): boolean {
  const seenBy = (vs: Resource) =>
    normaliseExportTo(
      arrayAt(objectAt(vs.object, "spec"), "exportTo").filter((e): e is string => typeof e === "string"),
      namespaceOf(vs),
    );
  const x = seenBy(a);
  const y = seenBy(b);
  if (x.length === 0 || y.length === 0) return false;
  return x.includes("*") || y.includes("*") || x.some((ns) => y.includes(ns));
}
