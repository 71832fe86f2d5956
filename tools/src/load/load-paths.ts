import { readFile, readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../model/errors.js";
import type { Finding } from "../model/finding.js";
import type { Resource } from "../model/resource.js";
import { isInsideFolder } from "../util/inside-folder.js";
import { decodeUtf8, invalidUtf8Message } from "./decode-utf8.js";
import { resourcesFromYaml, YAML_SYNTAX_RULE, type LoadedResources } from "./resources-from-yaml.js";
import { displayPath } from "../util/display-path.js";

export const INPUT_FILE_RULE = "input-file";

const YAML_FILE = /\.ya?ml$/i;
const OUTSIDE_LINK_MESSAGE =
  "a symbolic link that leads outside the repository: refused, policy must live in the repository (copy the file in, or remove the link)";
const KUSTOMIZATION_FILE = /^kustomization\.ya?ml$/i;

/**
 * Loads every YAML file named, or found below a named folder (like `kubeconform` and
 * `istioctl analyze -f`). Kustomize's own files (kustomization.yaml, and Kustomization or
 * Component documents elsewhere) are not cluster objects and are left out: rendering checks them.
 * A symbolic link found in a folder is followed while it stays inside the repository (`cwd`, or
 * the folder given when that lies outside it); one that leaves it is refused with a finding.
 */
export async function loadPaths(
  paths: readonly string[],
  cwd: string,
  skipFoundFile: (file: string) => boolean = () => false,
): Promise<LoadedResources> {
  const expanded = await Promise.all(paths.map((p) => expandPath(p, cwd, skipFoundFile)));
  const unique = [...new Set(expanded.flatMap((e) => e.files))].sort();
  const results = await Promise.all(unique.map((file) => loadFile(file, cwd)));
  const resources: Resource[] = [];
  const findings: Finding[] = expanded.flatMap((e) => e.refused);
  for (const result of results) {
    resources.push(...result.resources.filter((r) => !isKustomizeConfig(r)));
    findings.push(...result.findings);
  }
  return { resources, findings };
}

export function isKustomizeConfig(resource: Resource): boolean {
  return resource.apiVersion.startsWith("kustomize.config.k8s.io/");
}

interface Expanded {
  files: string[];
  /** Symbolic links that lead out of the repository. */
  refused: Finding[];
}

/** A file named on the command line is always loaded; `skipFoundFile` filters those found in folders. */
async function expandPath(given: string, cwd: string, skipFoundFile: (file: string) => boolean): Promise<Expanded> {
  const absolute = path.resolve(cwd, given);
  const info = await stat(absolute).catch(() => undefined);
  if (info === undefined) {
    throw new UserError(`${given}: no such file or folder; pass YAML files or folders that contain them`);
  }
  if (info.isFile()) return { files: [absolute], refused: [] };
  if (!info.isDirectory()) throw new UserError(`${given} is neither a file nor a folder; pass YAML files or folders that contain them`);
  const root = await realpath(cwd).catch(() => cwd);
  const real = await realpath(absolute);
  const walk: Walk = { boundary: isInsideFolder(real, root) ? root : real, cwd, visited: new Set([real]), files: [], refused: [] };
  await walkFolder(absolute, walk);
  return { files: walk.files.filter((file) => !skipFoundFile(file)), refused: walk.refused };
}

interface Walk {
  /** Real path that every file loaded must be inside. */
  boundary: string;
  cwd: string;
  /** Real paths of the folders entered, so that a link cycle ends. */
  visited: Set<string>;
  files: string[];
  refused: Finding[];
}

async function walkFolder(dir: string, walk: Walk): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`${displayPath(dir, walk.cwd)}: cannot read the folder (${error.code ?? error.message}); check its permissions`);
  });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const full = path.join(dir, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await realpath(full).catch(() => undefined);
      if (target === undefined) continue; // a dangling link names nothing to load
      if (target !== walk.boundary && !isInsideFolder(target, walk.boundary)) {
        walk.refused.push({
          ruleId: INPUT_FILE_RULE,
          severity: "error",
          message: OUTSIDE_LINK_MESSAGE,
          location: { file: displayPath(full, walk.cwd), line: 1 },
        });
        continue;
      }
      const info = await stat(full).catch(() => undefined);
      isDirectory = info?.isDirectory() === true;
      isFile = info?.isFile() === true;
      if (isDirectory) {
        if (walk.visited.has(target)) continue;
        walk.visited.add(target);
      }
    }
    if (isDirectory) await walkFolder(full, walk);
    else if (isFile && YAML_FILE.test(entry.name) && !KUSTOMIZATION_FILE.test(entry.name)) walk.files.push(full);
  }
}

async function loadFile(absolute: string, cwd: string): Promise<LoadedResources> {
  const shown = displayPath(absolute, cwd);
  let text: string;
  try {
    const decoded = decodeUtf8(await readFile(absolute));
    if ("invalid" in decoded) {
      return {
        resources: [],
        findings: [{ ruleId: YAML_SYNTAX_RULE, severity: "error", message: invalidUtf8Message(decoded.invalid.byteOffset), location: { file: shown, line: decoded.invalid.line } }],
      };
    }
    text = decoded.text;
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

