import http from "node:http";
import https from "node:https";
import { UserError } from "../model/errors.js";
import { isJsonObject } from "../model/resource.js";
import { BoundedRequests, ClusterBoundError, clusterBounds, type RawResponse } from "./bounded-http.js";
import type { LoadedKubeconfig } from "./kubeconfig.js";

export interface ApiRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** `/api/v1/namespaces`, `/apis/networking.istio.io/v1/...`. */
  path: string;
  query?: Record<string, string>;
  /** Sent as JSON (objects) or as is (strings). */
  body?: unknown;
  contentType?: string;
}

export interface ApiResponse {
  status: number;
  /** Parsed JSON when the server sent JSON, else the text. */
  body: unknown;
  /** The `Warning` headers (admission webhooks, deprecated APIs), their text only. */
  warnings: string[];
}

/** What discovery says about a kind: its resource name (the URL segment) and whether it is namespaced. */
export interface ApiResource {
  name: string;
  namespaced: boolean;
}

export interface ApiClientOptions {
  /** Per request, response included; the run's `--limit cluster-time` when absent. */
  timeoutMs?: number;
}

/**
 * Raw requests to a Kubernetes API server, with the kubeconfig's credentials: the exact bytes go
 * out (client libraries re-serialise objects through their models, dropping unknown fields and
 * lower-casing paths, which would hide exactly what a dry-run must judge). Every request is
 * bounded in time and size ({@link BoundedRequests}); what the user can act on (unreachable
 * server, a bound reached) is a UserError naming the context and server.
 */
export class ApiClient {
  private readonly discovery = new Map<string, Promise<Map<string, ApiResource> | undefined>>();

  private constructor(
    readonly context: string,
    readonly server: string,
    private readonly where: string,
    private readonly requestOptions: https.RequestOptions,
    private readonly requests: BoundedRequests,
  ) {}

  static async connect(kubeconfig: LoadedKubeconfig, options: ApiClientOptions = {}): Promise<ApiClient> {
    const requestOptions: https.RequestOptions = {};
    try {
      await kubeconfig.config.applyToHTTPSOptions(requestOptions);
    } catch (error) {
      throw new UserError(`cannot use the credentials of ${kubeconfig.where}: ${(error as Error).message}`);
    }
    return new ApiClient(kubeconfig.context, kubeconfig.server.replace(/\/+$/, ""), kubeconfig.where, requestOptions, new BoundedRequests(clusterBounds(options.timeoutMs)));
  }

  async request(request: ApiRequest): Promise<ApiResponse> {
    const url = new URL(this.server + request.path);
    for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
    const payload = request.body === undefined ? undefined : typeof request.body === "string" ? request.body : JSON.stringify(request.body);
    const what = `${request.method} ${request.path}`;
    const headers: http.OutgoingHttpHeaders = { ...(this.requestOptions.headers as http.OutgoingHttpHeaders | undefined), accept: "application/json" };
    if (payload !== undefined) {
      headers["content-type"] = request.contentType ?? "application/json";
      headers["content-length"] = Buffer.byteLength(payload);
    }
    let response: RawResponse;
    try {
      response = await this.requests.send(url, { ...this.requestOptions, method: request.method, headers }, payload);
    } catch (error) {
      throw this.failed(what, error as Error);
    }
    return { status: response.status, body: parseBody(response.body.toString("utf8"), response.headers["content-type"]), warnings: warningsOf(response.rawHeaders) };
  }

  /** Aborts every request still in flight: the run is over (one request failed). */
  close(): void {
    this.requests.abortAll();
  }

  /** Discovery of a kind; undefined when the cluster does not serve it (no such group/version, or no such kind in it). */
  async resource(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    let resources = this.discovery.get(apiVersion);
    if (resources === undefined) {
      resources = this.discover(apiVersion);
      this.discovery.set(apiVersion, resources);
    }
    return (await resources)?.get(kind);
  }

  /** The URL path of one object (or of its collection, without a name). */
  static objectPath(apiVersion: string, resource: ApiResource, namespace: string | undefined, name?: string): string {
    const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const scope = resource.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : "";
    return `${base}${scope}/${resource.name}${name === undefined ? "" : `/${encodeURIComponent(name)}`}`;
  }

  /** The API server's `Status` message of a failed response, or its status code. */
  describeFailure(response: ApiResponse): string {
    if (isJsonObject(response.body) && typeof response.body["message"] === "string") return response.body["message"];
    return typeof response.body === "string" && response.body !== "" ? response.body.slice(0, 300) : `HTTP ${response.status}`;
  }

  /**
   * A UserError for a response the user must act on (credentials refused), else undefined. A 403
   * is the user's only when an authorizer wrote it: an admission plugin's 403 (PodSecurity,
   * NamespaceLifecycle, ResourceQuota) is about the object or the namespace, not who asks.
   */
  refused(response: ApiResponse, what: string): UserError | undefined {
    if (response.status !== 401 && response.status !== 403) return undefined;
    if (response.status === 403 && !isAuthorizationDenial(response, this.describeFailure(response))) return undefined;
    return new UserError(
      `the cluster refused ${what} (HTTP ${response.status}, ${this.where}): ${this.describeFailure(response)}; ` +
        (response.status === 401 ? "the kubeconfig's credentials were not accepted; log in again" : "use a user that may do this"),
    );
  }

  private async discover(apiVersion: string): Promise<Map<string, ApiResource> | undefined> {
    const path = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const response = await this.request({ method: "GET", path });
    if (response.status === 404) return undefined;
    const refused = this.refused(response, `GET ${path}`);
    if (refused !== undefined) throw refused;
    if (response.status !== 200 || !isJsonObject(response.body) || !Array.isArray(response.body["resources"])) {
      throw new UserError(`the cluster answered GET ${path} with HTTP ${response.status} (${this.where}): ${this.describeFailure(response)}`);
    }
    const byKind = new Map<string, ApiResource>();
    for (const entry of response.body["resources"]) {
      if (!isJsonObject(entry) || typeof entry["name"] !== "string" || typeof entry["kind"] !== "string") continue;
      if (entry["name"].includes("/")) continue; // subresources (status, scale)
      byKind.set(entry["kind"], { name: entry["name"], namespaced: entry["namespaced"] === true });
    }
    return byKind;
  }

  private failed(what: string, error: Error): UserError {
    if (error instanceof ClusterBoundError) {
      return new UserError(`the cluster's answer to ${what} (${this.where}) was refused: ${error.message}; check that the API server is reachable and healthy, or raise the limit`);
    }
    const cause = error as Error & { code?: string };
    return new UserError(
      `cannot reach the cluster for ${what} (${this.where}): ${cause.code ?? ""}${cause.code === undefined ? "" : " "}${cause.message.split("\n")[0] ?? ""}; ` +
        `check the kubeconfig (--kubeconfig FILE, --context NAME, $KUBECONFIG) and that the API server is reachable from here`,
    );
  }
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (contentType?.includes("json") !== true) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** `Warning: 299 - "message"` → `message` (RFC 7234 warning headers, as the API server sends them; one per header line). */
function warningsOf(rawHeaders: readonly string[]): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (rawHeaders[i]?.toLowerCase() === "warning") values.push(rawHeaders[i + 1] ?? "");
  return values.flatMap((value) => {
    const match = /^\d{3}\s+\S+\s+"((?:[^"\\]|\\.)*)"/.exec(value);
    return match?.[1] === undefined ? [value] : [match[1].replace(/\\(.)/g, "$1")];
  });
}

/**
 * Whether a 403 is an authorizer's refusal (RBAC, a webhook authorizer) of who asks. The API
 * server words it `<resource> "<name>" is forbidden: User "<user>" cannot <verb> resource …`, or
 * `… cannot <verb> path …` (k8s.io/apiserver, responsewriters.forbiddenMessage; the user quoted
 * as Go's %q). A 403 that is not the API server's own Status (a proxy's page) refuses who asks too.
 */
function isAuthorizationDenial(response: ApiResponse, message: string): boolean {
  if (!isJsonObject(response.body) || response.body["kind"] !== "Status") return true;
  return /^(?:\S+(?: "(?:[^"\\]|\\.)*")? is )?forbidden: User "(?:[^"\\]|\\.)*" cannot \S+ (?:resource|path) "/.test(message);
}
