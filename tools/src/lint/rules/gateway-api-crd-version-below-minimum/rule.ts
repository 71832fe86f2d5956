import { objectAt, stringMap } from "../../../mesh/fields.js";
import type { LintRule } from "../../rule.js";

/** Istio 1.31's minimum Gateway API bundle version per CRD (pkg/config/schema/gatewayapi MinimumCRDVersions). */
export const MINIMUM_CRD_VERSIONS: Readonly<Record<string, readonly [number, number, number]>> = {
  "grpcroutes.gateway.networking.k8s.io": [1, 1, 0],
  "backendtlspolicies.gateway.networking.k8s.io": [1, 4, 0],
  "tlsroutes.gateway.networking.k8s.io": [1, 5, 0],
  "tcproutes.gateway.networking.k8s.io": [1, 6, 0],
};

const BUNDLE_VERSION_ANNOTATION = "gateway.networking.k8s.io/bundle-version";
// Masterminds semver's lenient form: an optional v, one to three numbers, a pre-release, build metadata.
const VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

const rule: LintRule = {
  id: "gateway-api-crd-version-below-minimum",
  code: "IST0176",
  severity: "warning",
  summary: "Gateway API CRDs are at least the bundle version Istio 1.31 requires",
  appliesTo: ["CustomResourceDefinition"],
  reads: ["CustomResourceDefinition"],
  *check(index) {
    for (const crd of index.kind("CustomResourceDefinition")) {
      const minimum = MINIMUM_CRD_VERSIONS[crd.name];
      const written = stringMap(objectAt(crd.object, "metadata")["annotations"])[BUNDLE_VERSION_ANNOTATION];
      if (minimum === undefined || written === undefined) continue;
      const match = VERSION.exec(written);
      if (match === null) continue;
      // The pre-release is dropped before comparing (1.6.0-rc1 counts as 1.6.0), as istioctl does.
      const version = [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
      const below = version.findIndex((part, i) => part !== minimum[i]);
      if (below === -1 || (version[below] ?? 0) > (minimum[below] ?? 0)) continue;
      yield {
        resource: crd,
        pointer: `/metadata/annotations/${BUNDLE_VERSION_ANNOTATION.replace("/", "~1")}`,
        message:
          `${crd.name} is from Gateway API ${written}, and Istio 1.31 requires at least ${minimum.join(".")}: istiod does not ` +
          `process resources of this kind. Install the Gateway API CRDs of ${minimum.join(".")} or later`,
      };
    }
  },
};

export default rule;
