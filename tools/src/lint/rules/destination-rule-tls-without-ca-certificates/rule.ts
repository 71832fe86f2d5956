import { unverifiedClientTls } from "../../../mesh/client-tls.js";
import { objectAt } from "../../../mesh/fields.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "destination-rule-tls-without-ca-certificates",
  code: "IST0128",
  severity: "warning",
  summary: "A DestinationRule that originates SIMPLE or MUTUAL TLS sets caCertificates to verify the server",
  appliesTo: ["DestinationRule"],
  reads: ["DestinationRule"],
  *check(index) {
    for (const dr of index.istio("DestinationRule")) {
      for (const tls of unverifiedClientTls(dr)) {
        if (tls.level.kind !== "host") continue;
        const host = objectAt(dr.object, "spec")["host"];
        yield {
          resource: dr,
          pointer: tls.pointer,
          message:
            `trafficPolicy.tls: mode ${tls.mode} for ${String(host)} sets no caCertificates, so the client does not pin the ` +
            `CA the server's certificate must chain to. Set caCertificates ` +
            `to the CA bundle of the server (or, on a DestinationRule with a workloadSelector, credentialName)`,
        };
      }
    }
  },
};

export default rule;
