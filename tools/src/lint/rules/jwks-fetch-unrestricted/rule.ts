import { isJsonObject } from "../../../model/resource.js";
import { arrayAt, objectAt, stringMap } from "../../../mesh/fields.js";
import { namespaceOf } from "../../../mesh/hosts.js";
import type { LintRule } from "../../rule.js";

const ENV_NAME = "BLOCKED_CIDRS_IN_JWKS_URIS";

const rule: LintRule = {
  id: "jwks-fetch-unrestricted",
  code: "IST0175",
  severity: "warning",
  summary: "When RequestAuthentications exist, istiod is configured with BLOCKED_CIDRS_IN_JWKS_URIS",
  appliesTo: ["Deployment"],
  reads: ["Deployment", "RequestAuthentication"],
  *check(index) {
    const policies = index.istio("RequestAuthentication").map((r) => `${namespaceOf(r)}/${r.name}`);
    if (policies.length === 0) return;
    for (const deployment of index.kind("Deployment")) {
      if (stringMap(objectAt(deployment.object, "metadata")["labels"])["app"] !== "istiod") continue;
      const containers = arrayAt(objectAt(objectAt(objectAt(deployment.object, "spec"), "template"), "spec"), "containers");
      const configured = containers.some((container) =>
        arrayAt(container, "env").some((env) => isJsonObject(env) && env["name"] === ENV_NAME && typeof env["value"] === "string" && env["value"] !== ""),
      );
      if (configured) continue;
      const shown = policies.length <= 5 ? policies.join(", ") : `${policies.slice(0, 5).join(", ")}, and ${policies.length - 5} more`;
      yield {
        resource: deployment,
        pointer: "/spec/template/spec/containers",
        message:
          `istiod has no ${ENV_NAME} while ${policies.length} RequestAuthentication(s) exist (${shown}): istiod fetches each ` +
          `jwksUri itself, so a jwksUri pointing at an internal address (a metadata service, an admin port) makes istiod ` +
          `fetch it from inside the cluster. Set ${ENV_NAME} on istiod to the networks it must not fetch from`,
      };
    }
  },
};

export default rule;
