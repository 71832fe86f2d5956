import { arrayAt } from "./fields.js";
import type { MeshIndex } from "./mesh-index.js";
import { isJsonObject, type JsonObject, type Resource } from "../model/resource.js";

/**
 * Istio's webhook configurations as `istioctl analyze`'s ExternalControlPlaneAnalyzer finds them, by
 * name: `istiod-default-validator` and `istio-validator*` (validation), `istio-sidecar-injector*` (injection).
 */
export function istioWebhooks(index: MeshIndex): Array<{ config: Resource; webhook: JsonObject; index: number }> {
  const configs = [
    ...index.kind("ValidatingWebhookConfiguration").filter((c) => c.name === "istiod-default-validator" || c.name.startsWith("istio-validator")),
    ...index.kind("MutatingWebhookConfiguration").filter((c) => c.name.startsWith("istio-sidecar-injector")),
  ];
  return configs.flatMap((config) =>
    arrayAt(config.object, "webhooks").flatMap((webhook, i) => (isJsonObject(webhook) ? [{ config, webhook, index: i }] : [])),
  );
}

/** The host of a URL (brackets of an IPv6 literal removed), or undefined when it does not parse. */
export function urlHostname(url: string): string | undefined {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return undefined;
  }
}
