import { readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../model/errors.js";
import type { Finding } from "../model/finding.js";
import type { Resource } from "../model/resource.js";
import { resourcesFromYaml, type LoadedResources } from "./resources-from-yaml.js";

export const INPUT_FILE_RULE = "input-file";

const YAML_FILE = /\.ya?ml$/i;
const KUSTOMIZATION_FILE = /^kustomization\.ya?ml$/i;

/**
 * Loads every YAML file named, or found below a named folder (like `kubeconform` and
 * `istioctl analyze -f`). Kustomize's own files (kustomization.yaml, and Kustomization or
 * Component documents elsewhere) are not cluster objects and are left out: rendering checks them.
 */
export async function loadPaths(
  paths: readonly string[],
  cwd: string,
  skipFoundFile: (file: string) => boolean = () => false,
): Promise<LoadedResources> {
  const files = (await Promise.all(paths.map((p) => expandPath(p, cwd, skipFoundFile)))).flat();
  const unique = [...new Set(files)].sort();
  const results = await Promise.all(unique.map((file) => loadFile(file, cwd)));
  const resources: Resource[] = [];
  const findings: Finding[] = [];
  for (const result of results) {
    resources.push(...result.resources.filter((r) => !isKustomizeConfig(r)));
    findings.push(...result.findings);
  }
  return { resources, findings };
}

export function isKustomizeConfig(resource: Resource): boolean {
  return resource.apiVersion.startsWith("kustomize.config.k8s.io/");
}

/** A file named on the command line is always loaded; `skipFoundFile` filters those found in folders. */
async function expandPath(given: string, cwd: string, skipFoundFile: (file: string) => boolean): Promise<string[]> {
  const absolute = path.resolve(cwd, given);
  const info = await stat(absolute).catch(() => undefined);
  if (info === undefined) {
    throw new UserError(`${given}: no such file or folder; pass YAML files or folders that contain them`);
  }
  if (info.isFile()) return [absolute];
  const found: string[] = [];
  await walk(absolute, found);
  return found.filter((file) => !skipFoundFile(file));
}

async function walk(dir: string, found: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`${dir}: cannot read the folder (${error.code ?? error.message}); check its permissions`);
  });
  for (const entry of entries) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await walk(full, found);
    else if (entry.isFile() && YAML_FILE.test(entry.name) && !KUSTOMIZATION_FILE.test(entry.name)) found.push(full);
  }
}

async function loadFile(absolute: string, cwd: string): Promise<LoadedResources> {
  const shown = displayPath(absolute, cwd);
  let text: string;
  try {
    text = await readFile(absolute, "utf8");
  } catch (error) {
    return {
      resources: [],
      findings: [
        {
          ruleId: INPUT_FILE_RULE,
          severity: "error",
          message: `cannot read file (${(error as NodeJS.ErrnoException).code ?? "unknown error"}); check that it exists and is readable`,
          location: { file: shown, line: 1 },
        },
      ],
    };
  }
  return resourcesFromYaml(text, shown);
}

/** Relative to `cwd` when inside it, so reports hold no absolute paths; forward slashes always. */
export function displayPath(absolute: string, cwd: string): string {
  const relative = path.relative(cwd, absolute);
  const shown = relative.startsWith("..") || path.isAbsolute(relative) ? absolute : relative;
  return shown.split(path.sep).join("/");
}
