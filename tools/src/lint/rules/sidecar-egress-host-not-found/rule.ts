import { pointerOf } from "../../../model/resource.js";
import { arrayAt, objectAt } from "../../../mesh/fields.js";
import { isExportedTo, namespaceOf, normaliseExportTo, resolveHost } from "../../../mesh/hosts.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "sidecar-egress-host-not-found",
  severity: "warning",
  summary: "Every Sidecar egress host matches a Service, ServiceEntry or VirtualService host of its namespace",
  appliesTo: ["Sidecar"],
  reads: ["Sidecar", "Service", "ServiceEntry", "VirtualService"],
  *check(index) {
    for (const sidecar of index.istio("Sidecar")) {
      const namespace = namespaceOf(sidecar);
      const spec = objectAt(sidecar.object, "spec");
      const registryOnly = objectAt(spec, "outboundTrafficPolicy")["mode"] === "REGISTRY_ONLY";
      for (const [i, listener] of arrayAt(spec, "egress").entries()) {
        for (const [j, entry] of arrayAt(listener, "hosts").entries()) {
          if (typeof entry !== "string") continue;
          const slash = entry.indexOf("/");
          if (slash === -1) continue; // Not namespace/dnsName: the schema's problem, not ours.
          const scope = entry.slice(0, slash);
          const dnsName = entry.slice(slash + 1);
          // Wildcards select whatever exists (`*/*`, `ns/*`, `./*.example.com`); `~` selects nothing on purpose.
          if (dnsName.startsWith("*") || scope === "~") continue;
          const target = scope === "." ? namespace : scope;
          // dnsName should be an FQDN; a short name is read in the namespace it selects from (as Kiali does).
          const host = resolveHost(dnsName, target === "*" ? namespace : target).toLowerCase();
          const inScope = (ns: string) => target === "*" || ns === target;
          const { visible, hidden } = index.lookupHost(host, namespace);
          if (visible.some((e) => inScope(e.namespace))) continue;
          const virtualServices = index.virtualServicesByHost().get(host) ?? [];
          const vsExport = (vs: (typeof virtualServices)[number]) =>
            normaliseExportTo(arrayAt(objectAt(vs.object, "spec"), "exportTo").filter((e): e is string => typeof e === "string"), namespaceOf(vs));
          if (virtualServices.some((vs) => inScope(namespaceOf(vs)) && isExportedTo(vsExport(vs), namespace))) continue;
          const where = target === "*" ? "any namespace" : `namespace ${target}`;
          const privateOne = hidden.find((e) => inScope(e.namespace));
          yield {
            resource: sidecar,
            pointer: pointerOf("spec", "egress", i, "hosts", j),
            message:
              `egress[${i}].hosts[${j}] "${entry}": ` +
              (privateOne !== undefined
                ? `${privateOne.kind} ${privateOne.namespace}/${privateOne.resource.name} declares ${host} but does not export it to namespace ${namespace}`
                : `no Service, ServiceEntry or VirtualService in ${where} declares ${host}`) +
              `, so the sidecar gets no configuration for it` +
              (registryOnly ? " and, with REGISTRY_ONLY, blocks calls to it" : "") +
              `. Fix the entry (namespace/FQDN, with the namespace that declares the host), or declare the host there`,
          };
        }
      }
    }
  },
};

export default rule;
