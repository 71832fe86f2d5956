import { pointerOf } from "../../../model/resource.js";
import { objectAt } from "../../../mesh/fields.js";
import { CLUSTER_DOMAIN, ROOT_NAMESPACE, isExportedTo } from "../../../mesh/hosts.js";
import type { RegistryEntry } from "../../../mesh/service-registry.js";
import type { LintRule } from "../../rule.js";

const MESH_WIDE_HOSTS = new Set(["*", `*.local`, `*.${CLUSTER_DOMAIN}`, `*.svc.${CLUSTER_DOMAIN}`]);

const rule: LintRule = {
  id: "destination-rule-host-not-found",
  code: "IST0174",
  severity: "warning",
  summary: "A DestinationRule's host is a Service or ServiceEntry it can see",
  appliesTo: ["DestinationRule"],
  reads: ["DestinationRule", "Service", "ServiceEntry"],
  *check(index) {
    for (const dr of index.destinationRules()) {
      // Mesh-wide patterns (`*.local`, ...) are policy for whatever exists, not references to a host.
      if (MESH_WIDE_HOSTS.has(dr.host)) continue;
      const { visible, hidden } = index.lookupHost(dr.host, dr.namespace);
      if (visible.length > 0) continue;
      // A DestinationRule serves clients of its own namespace and, from the host's own namespace or the
      // root namespace, the clients it is exported to: the host only needs to be visible to them.
      const servesOthers = (entry: RegistryEntry) =>
        entry.namespace === dr.namespace ||
        (dr.namespace === ROOT_NAMESPACE && dr.exportTo.some((ns) => (ns === "*" ? entry.exportTo.length > 0 : isExportedTo(entry.exportTo, ns))));
      if (hidden.some(servesOthers)) continue;
      const written = objectAt(dr.resource.object, "spec")["host"];
      const host = typeof written === "string" ? written : dr.host;
      const shown = host.toLowerCase() === dr.host ? `"${host}"` : `"${host}" (${dr.host})`;
      const owner = hidden[0];
      yield {
        resource: dr.resource,
        pointer: pointerOf("spec", "host"),
        message:
          owner !== undefined
            ? `host ${shown} is ${owner.kind} ${owner.namespace}/${owner.resource.name}, which is not exported to ` +
              `namespace ${dr.namespace}, so this DestinationRule applies to nothing: its traffic policy and subsets ` +
              `are ignored. Export the host to ${dr.namespace}, or move the DestinationRule to namespace ${owner.namespace}`
            : `host ${shown} matches no Service or ServiceEntry, so this DestinationRule applies to nothing: its ` +
              `traffic policy and subsets are ignored. Fix the host (a name without dots is a Service in namespace ` +
              `${dr.namespace}), or add the Service or ServiceEntry it is meant for`,
      };
    }
  },
};

export default rule;
