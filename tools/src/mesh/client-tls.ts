import { objectAt } from "./fields.js";
import { isJsonObject, type JsonObject, type Resource } from "../model/resource.js";

/**
 * A client TLS setting of a DestinationRule (`trafficPolicy.tls`, or `tls` of a port-level setting) that
 * originates SIMPLE or MUTUAL TLS without `caCertificates`, so nothing pins the CA the server's certificate
 * must chain to. As istioctl's destinationrule.CaCertificateAnalyzer (IST0128, IST0129): a `credentialName`
 * excuses it only on a DestinationRule with a workloadSelector (where the credential can carry the CA);
 * subsets are not looked at.
 */
export interface UnverifiedClientTls {
  /** JSON pointer of the `tls` object. */
  pointer: string;
  mode: "SIMPLE" | "MUTUAL";
  /** Host level (`trafficPolicy.tls`), or the index and port number of a port-level setting. */
  level: { kind: "host" } | { kind: "port"; setting: number; port: number | undefined };
}

export function unverifiedClientTls(rule: Resource): UnverifiedClientTls[] {
  const spec = objectAt(rule.object, "spec");
  const hasWorkloadSelector = isJsonObject(spec["workloadSelector"]);
  const policy = objectAt(spec, "trafficPolicy");
  const result: UnverifiedClientTls[] = [];
  const judge = (tls: JsonObject, pointer: string, level: UnverifiedClientTls["level"]) => {
    const mode = tls["mode"];
    if (mode !== "SIMPLE" && mode !== "MUTUAL") return;
    if (typeof tls["caCertificates"] === "string" && tls["caCertificates"] !== "") return;
    if (typeof tls["credentialName"] === "string" && tls["credentialName"] !== "" && hasWorkloadSelector) return;
    result.push({ pointer, mode, level });
  };
  judge(objectAt(policy, "tls"), "/spec/trafficPolicy/tls", { kind: "host" });
  const settings = Array.isArray(policy["portLevelSettings"]) ? policy["portLevelSettings"] : [];
  settings.forEach((setting, i) => {
    const number = objectAt(setting, "port")["number"];
    judge(objectAt(setting, "tls"), `/spec/trafficPolicy/portLevelSettings/${i}/tls`, {
      kind: "port",
      setting: i,
      port: typeof number === "number" ? number : undefined,
    });
  });
  return result;
}
