import { ApiClient, type ApiClientOptions } from "../cluster/api-client.js";
import { loadKubeconfig, type KubeconfigOptions } from "../cluster/kubeconfig.js";
import type { Finding } from "../model/finding.js";
import type { CheckTarget } from "../pipeline/targets.js";
import { dryRunFindings } from "./dry-run-findings.js";
import { dryRunResources, type ServerDryRunOptions } from "./server-dry-run.js";

export type DryRunTargetsOptions = KubeconfigOptions & ApiClientOptions & Pick<ServerDryRunOptions, "concurrency">;

/**
 * Server-side dry-runs every rendered environment's objects against the cluster of the kubeconfig
 * (and context) given, and returns the findings per environment. Files given on the command line
 * (no environment) are not sent: only what an environment renders is what Argo CD would apply.
 */
export async function dryRunTargets(targets: readonly CheckTarget[], options: DryRunTargetsOptions): Promise<Map<string, Finding[]>> {
  const kubeconfig = loadKubeconfig(options);
  const client = await ApiClient.connect(kubeconfig, options);
  const defaultNamespace = kubeconfig.config.getContextObject(kubeconfig.context)?.namespace ?? "default";
  const clusterName = `context ${kubeconfig.context || "(none)"}`;
  const byEnvironment = new Map<string, Finding[]>();
  try {
    for (const target of targets) {
      if (target.environment === undefined || target.resources.length === 0) continue;
      const verdicts = await dryRunResources(client, target.resources, {
        defaultNamespace,
        ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      });
      byEnvironment.set(target.environment, dryRunFindings(verdicts, clusterName));
    }
  } finally {
    // One failed request ends the run: nothing still in flight may keep the process waiting.
    client.close();
  }
  return byEnvironment;
}
