import { X509Certificate } from "node:crypto";
import { objectAt } from "./fields.js";
import type { Resource } from "../model/resource.js";

/**
 * Why istiod cannot serve a Kubernetes Secret as a gateway's TLS certificate, or undefined when it can:
 * istiod's ExtractCertInfo wants non-empty `cert` and `key` (Istio's generic layout) or `tls.crt` and
 * `tls.key` (kubernetes.io/tls) in `data`, and ValidateCertificate wants the certificate's first PEM block
 * to parse as X.509 and be valid at `now`.
 */
export function tlsSecretProblem(secret: Resource, now: Date): string | undefined {
  const data = objectAt(secret.object, "data");
  const value = (key: string): string => (typeof data[key] === "string" ? data[key] : "");
  let certificate: string | undefined;
  for (const [cert, key] of [
    ["cert", "key"],
    ["tls.crt", "tls.key"],
  ] as const) {
    if (value(cert) !== "" && value(key) !== "") {
      certificate = value(cert);
      break;
    }
  }
  if (certificate === undefined) {
    const keys = Object.keys(data).sort();
    return `it has no non-empty tls.crt and tls.key (nor cert and key) in data${keys.length > 0 ? ` (it has ${keys.join(", ")})` : ""}`;
  }
  const pem = /-----BEGIN [^-]+-----([\s\S]*?)-----END [^-]+-----/.exec(Buffer.from(certificate, "base64").toString("utf8"));
  if (pem === null) return "its certificate is not PEM";
  let parsed: X509Certificate;
  try {
    parsed = new X509Certificate(Buffer.from((pem[1] ?? "").replace(/\s+/g, ""), "base64"));
  } catch {
    return "its certificate does not parse as X.509";
  }
  const notBefore = new Date(parsed.validFrom);
  const notAfter = new Date(parsed.validTo);
  if (now > notAfter) return `its certificate expired on ${notAfter.toISOString().slice(0, 10)}`;
  if (now < notBefore) return `its certificate is not valid before ${notBefore.toISOString().slice(0, 10)}`;
  return undefined;
}
