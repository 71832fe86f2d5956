import { isJsonObject, pointerOf } from "../../../model/resource.js";
import { objectAt } from "../../../mesh/fields.js";
import { ROOT_NAMESPACE, namespaceOf } from "../../../mesh/hosts.js";
import { type MtlsMode, mtlsModeOf } from "../../../mesh/peer-authentication.js";
import { matchLabelsOf } from "../../../mesh/policy-scope.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "permissive-mtls-in-prod",
  severity: "error",
  summary: "No PeerAuthentication in a prod environment accepts plaintext (PERMISSIVE or DISABLE)",
  appliesTo: ["PeerAuthentication"],
  reads: ["PeerAuthentication"],
  *check(index) {
    const environment = index.environment;
    if (environment === undefined || !environment.startsWith("prod")) return;
    for (const policy of index.istio("PeerAuthentication")) {
      // Root-namespace policies with a selector are ignored by Istio: they accept nothing.
      if (namespaceOf(policy) === ROOT_NAMESPACE && matchLabelsOf(policy) !== undefined) continue;
      const spec = objectAt(policy.object, "spec");
      const places: Array<{ path: string; pointer: string; mode: MtlsMode | undefined }> = [
        { path: "mtls.mode", pointer: pointerOf("spec", "mtls", "mode"), mode: mtlsModeOf(objectAt(spec, "mtls")["mode"]) },
      ];
      const portLevel = objectAt(spec, "portLevelMtls");
      for (const [port, entry] of Object.entries(portLevel)) {
        if (!isJsonObject(entry)) continue;
        places.push({ path: `portLevelMtls[${port}].mode`, pointer: pointerOf("spec", "portLevelMtls", port, "mode"), mode: mtlsModeOf(entry["mode"]) });
      }
      for (const place of places) {
        if (place.mode !== "PERMISSIVE" && place.mode !== "DISABLE") continue;
        yield {
          resource: policy,
          pointer: place.pointer,
          message:
            `${place.path} ${place.mode} accepts ${place.mode === "DISABLE" ? "only " : ""}plaintext in ${environment}: ` +
            `plaintext is not encrypted and carries no peer identity, so AuthorizationPolicies cannot tell who is ` +
            `calling. Use STRICT, or suppress this finding with the reason for the exception`,
        };
      }
    }
  },
};

export default rule;
