import { gatewayModel } from "../../../mesh/gateways.js";
import { tlsSecretProblem } from "../../../mesh/tls-secret.js";
import { pointerOf, type Resource } from "../../../model/resource.js";
import { namespaceOf } from "../../../mesh/hosts.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "gateway-credential-invalid",
  code: "IST0161",
  severity: "error",
  summary: "The Secret a Gateway server's credentialName names holds a certificate and key istiod can serve, valid today",
  appliesTo: ["Gateway"],
  reads: ["Gateway", "Secret", "Service", "Deployment", "Pod"],
  *check(index) {
    const secrets = new Map<string, Resource>();
    for (const secret of index.kind("Secret")) if (secret.apiVersion === "v1") secrets.set(`${namespaceOf(secret)}/${secret.name}`, secret);
    if (secrets.size === 0) return;
    const model = gatewayModel(index);
    const now = new Date();
    for (const gateway of model.gateways) {
      // istiod reads the credential in the namespace of the gateway pods (as istioctl: the first that matches).
      const pod = model.podsOf(gateway)[0];
      if (pod === undefined) continue;
      for (const server of gateway.servers) {
        if (server.credentialName === "") continue;
        const name = server.credentialName.includes("/") ? server.credentialName : `${pod.namespace}/${server.credentialName}`;
        const secret = secrets.get(name);
        // A Secret the input does not have is created elsewhere (secrets are rarely kept in git): nothing to judge.
        if (secret === undefined) continue;
        const problem = tlsSecretProblem(secret, now);
        if (problem === undefined) continue;
        yield {
          resource: gateway.resource,
          pointer: pointerOf("spec", "servers", server.index, "tls", "credentialName"),
          message:
            `servers[${server.index}].tls.credentialName names Secret ${name}, which istiod cannot serve: ${problem}. ` +
            `The gateway has no certificate for this server and TLS handshakes fail. Put a valid certificate and key in the ` +
            `Secret (kubectl create secret tls), or name another Secret`,
        };
      }
    }
  },
};

export default rule;
