import type { Resource } from "../../../model/resource.js";
import { objectAt } from "../../../mesh/fields.js";
import { ROOT_NAMESPACE } from "../../../mesh/hosts.js";
import { describeMtls } from "../../../mesh/peer-authentication.js";
import { PolicyModel } from "../../../mesh/policy-model.js";
import { listNames } from "../../messages.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "strict-mtls-missing",
  severity: "warning",
  summary: "Every namespace with workloads requires mTLS (PeerAuthentication STRICT, namespace-wide or mesh-wide)",
  appliesTo: ["PeerAuthentication", "Namespace", "Service", "Deployment", "StatefulSet", "DaemonSet", "Pod"],
  reads: ["PeerAuthentication", "Namespace", "Service", "Deployment", "StatefulSet", "DaemonSet", "Pod"],
  *check(index) {
    // Only a whole environment shows that no STRICT policy exists anywhere.
    if (index.environment === undefined) return;
    const model = PolicyModel.of(index);
    const namespaceObjects = new Map(index.kind("Namespace").map((ns) => [ns.name, ns] as const));
    for (const namespace of index.namespacesWithWorkloads()) {
      const mtls = model.namespaceMtls(namespace);
      if (mtls.mode === "STRICT") continue;
      const workloads = listNames(index.workloadsIn(namespace).map((w) => w.name));
      const own = namespace === ROOT_NAMESPACE ? undefined : model.namespacePeerAuthentication(namespace);
      if (own !== undefined) {
        // The namespace has its own policy: the fix is there.
        const hasMode = "mode" in objectAt(objectAt(own.object, "spec"), "mtls");
        yield {
          resource: own,
          pointer: hasMode ? "/spec/mtls/mode" : "/spec",
          message:
            `the namespace-wide mode is ${describeMtls(mtls)}, so the workloads of ${namespace} (${workloads}) accept ` +
            `plaintext, which carries no peer identity and is not encrypted. Set mtls.mode: STRICT`,
        };
        continue;
      }
      const anchor: Resource | undefined = namespaceObjects.get(namespace) ?? index.workloadsIn(namespace)[0]?.source;
      if (anchor === undefined) continue;
      const where = anchor.kind === "Namespace" ? "this namespace" : `namespace ${namespace}`;
      yield {
        resource: anchor,
        pointer: "",
        message:
          `${where} has no namespace-wide PeerAuthentication and its mode is ${describeMtls(mtls)}, so its workloads ` +
          `(${workloads}) accept plaintext, which carries no peer identity and is not encrypted. Add a PeerAuthentication ` +
          `named default with mtls.mode: STRICT to ${anchor.kind === "Namespace" ? "it" : namespace} (or one mesh-wide in ${ROOT_NAMESPACE})`,
      };
    }
  },
};

export default rule;
