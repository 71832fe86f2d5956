import { ApiException, createConfiguration, KubeConfig, KubernetesObjectApi, ServerConfiguration, type KubernetesObject } from "@kubernetes/client-node";
import { BoundedRequests, boundedHttpLibrary, ClusterBoundError, clusterBounds } from "../cluster/bounded-http.js";
import { loadKubeconfig, type KubeconfigOptions } from "../cluster/kubeconfig.js";
import { UserError } from "../model/errors.js";
import { isJsonObject, type JsonObject } from "../model/resource.js";

/** How an object is named for a GET: what `KubernetesObjectApi.read` needs. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export type ReadResult = { found: JsonObject } | { missing: "not-found" | "kind-not-served" };

/** The few calls drift detection makes on a live cluster. */
export interface LiveCluster {
  readonly context: string;
  readonly server: string;
  read(ref: ObjectRef): Promise<ReadResult>;
  /** Every object of a kind in a namespace; undefined when the cluster does not serve the kind. */
  list(apiVersion: string, kind: string, namespace: string): Promise<JsonObject[] | undefined>;
  /** Aborts whatever is still in flight: the run is over (one request failed). */
  close(): void;
}

export interface ConnectOptions extends KubeconfigOptions {
  /** Per request, body included; a cluster that does not answer in time is an error. Default: the run's limits. */
  timeoutMs?: number;
}

/** KubernetesObjectApi over the bounded transport, in the kubeconfig's default namespace. */
class BoundedObjectApi extends KubernetesObjectApi {
  constructor(config: KubeConfig, server: string, requests: BoundedRequests) {
    super(createConfiguration({ baseServer: new ServerConfiguration(server, {}), authMethods: { default: config }, httpApi: boundedHttpLibrary(requests) }));
    this.setDefaultNamespace(config);
  }
}

/**
 * A connection to the cluster of the kubeconfig's current context, through
 * `@kubernetes/client-node`'s KubernetesObjectApi (discovery tells it each kind's resource
 * name and scope). Errors that the user can act on (no kubeconfig, unreachable server,
 * credentials refused) are UserErrors that name the context and server.
 */
export function connectCluster(options: ConnectOptions = {}): LiveCluster {
  const { config, context, server, where } = loadKubeconfig(options);
  const requests = new BoundedRequests(clusterBounds(options.timeoutMs));
  const api = new BoundedObjectApi(config, server, requests);

  return {
    context,
    server,
    close: () => requests.abortAll(),
    async read(ref) {
      const header = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace === undefined ? {} : { namespace: ref.namespace }) } };
      try {
        const object = await api.read<KubernetesObject>(header);
        return { found: toJson(object) };
      } catch (error) {
        const missing = missingReason(error);
        if (missing !== undefined) return { missing };
        throw explain(error, `GET ${describe(ref)}`, where);
      }
    },
    async list(apiVersion, kind, namespace) {
      try {
        const list = await api.list<KubernetesObject>(apiVersion, kind, namespace);
        return (list.items ?? []).map((item) => toJson({ apiVersion, kind, ...item }));
      } catch (error) {
        if (missingReason(error) === "kind-not-served") return undefined;
        throw explain(error, `LIST ${apiVersion} ${kind} in ${namespace}`, where);
      }
    },
  };
}

function describe(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace === undefined ? "" : `${ref.namespace}/`}${ref.name}`;
}

/**
 * The object as the API server sent it: the client turns known kinds into model classes (dates
 * as Date objects); JSON brings them back to the wire form the rendered objects are compared with.
 */
function toJson(object: unknown): JsonObject {
  const json: unknown = JSON.parse(JSON.stringify(object));
  return isJsonObject(json) ? json : {};
}

function missingReason(error: unknown): "not-found" | "kind-not-served" | undefined {
  if (error instanceof ApiException && error.code === 404) {
    // A 404 for the discovery document means the group/version is not served at all.
    return error.message.startsWith("Failed to fetch resource metadata") ? "kind-not-served" : "not-found";
  }
  if (error instanceof Error && error.message.startsWith("Unrecognized API version and kind")) return "kind-not-served";
  return undefined;
}

function explain(error: unknown, what: string, where: string): Error {
  if (error instanceof UserError) return error;
  if (error instanceof ClusterBoundError) {
    return new UserError(`the cluster's answer to ${what} (${where}) was refused: ${error.message.replace(/^Failed to fetch resource metadata for [^:]+: /, "")}; check that the API server is reachable and healthy, or raise the limit`);
  }
  if (error instanceof ApiException) {
    const code = error.code as number;
    if (code === 401 || code === 403) {
      return new UserError(
        `the cluster refused ${what} (HTTP ${code}, ${where}): the kubeconfig's credentials ${code === 401 ? "were not accepted" : "may not read it"}; ` +
          `log in again or use a user that may get and list the policy's kinds`,
      );
    }
    return new UserError(`the cluster answered ${what} with HTTP ${code} (${where}): ${statusMessage(error.body)}`);
  }
  const cause = error as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  // The client prefixes discovery failures with what it was looking up; the cause is what matters.
  const detail = (cause.cause?.message ?? cause.message ?? String(error)).replace(/^Failed to fetch resource metadata for [^:]+: /, "");
  return new UserError(
    `cannot reach the cluster for ${what} (${where}): ${detail.split("\n")[0] ?? ""}; ` +
      `check the kubeconfig (--kubeconfig FILE, --context NAME, $KUBECONFIG) and that the API server is reachable from here`,
  );
}

function statusMessage(body: unknown): string {
  if (typeof body === "string") {
    try {
      const parsed: unknown = JSON.parse(body);
      if (isJsonObject(parsed) && typeof parsed["message"] === "string") return parsed["message"];
    } catch {
      return body.slice(0, 200);
    }
  }
  if (isJsonObject(body) && typeof body["message"] === "string") return body["message"];
  return "no message";
}
