import { istioWebhooks, urlHostname } from "../../../mesh/istio-webhooks.js";
import { isJsonObject, pointerOf } from "../../../model/resource.js";
import { objectAt } from "../../../mesh/fields.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "external-control-plane-webhook-address",
  code: "IST0163",
  severity: "warning",
  summary: "Istio's validation and injection webhooks name how to reach the control plane: a Service, or a URL that parses",
  appliesTo: ["ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"],
  reads: ["ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"],
  *check(index) {
    for (const { config, webhook, index: i } of istioWebhooks(index)) {
      const clientConfig = objectAt(webhook, "clientConfig");
      const url = clientConfig["url"];
      const name = String(webhook["name"]);
      if (typeof url === "string") {
        if (urlHostname(url) !== undefined) continue;
        yield {
          resource: config,
          pointer: pointerOf("webhooks", i, "clientConfig", "url"),
          message: `webhook ${name}: the URL "${url}" for reaching the external control plane does not parse, so the API server cannot call it. Fix the URL`,
        };
      } else if (!isJsonObject(clientConfig["service"])) {
        yield {
          resource: config,
          pointer: pointerOf("webhooks", i, "clientConfig"),
          message: `webhook ${name}: clientConfig names neither a url nor a service, so the API server cannot call the control plane. Set one`,
        };
      }
    }
  },
};

export default rule;
