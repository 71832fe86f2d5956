import { isIpAddress } from "../../../mesh/addresses.js";
import { istioWebhooks, urlHostname } from "../../../mesh/istio-webhooks.js";
import { pointerOf } from "../../../model/resource.js";
import { objectAt } from "../../../mesh/fields.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "external-control-plane-webhook-ip-address",
  code: "IST0164",
  severity: "info",
  summary: "Istio's webhooks reach an external control plane by host name, not by IP address",
  appliesTo: ["ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"],
  reads: ["ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"],
  *check(index) {
    for (const { config, webhook, index: i } of istioWebhooks(index)) {
      const url = objectAt(webhook, "clientConfig")["url"];
      const host = typeof url === "string" ? urlHostname(url) : undefined;
      if (host === undefined || !isIpAddress(host)) continue;
      yield {
        resource: config,
        pointer: pointerOf("webhooks", i, "clientConfig", "url"),
        message:
          `webhook ${String(webhook["name"])} reaches the external control plane at the IP address ${host}: the address ` +
          `changes with the load balancer and the certificate cannot name it reliably. Use a host name (DNS) in production`,
      };
    }
  },
};

export default rule;
