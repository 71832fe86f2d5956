import type { Finding } from "../model/finding.js";
import { apiGroupOf, isJsonObject, pointerOf, refOf, type JsonObject, type Resource } from "../model/resource.js";
import { objectAt, stringMap } from "../mesh/fields.js";
import { fieldName } from "./field-name.js";
import {
  configMapKeyProblems,
  dns1035LabelProblems,
  dns1123LabelProblems,
  dns1123SubdomainProblems,
  labelValueProblems,
  pathSegmentNameProblems,
  portNameProblems,
  portNumberProblems,
  qualifiedNameProblems,
} from "./name-formats.js";
import { parseRequestUri } from "./request-uri.js";

export const API_VALIDATION_RULE = "api-validation";

/**
 * What the Kubernetes API server (v1.34) refuses beyond the OpenAPI schema, for the kinds this
 * repository uses: ObjectMeta of every object (name per kind, namespace, label keys and values,
 * annotation keys and total size, finalizers) as ValidateObjectMetaAccessor checks it; Service
 * ports, target ports, port names, selector and external name (ValidateService, after the
 * defaulting of SetDefaults_Service); ConfigMap and Secret keys and sizes; the API approval of a
 * CustomResourceDefinition in a group of the Kubernetes project. Custom resources (Istio, Argo CD)
 * get the metadata checks with DNS-subdomain names, as apiextensions does.
 */
export function apiServerFindings(resource: Resource): Finding[] {
  const problems: Problem[] = [];
  const report = (pointer: string, value: unknown, messages: readonly string[]) => {
    for (const message of messages) problems.push({ pointer, message: `${fieldName(pointer)}: Invalid value: ${shown(value)}: ${message}` });
  };
  checkObjectMeta(resource, report);
  if (apiGroupOf(resource.apiVersion) === "apiextensions.k8s.io" && resource.kind === "CustomResourceDefinition") {
    checkApiApproval(resource.object, report, (pointer, message) => problems.push({ pointer, message: `${fieldName(pointer)}: Required value: ${message}` }));
  }
  if (apiGroupOf(resource.apiVersion) === "") {
    if (resource.kind === "Service") checkService(resource.object, report);
    if (resource.kind === "ConfigMap" || resource.kind === "Secret") checkDataKeys(resource, report);
  }
  return problems.map(({ pointer, message }) => ({
    ruleId: API_VALIDATION_RULE,
    severity: "error" as const,
    message: `${message} (the API server refuses this)`,
    resource: refOf(resource),
    location: resource.origin.locate(pointer),
  }));
}

interface Problem {
  pointer: string;
  message: string;
}

type Report = (pointer: string, value: unknown, messages: readonly string[]) => void;

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
const MAX_DATA_SIZE = 1024 * 1024;

const API_APPROVED = "api-approved.kubernetes.io";
const API_APPROVAL_HINT = "see https://github.com/kubernetes/enhancements/pull/1111";

/**
 * A CustomResourceDefinition in a group the Kubernetes project owns (k8s.io, kubernetes.io and
 * their subdomains) must say that its API was approved: the annotation holds a URL (scheme and
 * host), or a reason starting with "unapproved" (apiextensions-apiserver validateAPIApproval and
 * GetAPIApprovalState, v1.34).
 */
function checkApiApproval(crd: JsonObject, report: Report, required: (pointer: string, message: string) => void): void {
  const group = objectAt(crd, "spec")["group"];
  if (typeof group !== "string" || !/(?:^|\.)(?:k8s\.io|kubernetes\.io)$/.test(group)) return;
  const approval = stringMap(objectAt(crd, "metadata")["annotations"])[API_APPROVED] ?? "";
  const pointer = pointerOf("metadata", "annotations", API_APPROVED);
  const url = parseRequestUri(approval);
  if (approval === "") {
    required(pointer, `protected groups must have approval annotation "${API_APPROVED}", ${API_APPROVAL_HINT}`);
  } else if (!approval.startsWith("unapproved") && (url === undefined || url.scheme === "" || url.host === "")) {
    report(pointer, approval, [`protected groups must have approval annotation "${API_APPROVED}" with either a URL or a reason starting with "unapproved", ${API_APPROVAL_HINT}`]);
  }
}

/** The name rule of a kind: apimachinery's NameIsDNSSubdomain unless the kind says otherwise. */
function nameProblems(resource: Resource): string[] {
  const group = apiGroupOf(resource.apiVersion);
  if (group === "" && resource.kind === "Service") return dns1035LabelProblems(resource.name);
  if (group === "" && resource.kind === "Namespace") return dns1123LabelProblems(resource.name);
  if (group === "rbac.authorization.k8s.io") return pathSegmentNameProblems(resource.name);
  return dns1123SubdomainProblems(resource.name);
}

function checkObjectMeta(resource: Resource, report: Report): void {
  const metadata = resource.object["metadata"];
  if (!isJsonObject(metadata)) return;
  report("/metadata/name", resource.name, nameProblems(resource));
  const namespace = metadata["namespace"];
  if (typeof namespace === "string" && namespace !== "") report("/metadata/namespace", namespace, dns1123LabelProblems(namespace));
  checkLabels(metadata["labels"], ["metadata", "labels"], report);
  const annotations = metadata["annotations"];
  if (isJsonObject(annotations)) {
    let size = 0;
    for (const [key, value] of Object.entries(annotations)) {
      // Annotation keys are qualified names in any case.
      report(pointerOf("metadata", "annotations", key), key, qualifiedNameProblems(key.toLowerCase()));
      size += Buffer.byteLength(key) + (typeof value === "string" ? Buffer.byteLength(value) : 0);
    }
    if (size > TOTAL_ANNOTATION_SIZE_LIMIT) {
      report("/metadata/annotations", `${size} bytes`, [`annotations may hold at most ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes in total`]);
    }
  }
  const finalizers = metadata["finalizers"];
  if (Array.isArray(finalizers)) {
    finalizers.forEach((finalizer, index) => {
      if (typeof finalizer === "string") report(pointerOf("metadata", "finalizers", index), finalizer, qualifiedNameProblems(finalizer));
    });
  }
}

function checkLabels(labels: unknown, at: readonly string[], report: Report): void {
  if (!isJsonObject(labels)) return;
  for (const [key, value] of Object.entries(labels)) {
    report(pointerOf(...at, key), key, qualifiedNameProblems(key));
    if (typeof value === "string") report(pointerOf(...at, key), value, labelValueProblems(value));
  }
}

const PORT_PROTOCOLS = ["TCP", "UDP", "SCTP"];

/** ValidateService on the object as SetDefaults_Service leaves it (protocol TCP, targetPort = port, type ClusterIP). */
function checkService(object: JsonObject, report: Report): void {
  const spec = object["spec"];
  if (!isJsonObject(spec)) return;
  const type = typeof spec["type"] === "string" ? spec["type"] : "ClusterIP";
  const ports = Array.isArray(spec["ports"]) ? spec["ports"] : [];
  const names = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((item, index) => {
    if (!isJsonObject(item)) return;
    const at = (field: string) => pointerOf("spec", "ports", index, field);
    const name = typeof item["name"] === "string" ? item["name"] : "";
    if (name === "" && ports.length > 1) report(at("name"), name, ["is required when a Service has more than one port"]);
    if (name !== "") {
      report(at("name"), name, dns1123LabelProblems(name));
      if (names.has(name)) report(at("name"), name, ["is a duplicate: port names must be unique"]);
      names.add(name);
    }
    const port = item["port"];
    if (typeof port === "number") report(at("port"), port, portNumberProblems(port));
    const protocol = typeof item["protocol"] === "string" && item["protocol"] !== "" ? item["protocol"] : "TCP";
    if (!PORT_PROTOCOLS.includes(protocol)) report(at("protocol"), protocol, [`must be one of ${PORT_PROTOCOLS.join(", ")}`]);
    // An unset, 0 or "" targetPort defaults to the port.
    const target = item["targetPort"] === undefined || item["targetPort"] === 0 || item["targetPort"] === "" ? port : item["targetPort"];
    if (typeof target === "number") report(at("targetPort"), target, portNumberProblems(target));
    else if (typeof target === "string") report(at("targetPort"), target, portNameProblems(target).map((problem) => `a named target port (IANA_SVC_NAME) ${problem}`));
    if (typeof item["appProtocol"] === "string") report(at("appProtocol"), item["appProtocol"], qualifiedNameProblems(item["appProtocol"]));
    if (type === "ClusterIP" && typeof item["nodePort"] === "number" && item["nodePort"] !== 0) {
      report(at("nodePort"), item["nodePort"], ["may not be used when `type` is 'ClusterIP'"]);
    }
    const key = `${protocol}/${String(port)}`;
    if (seen.has(key)) report(pointerOf("spec", "ports", index), key, ["is a duplicate: each protocol and port pair may appear once"]);
    seen.add(key);
  });
  checkLabels(spec["selector"], ["spec", "selector"], report);
  if (type === "ExternalName") {
    const externalName = typeof spec["externalName"] === "string" ? spec["externalName"].replace(/\.$/, "") : "";
    report("/spec/externalName", externalName, externalName === "" ? ["is required for an ExternalName Service"] : dns1123SubdomainProblems(externalName));
  }
}

/** Keys of `data` (and `stringData`, `binaryData`) are config keys; the values at most 1 MiB in all (decoded). */
function checkDataKeys(resource: Resource, report: Report): void {
  let size = 0;
  const fields = resource.kind === "Secret" ? ["data", "stringData"] : ["data", "binaryData"];
  const base64 = (field: string) => (resource.kind === "Secret" && field === "data") || field === "binaryData";
  const keys = new Map<string, string>();
  for (const field of fields) {
    const data = resource.object[field];
    if (!isJsonObject(data)) continue;
    for (const [key, value] of Object.entries(data)) {
      report(pointerOf(field, key), key, configMapKeyProblems(key));
      const other = keys.get(key);
      if (other !== undefined && resource.kind === "ConfigMap") report(pointerOf(field, key), key, [`is also a key of ${other}: a key may appear in data or binaryData, not both`]);
      keys.set(key, field);
      if (typeof value === "string") size += base64(field) ? Buffer.from(value, "base64").length : Buffer.byteLength(value);
    }
  }
  if (size > MAX_DATA_SIZE) report(`/${fields[0] ?? "data"}`, `${size} bytes`, [`${resource.kind} data may hold at most ${MAX_DATA_SIZE} bytes`]);
}

/** A value as the API server's messages show it: strings quoted, other values as they are. */
function shown(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
