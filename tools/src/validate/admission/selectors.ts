import type { JsonObject } from "../../model/resource.js";
import { entries, has, nonEmpty, obj, objects, str, text, type FieldPath, type Problems } from "./report.js";

const LABEL = "[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?";
const QUALIFIED_NAME = "(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const TAG_KEY = new RegExp(`^(${LABEL}(?:\\.${LABEL})*/)?(${QUALIFIED_NAME})$`);
const TAG_VALUE = new RegExp(`^(?:${QUALIFIED_NAME})?$`);

/** istiod labels.Instance.Validate: Kubernetes label syntax for keys and values. */
export function checkLabels(problems: Problems, labels: unknown, at: FieldPath): void {
  for (const [key, value] of entries(labels)) {
    const m = TAG_KEY.exec(key);
    if (m === null) problems.error(at.key(key), `invalid tag key: '${key}' (a label key is [prefix/]name, letters, digits, '-', '_' and '.')`);
    else if ((m[1]?.length ?? 0) - 1 > 253) problems.error(at.key(key), `invalid tag key: '${key}' (DNS prefix is too long)`);
    else if ((m[2]?.length ?? 0) > 63) problems.error(at.key(key), `invalid tag key: '${key}' (name is too long)`);
    const v = str(value);
    if (v !== undefined && !TAG_VALUE.test(v)) {
      problems.error(at.key(key), `invalid tag value: '${v}' (a label value is letters, digits, '-', '_' and '.', starting and ending alphanumeric)`);
    }
  }
}

/**
 * `selector.matchLabels` of the security/telemetry/extension kinds (istio.type.v1beta1.WorkloadSelector):
 * the CRD's CEL rules and istiod's validateWorkloadSelector.
 */
export function checkMatchLabelsSelector(problems: Problems, spec: JsonObject | undefined, key: string, at: FieldPath): void {
  if (!has(spec, key)) return;
  const selector = obj(spec?.[key]);
  const path = at.field(key);
  if (selector === undefined) return;
  const labelsPath = path.field("matchLabels");
  const labels = entries(selector["matchLabels"]);
  for (const [k, v] of labels) {
    if (k === "") problems.error(labelsPath, "key must not be empty");
    else if (k.includes("*")) problems.error(labelsPath.key(k), "wildcard not allowed in label key match; selectors compare labels exactly, name the label");
    if (typeof v === "string" && v.includes("*")) {
      problems.error(labelsPath.key(k), `wildcard not allowed in label value match ('${v}'); selectors compare labels exactly, give the exact value`);
    }
  }
  if (labels.length === 0) {
    problems.warn(path, "workload selector specified without labels: it selects every workload in the namespace; add matchLabels or remove the selector");
  }
}

/**
 * `workloadSelector.labels` of Sidecar, EnvoyFilter and ServiceEntry (networking WorkloadSelector):
 * the CRD's CEL rule on values and istiod's ValidateAlphaWorkloadSelector.
 * `subject` prefixes istiod's warning ("sidecar", "service entry", "Envoy filter").
 */
export function checkLabelsSelector(problems: Problems, spec: JsonObject | undefined, at: FieldPath, subject: string): void {
  if (!has(spec, "workloadSelector")) return;
  const selector = obj(spec?.["workloadSelector"]);
  if (selector === undefined) return;
  const path = at.field("workloadSelector");
  const labelsPath = path.field("labels");
  const labels = entries(selector["labels"]);
  for (const [k, v] of labels) {
    const value = typeof v === "string" ? v : "";
    if (k === "") problems.error(labelsPath, `empty key is not supported in selector: '=${value}'`);
    if (k.includes("*") || value.includes("*")) {
      problems.error(labelsPath.key(k), `wildcard is not supported in selector: '${k}=${value}'; selectors compare labels exactly`);
    }
  }
  if (labels.length === 0) {
    problems.warn(path, `${subject}: workload selector specified without labels, will be applied to all services in namespace`);
  }
}

const ALLOWED_TARGETS: ReadonlyArray<{ group: string; kind: string }> = [
  { group: "core", kind: "Service" },
  { group: "networking.istio.io", kind: "ServiceEntry" },
  { group: "gateway.networking.k8s.io", kind: "Gateway" },
  { group: "gateway.networking.k8s.io", kind: "GatewayClass" },
];

function checkTargetRef(problems: Problems, ref: JsonObject, at: FieldPath, webhook: boolean): void {
  const namespace = text(ref, "namespace");
  if (namespace !== "") {
    problems.error(at.field("namespace"), `cross namespace referencing is not currently supported ('${namespace}'); remove namespace, the target must be in the policy's namespace`);
  }
  if (!webhook) return;
  if (text(ref, "name") === "") problems.error(at.field("name"), "targetRef name must be set");
  const group = text(ref, "group") === "" ? "core" : text(ref, "group");
  const kind = text(ref, "kind");
  if (!ALLOWED_TARGETS.some((t) => t.group === group && t.kind === kind)) {
    problems.error(
      at,
      `targetRef must be to one of Service, ServiceEntry (networking.istio.io), Gateway or GatewayClass ` +
        `(gateway.networking.k8s.io) but was ${text(ref, "group")}/${kind}`,
    );
  }
}

/**
 * `targetRef` / `targetRefs`: CEL forbids a namespace; istiod (when `webhook`) also wants a name
 * and an allowed kind.
 */
export function checkTargetRefs(problems: Problems, spec: JsonObject | undefined, at: FieldPath, webhook: boolean): void {
  const single = obj(spec?.["targetRef"]);
  if (single !== undefined) checkTargetRef(problems, single, at.field("targetRef"), webhook);
  for (const [ref, i] of objects(spec?.["targetRefs"])) checkTargetRef(problems, ref, at.field("targetRefs").index(i), webhook);
}

/**
 * At most one of the ways to pick workloads (CEL on the spec; istiod validateOneOfSelectorType).
 * `selectorKey` is "selector" or "workloadSelector"; `message` is the CRD's.
 */
export function checkOneSelector(
  problems: Problems,
  spec: JsonObject | undefined,
  at: FieldPath,
  selectorKey: string,
  withTargetRef: boolean,
  message: string,
): void {
  const set = [selectorKey, ...(withTargetRef ? ["targetRef"] : []), "targetRefs"].filter((k) => has(spec, k));
  // CEL counts a field as set when present (even an empty targetRefs list), so it is the stricter of the two.
  if (set.length > 1) {
    const problem = `${message} (found ${set.join(" and ")}); keep one`;
    // istiod counts a targetRefs list only when it is not empty.
    const webhookSet = set.filter((k) => k !== "targetRefs" || nonEmpty(spec, "targetRefs")).length;
    if (webhookSet > 1) problems.error(at, problem);
    else problems.celError(at, problem);
  }
}
