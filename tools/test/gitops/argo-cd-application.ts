import { isJsonObject, type JsonObject } from "../../src/model/resource.js";
import type { ClusterApi } from "../../harness/cluster-api.js";
import { ARGOCD_NAMESPACE } from "../../harness/argocd.js";

/** What a test reads from an Argo CD Application's status. */
export interface ApplicationState {
  targetRevision: string | undefined;
  sync: string | undefined;
  /** The commit the Application compared with Git. */
  revision: string | undefined;
  health: string | undefined;
  operation: { phase: string | undefined; message: string; revision: string | undefined; retryCount: number } | undefined;
  conditions: Array<{ type: string; message: string }>;
}

export function applicationState(app: JsonObject): ApplicationState {
  const spec = obj(app["spec"]);
  const status = obj(app["status"]);
  const sync = obj(status["sync"]);
  const operation = isJsonObject(status["operationState"]) ? status["operationState"] : undefined;
  const syncResult = obj(operation?.["syncResult"]);
  return {
    targetRevision: str(obj(spec["source"])["targetRevision"]),
    sync: str(sync["status"]),
    revision: str(sync["revision"]),
    health: str(obj(status["health"])["status"]),
    operation:
      operation === undefined
        ? undefined
        : { phase: str(operation["phase"]), message: str(operation["message"]) ?? "", revision: str(syncResult["revision"]), retryCount: Number(operation["retryCount"] ?? 0) },
    conditions: (Array.isArray(status["conditions"]) ? status["conditions"] : []).filter(isJsonObject).map((c) => ({ type: str(c["type"]) ?? "", message: str(c["message"]) ?? "" })),
  };
}

/** Waits until Argo CD reports `name` Synced and Healthy at `revision`, its last sync of it Succeeded. */
export async function waitForSynced(api: ClusterApi, name: string, revision: string, timeoutMs = 180_000): Promise<ApplicationState> {
  return api.waitForObject(
    { apiVersion: "argoproj.io/v1alpha1", kind: "Application", namespace: ARGOCD_NAMESPACE, name },
    `Synced and Healthy at ${revision.slice(0, 12)}`,
    (app) => {
      const state = applicationState(app);
      const done = state.sync === "Synced" && state.health === "Healthy" && state.revision === revision && state.operation?.phase === "Succeeded" && state.operation.revision === revision;
      return done ? state : undefined;
    },
    timeoutMs,
  );
}

/** Waits until `ready` accepts the Application's state. */
export function waitForApplication<T>(api: ClusterApi, name: string, what: string, ready: (state: ApplicationState) => T | undefined, timeoutMs = 180_000): Promise<T> {
  return api.waitForObject({ apiVersion: "argoproj.io/v1alpha1", kind: "Application", namespace: ARGOCD_NAMESPACE, name }, what, (app) => ready(applicationState(app)), timeoutMs);
}

function obj(value: unknown): JsonObject {
  return isJsonObject(value) ? value : {};
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
