import { isJsonObject, pointerOf, type JsonObject, type Resource } from "../../../model/resource.js";
import { arrayAt, objectAt } from "../../../mesh/fields.js";
import type { LintRule, RuleReport } from "../../rule.js";

/** The profiles istioctl ships (manifests/profiles) and the Helm charts accept as `profile`. */
export const ISTIO_PROFILES = ["ambient", "default", "demo", "empty", "minimal", "openshift", "openshift-ambient", "preview", "remote", "stable"] as const;

const ISTIO_CHARTS = new Set(["base", "istiod", "gateway", "cni", "ztunnel", "istio-discovery"]);

const rule: LintRule = {
  id: "unknown-install-profile",
  severity: "error",
  summary: "An Istio install (IstioOperator, or Istio's Helm charts in an Argo CD Application) names a profile that exists",
  appliesTo: ["IstioOperator", "Application"],
  reads: ["IstioOperator", "Application"],
  *check(index) {
    for (const operator of index.kind("IstioOperator")) {
      const profile = objectAt(operator.object, "spec")["profile"];
      if (typeof profile === "string") yield* judge(operator, profile, pointerOf("spec", "profile"));
    }
    for (const application of index.kind("Application")) {
      if (!application.apiVersion.startsWith("argoproj.io/")) continue;
      const spec = objectAt(application.object, "spec");
      const sources: Array<[JsonObject, string[]]> = [[objectAt(spec, "source"), ["spec", "source"]]];
      arrayAt(spec, "sources").forEach((source, i) => {
        if (isJsonObject(source)) sources.push([source, ["spec", "sources", String(i)]]);
      });
      for (const [source, path] of sources) {
        if (!isIstioChart(source)) continue;
        for (const [profile, pointer] of helmProfiles(objectAt(source, "helm"), [...path, "helm"])) {
          yield* judge(application, profile, pointer);
        }
      }
    }
  },
};

export default rule;

function* judge(resource: Resource, profile: string, pointer: string): Iterable<RuleReport> {
  if ((ISTIO_PROFILES as readonly string[]).includes(profile)) return;
  yield {
    resource,
    pointer,
    message:
      `Istio has no profile "${profile}", so the install fails; the profiles are ${ISTIO_PROFILES.join(", ")}. ` +
      `For production use "default" (Istio's recommendation) and tune its values`,
  };
}

function isIstioChart(source: JsonObject): boolean {
  const chart = source["chart"];
  const repo = typeof source["repoURL"] === "string" ? source["repoURL"] : "";
  return typeof chart === "string" && ISTIO_CHARTS.has(chart) && (repo.includes("istio") || chart !== "base");
}

/** `profile` set through valuesObject, a parameter, or the values text. */
function helmProfiles(helm: JsonObject, path: string[]): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  const fromObject = objectAt(helm, "valuesObject")["profile"];
  if (typeof fromObject === "string") found.push([fromObject, pointerOf(...path, "valuesObject", "profile")]);
  arrayAt(helm, "parameters").forEach((parameter, i) => {
    if (isJsonObject(parameter) && parameter["name"] === "profile" && typeof parameter["value"] === "string") {
      found.push([parameter["value"], pointerOf(...path, "parameters", i, "value")]);
    }
  });
  const values = helm["values"];
  const match = typeof values === "string" ? /^profile:\s*["']?([\w.-]+)/m.exec(values) : null;
  if (match?.[1] !== undefined) found.push([match[1], pointerOf(...path, "values")]);
  return found;
}
