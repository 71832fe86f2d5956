import { readFileSync } from "node:fs";

interface PackageConfig {
  kustomizeVersion: string;
  kubeconformVersion: string;
  argocdVersion: string;
  /** The istio.io/istio module version istioctl is built from (the differential suite, npm run test:istioctl). */
  istioctlVersion: string;
}

interface PackageJson {
  version: string;
  repository: { url: string };
  config: PackageConfig;
}

let packageJson: PackageJson | undefined;

function readPackageJson(): PackageJson {
  // This module is two folders below tools/, in src/ and in dist/ alike.
  packageJson ??= JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as PackageJson;
  return packageJson;
}

/** The pinned tool versions of package.json "config". */
export function packageConfig(): PackageConfig {
  return readPackageJson().config;
}

export function packageVersion(): string {
  return readPackageJson().version;
}

/** Where the repository's files can be read on the web: SARIF rule help must be an absolute URI. */
export function repositoryFileUrl(file: string): string {
  return `${readPackageJson().repository.url.replace(/\.git$/, "")}/blob/main/${file}`;
}
