import { ApiClient, type ApiResponse } from "../cluster/api-client.js";
import { isJsonObject, type Resource } from "../model/resource.js";
import { forEachLimited } from "../util/for-each-limited.js";

/** One reason the API server gave for rejecting an object (`Status.details.causes`). */
export interface RejectionCause {
  /** The field as the API server names it (`spec.http[0].timeout`), when it names one. */
  field?: string;
  message: string;
}

export type DryRunVerdict =
  | { resource: Resource; outcome: "accepted"; warnings: string[] }
  | { resource: Resource; outcome: "rejected"; status: number; message: string; causes: RejectionCause[]; warnings: string[] }
  | { resource: Resource; outcome: "not-checked"; reason: "kind-not-served" | "namespace-missing" | "server-error"; message: string };

export interface ServerDryRunOptions {
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  /** The namespace of namespaced objects that name none (kubectl's: the context's, else `default`). */
  defaultNamespace?: string;
}

const FIELD_MANAGER = "mesh-policy";
const DEFAULT_CONCURRENCY = 8;

/**
 * Sends each object to the API server as a dry-run (`dryRun=All`) with strict field validation:
 * the server decodes it, validates it (schema, CEL rules, built-in validation) and runs every
 * admission controller and webhook (so a cluster's Istio webhook judges it too), then discards
 * it. `dryRun=All` is on every request this module makes: nothing is persisted. A new object is
 * judged as the create Argo CD would send (the server then lists every problem); one that already
 * exists, as the update a server-side apply of it would be.
 */
export async function dryRunResources(client: ApiClient, resources: readonly Resource[], options: ServerDryRunOptions = {}): Promise<DryRunVerdict[]> {
  const verdicts: DryRunVerdict[] = new Array<DryRunVerdict>(resources.length);
  const indexed = resources.map((resource, index) => ({ resource, index }));
  await forEachLimited(indexed, options.concurrency ?? DEFAULT_CONCURRENCY, async ({ resource, index }) => {
    verdicts[index] = await dryRunOne(client, resource, options.defaultNamespace ?? "default");
  });
  return verdicts;
}

const DRY_RUN = { dryRun: "All", fieldManager: FIELD_MANAGER, fieldValidation: "Strict" } as const;

async function dryRunOne(client: ApiClient, resource: Resource, defaultNamespace: string): Promise<DryRunVerdict> {
  const served = await client.resource(resource.apiVersion, resource.kind);
  if (served === undefined) {
    return { resource, outcome: "not-checked", reason: "kind-not-served", message: `the cluster does not serve ${resource.apiVersion} ${resource.kind} (is its CRD installed?)` };
  }
  const namespace = served.namespaced ? (resource.namespace ?? defaultNamespace) : undefined;
  let response = await client.request({ method: "POST", path: ApiClient.objectPath(resource.apiVersion, served, namespace), query: DRY_RUN, body: resource.object });
  if (response.status === 409 && reasonOf(response) === "AlreadyExists") {
    response = await client.request({
      method: "PATCH",
      path: ApiClient.objectPath(resource.apiVersion, served, namespace, resource.name),
      query: { ...DRY_RUN, force: "true" },
      body: resource.object,
      contentType: "application/apply-patch+yaml",
    });
  }
  if (response.status >= 200 && response.status < 300) return { resource, outcome: "accepted", warnings: response.warnings };
  const message = client.describeFailure(response);
  if (isWebhookDenial(message)) return rejected(resource, response, message);
  const refused = client.refused(response, `a dry-run of ${resource.kind} ${resource.name}`);
  if (refused !== undefined) throw refused;
  if (response.status === 404 && detailsOf(response)?.["kind"] === "namespaces") {
    return { resource, outcome: "not-checked", reason: "namespace-missing", message: `namespace ${namespace ?? ""} does not exist in the cluster` };
  }
  // Server-side apply answers 500 when the object does not fit the schema (kubernetes/kubernetes#109389): the object's fault.
  if (response.status >= 500 && !message.startsWith(TYPED_PATCH_FAILURE)) {
    return { resource, outcome: "not-checked", reason: "server-error", message: `the API server could not judge it (HTTP ${response.status}): ${message}` };
  }
  return rejected(resource, response, message);
}

const TYPED_PATCH_FAILURE = "failed to create typed patch object";

function rejected(resource: Resource, response: ApiResponse, message: string): DryRunVerdict {
  return { resource, outcome: "rejected", status: response.status, message, causes: causesOf(response, message), warnings: response.warnings };
}

/** A validating webhook's denial: the object is wrong, whatever the HTTP code the webhook chose. */
function isWebhookDenial(message: string): boolean {
  return /^admission webhook "[^"]+" denied the request/.test(message);
}

function detailsOf(response: ApiResponse): Record<string, unknown> | undefined {
  const details = isJsonObject(response.body) ? response.body["details"] : undefined;
  return isJsonObject(details) ? details : undefined;
}

function reasonOf(response: ApiResponse): string | undefined {
  return isJsonObject(response.body) && typeof response.body["reason"] === "string" ? response.body["reason"] : undefined;
}

/**
 * The causes the API server lists (validation: one per field; the "some validation rules were
 * not checked" note that follows a type error is left out), else the fields named in a decoding
 * failure: `strict decoding error: unknown field "spec.foo"` (create) or
 * `failed to create typed patch object (...): .spec.foo: field not declared in schema` (apply).
 */
function causesOf(response: ApiResponse, message: string): RejectionCause[] {
  const listed = detailsOf(response)?.["causes"];
  const causes: RejectionCause[] = [];
  for (const cause of Array.isArray(listed) ? listed : []) {
    if (!isJsonObject(cause) || typeof cause["message"] !== "string") continue;
    const field = typeof cause["field"] === "string" && cause["field"] !== "" && cause["field"] !== "<nil>" ? cause["field"] : undefined;
    causes.push({ ...(field === undefined ? {} : { field }), message: cause["message"] });
  }
  const fielded = causes.filter((cause) => cause.field !== undefined);
  if (fielded.length > 0) return fielded;
  if (causes.length > 0) return causes;
  const unknown = [...message.matchAll(/unknown field "([^"]+)"/g)].map((match) => ({ field: match[1] ?? "", message: `unknown field "${match[1] ?? ""}"` }));
  if (unknown.length > 0) return unknown;
  const typed = /^failed to create typed patch object \([^)]*\): (\.[^:\s]+): (.*)$/s.exec(message);
  return typed === null ? [] : [{ field: (typed[1] ?? "").slice(1), message: typed[2] ?? "" }];
}
