import { isJsonObject, pointerOf, type JsonObject } from "../../../model/resource.js";
import { arrayAt, objectAt } from "../../../mesh/fields.js";
import { CLUSTER_DOMAIN, namespaceOf, resolveHost } from "../../../mesh/hosts.js";
import { describeMtls } from "../../../mesh/peer-authentication.js";
import { PolicyModel } from "../../../mesh/policy-model.js";
import { labelsMatch, selectorMap } from "../../../mesh/selector.js";
import { listNames } from "../../messages.js";
import type { LintRule } from "../../rule.js";

/** One `tls.mode: DISABLE`, and the traffic it governs. */
interface Disable {
  path: string;
  pointer: string;
  /** Subset labels (pods of that subset only; null = a non-string label, no pod), or undefined for the host's default traffic. */
  subset: Record<string, string> | null | undefined;
  /** The Service port it is for (port-level), or undefined for every port without its own port-level settings. */
  servicePort: number | undefined;
  /** Ports that have their own portLevelSettings and so do not inherit this top-level tls. */
  exceptPorts: number[];
}

const rule: LintRule = {
  id: "destination-rule-disables-tls-under-strict",
  severity: "error",
  summary: "A DestinationRule does not send plaintext (tls.mode DISABLE) to workloads that require mTLS (STRICT)",
  appliesTo: ["DestinationRule"],
  reads: ["DestinationRule", "PeerAuthentication", "Service", "Deployment", "Pod"],
  *check(index) {
    const model = PolicyModel.of(index);
    for (const dr of index.istio("DestinationRule")) {
      const spec = objectAt(dr.object, "spec");
      const host = spec["host"];
      if (typeof host !== "string") continue;
      for (const disable of disables(spec)) {
        if (host.startsWith("*")) {
          // Namespace- or mesh-wide DR: judged against the namespace-wide modes (workload policies aside).
          const suffix = host.slice(1);
          if (suffix !== "" && !suffix.startsWith(".")) continue;
          const strict = index
            .namespacesWithWorkloads({ withInferredPods: true })
            .filter((ns) => `.${ns}.svc.${CLUSTER_DOMAIN}`.endsWith(suffix))
            .map((ns) => ({ ns, mtls: model.namespaceMtls(ns) }))
            .filter((entry) => entry.mtls.mode === "STRICT");
          const first = strict[0];
          if (first === undefined) continue;
          yield {
            resource: dr,
            pointer: disable.pointer,
            message:
              `${disable.path} DISABLE makes clients send plaintext to every service matching "${host}", but namespace` +
              `${strict.length > 1 ? "s" : ""} ${listNames(strict.map((s) => s.ns))} require${strict.length > 1 ? "" : "s"} mTLS (${describeMtls(first.mtls)}): ` +
              `those connections are rejected (typically 503). Remove the tls block so auto mTLS applies, or narrow the host`,
          };
          continue;
        }
        const service = index.servicesByHost.get(resolveHost(host, namespaceOf(dr)));
        if (service === undefined) continue;
        const ports = service.ports.filter((p) =>
          disable.servicePort === undefined ? !disable.exceptPorts.includes(p.port) : p.port === disable.servicePort,
        );
        const strict: Array<{ workload: string; port: number; how: string }> = [];
        for (const workload of model.workloadsOf(service, { withInferredPods: true })) {
          if (disable.subset !== undefined && !labelsMatch(disable.subset, workload.labels)) continue;
          for (const port of ports) {
            const target = model.targetPortOf(workload, port);
            if (target === undefined) continue;
            const mtls = model.effectiveMtls(workload, target);
            if (mtls.mode === "STRICT") strict.push({ workload: workload.name, port: target, how: describeMtls(mtls) });
          }
        }
        const first = strict[0];
        if (first === undefined) continue;
        const targets = [...new Set(strict.map((s) => s.port))].sort((a, b) => a - b);
        yield {
          resource: dr,
          pointer: disable.pointer,
          message:
            `${disable.path} DISABLE makes clients send plaintext to ${host}, but ${listNames(strict.map((s) => s.workload))} ` +
            `accept${new Set(strict.map((s) => s.workload)).size > 1 ? "" : "s"} only mTLS on port${targets.length > 1 ? "s" : ""} ${targets.join(", ")} (${first.how}): the ` +
            `connections are rejected (typically 503). Remove the tls block so auto mTLS applies (or use ISTIO_MUTUAL)`,
        };
      }
    }
  },
};

export default rule;

function disables(spec: JsonObject): Disable[] {
  const found: Disable[] = [];
  const collect = (policy: JsonObject, base: Array<string | number>, label: string, subset: Record<string, string> | null | undefined): void => {
    const levels = arrayAt(policy, "portLevelSettings").filter(isJsonObject);
    const ownPorts = levels.map((p) => Number(objectAt(p, "port")["number"])).filter((n) => Number.isInteger(n));
    if (objectAt(policy, "tls")["mode"] === "DISABLE") {
      found.push({ path: `${label}tls.mode`, pointer: pointerOf(...base, "tls", "mode"), subset, servicePort: undefined, exceptPorts: ownPorts });
    }
    for (const [k, level] of arrayAt(policy, "portLevelSettings").entries()) {
      if (!isJsonObject(level) || objectAt(level, "tls")["mode"] !== "DISABLE") continue;
      const port = Number(objectAt(level, "port")["number"]);
      if (!Number.isInteger(port)) continue;
      found.push({
        path: `${label}portLevelSettings[${k}].tls.mode`,
        pointer: pointerOf(...base, "portLevelSettings", k, "tls", "mode"),
        subset,
        servicePort: port,
        exceptPorts: [],
      });
    }
  };
  collect(objectAt(spec, "trafficPolicy"), ["spec", "trafficPolicy"], "trafficPolicy.", undefined);
  for (const [s, subset] of arrayAt(spec, "subsets").entries()) {
    if (!isJsonObject(subset)) continue;
    const name = typeof subset["name"] === "string" ? subset["name"] : String(s);
    collect(objectAt(subset, "trafficPolicy"), ["spec", "subsets", s, "trafficPolicy"], `subset ${name} trafficPolicy.`, selectorMap(subset["labels"]));
  }
  return found;
}
