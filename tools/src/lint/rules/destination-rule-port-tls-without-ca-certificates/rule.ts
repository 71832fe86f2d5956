import { unverifiedClientTls } from "../../../mesh/client-tls.js";
import { objectAt } from "../../../mesh/fields.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "destination-rule-port-tls-without-ca-certificates",
  code: "IST0129",
  severity: "warning",
  summary: "A DestinationRule port-level setting that originates SIMPLE or MUTUAL TLS sets caCertificates to verify the server",
  appliesTo: ["DestinationRule"],
  reads: ["DestinationRule"],
  *check(index) {
    for (const dr of index.istio("DestinationRule")) {
      for (const tls of unverifiedClientTls(dr)) {
        if (tls.level.kind !== "port") continue;
        const host = objectAt(dr.object, "spec")["host"];
        const { setting, port } = tls.level;
        yield {
          resource: dr,
          pointer: tls.pointer,
          message:
            `trafficPolicy.portLevelSettings[${setting}].tls: mode ${tls.mode} for ${String(host)}` +
            `${port === undefined ? "" : ` port ${port}`} sets no caCertificates, so the client does not pin the CA ` +
            `the server's certificate must chain to. Set caCertificates to the CA bundle of the server (or, on a ` +
            `DestinationRule with a workloadSelector, credentialName)`,
        };
      }
    }
  },
};

export default rule;
