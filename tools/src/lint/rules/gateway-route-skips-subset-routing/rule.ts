import { pointerOf, type Resource } from "../../../model/resource.js";
import { arrayAt, objectAt } from "../../../mesh/fields.js";
import { namespaceOf } from "../../../mesh/hosts.js";
import { virtualServiceHosts } from "../../../mesh/virtual-service.js";
import type { LintRule } from "../../rule.js";
import { compareStrings } from "../../../util/compare-strings.js";

const rule: LintRule = {
  id: "gateway-route-skips-subset-routing",
  code: "IST0140",
  severity: "warning",
  summary: "A gateway-bound VirtualService that routes to a host without a subset does not expect that host's subset routing to apply",
  appliesTo: ["VirtualService"],
  reads: ["VirtualService"],
  *check(index) {
    // As istioctl's DestinationHostAnalyzer: the VirtualServices that split their own host into subsets
    // (an http route to one of their hosts, as written, with a subset), by that host.
    const splitting = new Map<string, Set<Resource>>();
    for (const vs of index.istio("VirtualService")) {
      const hosts = new Set(virtualServiceHosts(vs));
      for (const route of arrayAt(objectAt(vs.object, "spec"), "http")) {
        for (const weighted of arrayAt(route, "route")) {
          const destination = objectAt(weighted, "destination");
          const host = destination["host"];
          if (typeof host !== "string" || typeof destination["subset"] !== "string" || destination["subset"] === "" || !hosts.has(host)) continue;
          const set = splitting.get(host) ?? new Set<Resource>();
          set.add(vs);
          splitting.set(host, set);
        }
      }
    }
    for (const vs of index.istio("VirtualService")) {
      if (arrayAt(objectAt(vs.object, "spec"), "gateways").length === 0) continue;
      for (const [i, route] of arrayAt(objectAt(vs.object, "spec"), "http").entries()) {
        for (const [j, weighted] of arrayAt(route, "route").entries()) {
          const destination = objectAt(weighted, "destination");
          const host = destination["host"];
          if (typeof host !== "string" || (typeof destination["subset"] === "string" && destination["subset"] !== "")) continue;
          for (const other of [...(splitting.get(host) ?? [])].sort((a, b) => compareStrings(a.name, b.name))) {
            yield {
              resource: vs,
              pointer: pointerOf("spec", "http", i, "route", j, "destination", "host"),
              message:
                `http[${i}].route[${j}] sends gateway traffic to ${host} without a subset, and VirtualService ` +
                `${namespaceOf(other)}/${other.name} splits ${host} into subsets: a gateway applies only the VirtualServices ` +
                `bound to it, so these requests ignore that split and reach every version. Route to the subsets here too`,
            };
          }
        }
      }
    }
  },
};

export default rule;
