import { ApiClient, type ApiResponse } from "../src/cluster/api-client.js";
import { loadKubeconfig } from "../src/cluster/kubeconfig.js";
import { isJsonObject, type JsonObject } from "../src/model/resource.js";
import { waitFor } from "./wait-for.js";

export interface ObjectKey {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * What tests do to a harness cluster, as a user with kubectl would: read, apply (server-side),
 * patch and delete objects, and wait for a condition. Built on the pipeline's own raw API client
 * (tools/src/cluster/api-client.ts); every failure throws with the API server's message.
 */
export class ClusterApi {
  private constructor(readonly client: ApiClient) {}

  static async connect(kubeconfig: string): Promise<ClusterApi> {
    return new ClusterApi(await ApiClient.connect(loadKubeconfig({ kubeconfig })));
  }

  async get(key: ObjectKey): Promise<JsonObject | undefined> {
    const response = await this.client.request({ method: "GET", path: await this.path(key, key.name) });
    if (response.status === 404) return undefined;
    return this.expectObject(response, `GET ${describe(key)}`);
  }

  async list(apiVersion: string, kind: string, namespace?: string): Promise<JsonObject[]> {
    const response = await this.client.request({ method: "GET", path: await this.path({ apiVersion, kind, ...(namespace === undefined ? {} : { namespace }) }) });
    const list = this.expectObject(response, `LIST ${kind}`);
    return Array.isArray(list["items"]) ? list["items"].filter(isJsonObject) : [];
  }

  /** Server-side apply (force), as `kubectl apply --server-side --force-conflicts` would. */
  async apply(object: JsonObject, fieldManager = "harness"): Promise<JsonObject> {
    const key = keyOf(object);
    const response = await this.client.request({
      method: "PATCH",
      path: await this.path(key, key.name),
      query: { fieldManager, force: "true", fieldValidation: "Strict" },
      body: object,
      contentType: "application/apply-patch+yaml",
    });
    return this.expectObject(response, `apply ${describe(key)}`);
  }

  /** A JSON merge patch, as `kubectl patch --type merge` would. */
  async mergePatch(key: ObjectKey, patch: JsonObject): Promise<JsonObject> {
    const response = await this.client.request({ method: "PATCH", path: await this.path(key, key.name), body: patch, contentType: "application/merge-patch+json" });
    return this.expectObject(response, `patch ${describe(key)}`);
  }

  async delete(key: ObjectKey): Promise<void> {
    const response = await this.client.request({ method: "DELETE", path: await this.path(key, key.name) });
    if (response.status !== 404) this.expectObject(response, `DELETE ${describe(key)}`);
  }

  /** Polls the object until `ready` returns a value for it (bounded; the error names the last state seen). */
  async waitForObject<T>(key: ObjectKey, what: string, ready: (object: JsonObject) => T | undefined, timeoutMs = 120_000): Promise<T> {
    let last: JsonObject | undefined;
    try {
      return await waitFor(
        `${describe(key)}: ${what}`,
        async () => {
          last = await this.get(key);
          return last === undefined ? undefined : ready(last);
        },
        { timeoutMs, intervalMs: 500 },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\nlast seen: ${JSON.stringify(statusOf(last)).slice(0, 4000)}`);
    }
  }

  private async path(key: Omit<ObjectKey, "name">, name?: string): Promise<string> {
    const resource = await this.client.resource(key.apiVersion, key.kind);
    if (resource === undefined) throw new Error(`the harness cluster does not serve ${key.apiVersion} ${key.kind}`);
    return ApiClient.objectPath(key.apiVersion, resource, key.namespace, name);
  }

  private expectObject(response: ApiResponse, what: string): JsonObject {
    if (response.status >= 200 && response.status < 300 && isJsonObject(response.body)) return response.body;
    throw new Error(`${what} failed (HTTP ${response.status}): ${this.client.describeFailure(response)}`);
  }
}

export function keyOf(object: JsonObject): ObjectKey {
  const metadata = isJsonObject(object["metadata"]) ? object["metadata"] : {};
  return {
    apiVersion: String(object["apiVersion"]),
    kind: String(object["kind"]),
    name: String(metadata["name"]),
    ...(typeof metadata["namespace"] === "string" ? { namespace: metadata["namespace"] } : {}),
  };
}

function describe(key: Omit<ObjectKey, "name"> & { name?: string }): string {
  return `${key.kind} ${key.namespace === undefined ? "" : `${key.namespace}/`}${key.name ?? ""}`;
}

function statusOf(object: JsonObject | undefined): unknown {
  if (object === undefined) return "(absent)";
  return object["status"] ?? object;
}
