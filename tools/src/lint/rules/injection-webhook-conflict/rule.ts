import { labelSelectorMatches } from "../../../mesh/label-selector.js";
import { isJsonObject, type JsonObject, type Resource } from "../../../model/resource.js";
import { arrayAt, objectAt, stringMap } from "../../../mesh/fields.js";
import { namespaceOf } from "../../../mesh/hosts.js";
import type { MeshIndex } from "../../../mesh/mesh-index.js";
import type { LintRule, RuleReport } from "../../rule.js";

const REV = "istio.io/rev";

const rule: LintRule = {
  id: "injection-webhook-conflict",
  code: "IST0139",
  severity: "error",
  summary: "Istio's sidecar injection webhooks do not overlap, and each calls a Service that exists",
  appliesTo: ["MutatingWebhookConfiguration"],
  reads: ["MutatingWebhookConfiguration", "Service"],
  *check(index) {
    const configs = index.kind("MutatingWebhookConfiguration").flatMap((config) => {
      const revisions = revisionsOf(config);
      const webhooks = arrayAt(config.object, "webhooks").filter(isJsonObject);
      // As istioctl's webhook.Analyzer: Istio's webhooks are those with a revision or a name ending in istio.io.
      if (revisions.size === 0 && !webhooks.some((w) => typeof w["name"] === "string" && w["name"].endsWith("istio.io"))) return [];
      return [{ config, revisions, webhooks }];
    });
    if (configs.length === 0) return;
    const revisions = [...new Set(configs.flatMap((c) => [...c.revisions]))].sort();
    const namespaceCases = labelCases("istio-injection", "enabled", "disabled", revisions);
    const objectCases = labelCases("sidecar.istio.io/inject", "true", "false", revisions);
    const reported = new Set<string>();
    const reports: RuleReport[] = [];
    for (const namespaceLabels of namespaceCases) {
      for (const objectLabels of objectCases) {
        const matching = configs.flatMap(({ config, webhooks }) =>
          webhooks
            .filter((w) => labelSelectorMatches(w["namespaceSelector"], namespaceLabels) && labelSelectorMatches(w["objectSelector"], objectLabels))
            .map((w) => ({ config, name: `${config.name}/${String(w["name"])}` })),
        );
        if (matching.length < 2) continue;
        for (const { config, name } of matching) {
          const others = matching.filter((m) => m.name !== name).map((m) => m.name).sort();
          const key = `${name}\u0000${others.join(",")}`;
          if (reported.has(key)) continue;
          reported.add(key);
          reports.push({
            resource: config,
            pointer: "/webhooks",
            message:
              `webhook ${name} overlaps with ${others.join(", ")}: a pod in a namespace labelled ${describe(namespaceLabels)} with ` +
              `labels ${describe(objectLabels)} matches both, so injection may happen twice. Give each revision's webhooks ` +
              `disjoint namespace and object selectors`,
          });
        }
      }
    }
    yield* reports;
    yield* missingServices(index, configs);
  },
};

export default rule;

function* missingServices(index: MeshIndex, configs: ReadonlyArray<{ config: Resource; webhooks: JsonObject[] }>): Iterable<RuleReport> {
  const services = new Set(index.kind("Service").map((s) => `${namespaceOf(s)}/${s.name}`));
  const namespacesWithServices = new Set(index.kind("Service").map(namespaceOf));
  for (const { config, webhooks } of configs) {
    for (const [i, webhook] of webhooks.entries()) {
      const service = objectAt(objectAt(webhook, "clientConfig"), "service");
      if (typeof service["name"] !== "string" || typeof service["namespace"] !== "string") continue;
      const name = `${service["namespace"]}/${service["name"]}`;
      // Where the input has no Service of that namespace, the control plane is installed elsewhere: nothing to judge.
      if (services.has(name) || !namespacesWithServices.has(service["namespace"])) continue;
      yield {
        resource: config,
        pointer: `/webhooks/${i}/clientConfig/service`,
        message:
          `webhook ${config.name}/${String(webhook["name"])} calls Service ${name}, which does not exist: the API server ` +
          `cannot reach the injector, so pod creation fails or pods start without a sidecar (per the failurePolicy). ` +
          `Point it at istiod's Service`,
      };
    }
  }
}

/** The revisions a webhook configuration serves: its istio.io/rev label and its webhooks' selectors on that label. */
function revisionsOf(config: Resource): Set<string> {
  const revisions = new Set<string>();
  const label = stringMap(objectAt(config.object, "metadata")["labels"])[REV];
  if (label !== undefined) revisions.add(label);
  for (const webhook of arrayAt(config.object, "webhooks")) {
    for (const selector of [objectAt(webhook, "namespaceSelector"), objectAt(webhook, "objectSelector")]) {
      const value = stringMap(selector["matchLabels"])[REV];
      if (value !== undefined) revisions.add(value);
      for (const expression of arrayAt(selector, "matchExpressions")) {
        if (!isJsonObject(expression) || expression["key"] !== REV) continue;
        for (const v of arrayAt(expression, "values")) if (typeof v === "string") revisions.add(v);
      }
    }
  }
  return revisions;
}

/** istioctl's permutations: no label, the key on and off, and each with every revision's istio.io/rev. */
function labelCases(key: string, on: string, off: string, revisions: readonly string[]): Array<Record<string, string>> {
  const base: Array<Record<string, string>> = [{}, { [key]: on }, { [key]: off }];
  return [...base, ...revisions.flatMap((rev) => base.map((labels) => ({ ...labels, [REV]: rev })))];
}

function describe(labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  return pairs.length === 0 ? "(none)" : pairs.join(",");
}
