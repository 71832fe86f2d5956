import type { Finding } from "../model/finding.js";
import { isJsonObject, type JsonObject, type Resource } from "../model/resource.js";
import { parseYamlDocuments, type ParsedDocument } from "./yaml-documents.js";

export interface LoadedResources {
  resources: Resource[];
  /** Input problems: YAML that does not parse, documents that are not Kubernetes objects. */
  findings: Finding[];
}

export const YAML_SYNTAX_RULE = "yaml-syntax";
export const RESOURCE_SHAPE_RULE = "resource-shape";

/**
 * Turns one YAML file's text into resources. `file` is the path shown to the user.
 * Kubernetes `List` documents are expanded into their items.
 */
export function resourcesFromYaml(text: string, file: string): LoadedResources {
  const parsed = parseYamlDocuments(text);
  const findings: Finding[] = parsed.problems.map((problem) => ({
    ruleId: YAML_SYNTAX_RULE,
    severity: "error",
    message:
      problem.kind === "aliasing"
        ? problem.message
        : `invalid YAML: ${problem.message}; fix the syntax (indentation, quoting, duplicate keys) so the file parses`,
    location: { file, line: problem.line },
  }));
  const resources: Resource[] = [];
  for (const document of parsed.documents) {
    if (document.value === null || document.value === undefined) continue;
    collectObject(document, document.value, "", file, resources, findings);
  }
  return { resources, findings };
}

function collectObject(
  document: ParsedDocument,
  value: unknown,
  basePointer: string,
  file: string,
  resources: Resource[],
  findings: Finding[],
): void {
  const lineOf = (pointer: string) => document.lineOf(basePointer + pointer).line;
  const problem = (message: string, pointer = "") =>
    findings.push({
      ruleId: RESOURCE_SHAPE_RULE,
      severity: "error",
      message,
      location: { file, line: lineOf(pointer), ...(pointer === "" ? {} : { pointer }) },
    });
  if (!isJsonObject(value)) {
    problem("document is not a Kubernetes object (expected a mapping with apiVersion, kind and metadata)");
    return;
  }
  const { apiVersion, kind } = value;
  if (typeof apiVersion !== "string" || apiVersion === "") {
    problem("missing apiVersion: every object needs one, such as networking.istio.io/v1", "/apiVersion");
    return;
  }
  if (typeof kind !== "string" || kind === "") {
    problem("missing kind: every object needs one, such as VirtualService", "/kind");
    return;
  }
  if (kind.endsWith("List") && Array.isArray(value["items"])) {
    value["items"].forEach((item, index) =>
      collectObject(document, item, `${basePointer}/items/${index}`, file, resources, findings),
    );
    return;
  }
  const metadata = value["metadata"];
  const name = isJsonObject(metadata) ? metadata["name"] : undefined;
  if (typeof name !== "string" || name === "") {
    problem(`${kind} has no metadata.name: give the object a name`, isJsonObject(metadata) ? "/metadata" : "");
    return;
  }
  const namespace = isJsonObject(metadata) ? metadata["namespace"] : undefined;
  resources.push({
    apiVersion,
    kind,
    name,
    namespace: typeof namespace === "string" && namespace !== "" ? namespace : undefined,
    object: value as JsonObject,
    origin: {
      file,
      // Lines are looked up lazily: most objects never need one.
      get line() {
        return basePointer === "" ? document.line : lineOf("");
      },
      locate: (pointer) => ({ file, line: lineOf(pointer), ...(pointer === "" ? {} : { pointer }) }),
    },
  });
}

