import { readFileSync } from "node:fs";

interface PackageConfig {
  kustomizeVersion: string;
  kubeconformVersion: string;
  argocdVersion: string;
}

let config: PackageConfig | undefined;

/** The pinned tool versions of package.json "config" (this module is two folders below tools/). */
export function packageConfig(): PackageConfig {
  config ??= (JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { config: PackageConfig }).config;
  return config;
}
