import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { UserError } from "../model/errors.js";

export interface KubeconfigOptions {
  /** A kubeconfig file; the user's default (`$KUBECONFIG`, `~/.kube/config`, in-cluster) when absent. */
  kubeconfig?: string;
  /** A context of the kubeconfig; its current context when absent. */
  context?: string;
}

export interface LoadedKubeconfig {
  config: KubeConfig;
  context: string;
  server: string;
  /** `context NAME, server URL`, for messages. */
  where: string;
}

/**
 * The kubeconfig the user points at, switched to the context asked for. Everything the user can
 * get wrong (no kubeconfig, an unreadable one, an unknown context, a context without a cluster)
 * is a UserError that says what to do.
 */
export function loadKubeconfig(options: KubeconfigOptions = {}): LoadedKubeconfig {
  const config = new KubeConfig();
  if (options.kubeconfig !== undefined) {
    if (!existsSync(options.kubeconfig)) throw new UserError(`--kubeconfig ${options.kubeconfig}: no such file`);
    try {
      config.loadFromFile(options.kubeconfig);
    } catch (error) {
      throw new UserError(`cannot read kubeconfig ${options.kubeconfig}: ${(error as Error).message}`);
    }
  } else {
    // loadFromDefault falls back to a made-up localhost:8080 cluster; say plainly that none is configured.
    const kubeconfigEnv = process.env["KUBECONFIG"];
    const defaultFile = path.join(os.homedir(), ".kube", "config");
    const inCluster = process.env["KUBERNETES_SERVICE_HOST"] !== undefined;
    if (!inCluster && (kubeconfigEnv === undefined || kubeconfigEnv === "") && !existsSync(defaultFile)) {
      throw new UserError("no kubeconfig: $KUBECONFIG is not set and ~/.kube/config does not exist; pass --kubeconfig FILE for the cluster to use");
    }
    try {
      config.loadFromDefault();
    } catch (error) {
      throw new UserError(`cannot load the kubeconfig ($KUBECONFIG or ~/.kube/config): ${(error as Error).message}; pass --kubeconfig FILE`);
    }
  }
  const which = options.kubeconfig === undefined ? "the kubeconfig" : `the kubeconfig ${options.kubeconfig}`;
  if (options.context !== undefined) {
    const known = config.getContexts().map((c) => c.name);
    if (!known.includes(options.context)) {
      throw new UserError(`--context ${options.context}: ${which} has no such context (it has: ${known.join(", ") || "none"})`);
    }
    config.setCurrentContext(options.context);
  }
  const cluster = config.getCurrentCluster();
  if (cluster === null) {
    throw new UserError(`${which} has no current context with a cluster; select one (kubectl config use-context NAME, or --context NAME) or pass --kubeconfig FILE`);
  }
  const context = config.getCurrentContext();
  return { config, context, server: cluster.server, where: `context ${context || "(none)"}, server ${cluster.server}` };
}
