import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { resourcesFromYaml } from "../load/resources-from-yaml.js";
import { UserError } from "../model/errors.js";
import type { Finding } from "../model/finding.js";
import type { Resource } from "../model/resource.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { ENVIRONMENTS_DIR } from "./environments.js";
import { collectKustomizeInputs } from "./kustomize-inputs.js";
import { diagnoseKustomizeFailure } from "./diagnose-kustomize-failure.js";
import { findKustomize } from "./kustomize-binary.js";
import { SourceLocator } from "./source-locator.js";

/**
 * Extra `kustomize build` flags. Must equal `kustomize.buildOptions` in Argo CD's argocd-cm
 * (unset in our Argo CD install), so that what we check is what Argo CD applies.
 */
export const KUSTOMIZE_BUILD_OPTIONS: readonly string[] = [];

export interface RenderedEnvironment {
  environment: string;
  /** kustomize's output, byte for byte. */
  yaml: string;
  resources: Resource[];
  findings: Finding[];
  kustomizeVersion: string;
  fromCache: boolean;
}

export interface RenderOptions {
  /** Where renders are cached by input hash; `false` turns the cache off. */
  cacheDir?: string | false;
  /**
   * The checkout whose .tools/bin holds the pinned kustomize, when `repoRoot` is another tree
   * (a revision extracted to a temporary folder). Defaults to `repoRoot`.
   */
  toolsRoot?: string;
}

export function defaultCacheDir(repoRoot: string): string {
  return process.env["MESH_POLICY_CACHE_DIR"] ?? path.join(repoRoot, ".cache", "mesh-policy", "renders");
}

export async function renderEnvironment(
  repoRoot: string,
  environment: string,
  options: RenderOptions = {},
): Promise<RenderedEnvironment> {
  const buildDir = path.join(repoRoot, ENVIRONMENTS_DIR, environment);
  return renderKustomization(repoRoot, buildDir, environment, options);
}

/** Renders any kustomization folder below `repoRoot`; `label` names it in reports. */
export async function renderKustomization(
  repoRoot: string,
  buildDir: string,
  label: string,
  options: RenderOptions = {},
): Promise<RenderedEnvironment> {
  const inputs = await collectKustomizeInputs(buildDir, repoRoot);
  const kustomize = await findKustomize(options.toolsRoot ?? repoRoot);
  const key = await inputHash(repoRoot, inputs.files, [kustomize.command, kustomize.version, ...KUSTOMIZE_BUILD_OPTIONS]);
  const cacheDir = options.cacheDir ?? defaultCacheDir(repoRoot);
  const cacheFile = cacheDir === false ? undefined : path.join(cacheDir, `${key}.yaml`);

  const cached = cacheFile === undefined ? undefined : await readFile(cacheFile, "utf8").catch(() => undefined);
  let yaml: string;
  if (cached !== undefined) {
    yaml = cached;
  } else {
    const args = [...kustomize.buildArgs, ...KUSTOMIZE_BUILD_OPTIONS, path.relative(repoRoot, buildDir) || "."];
    const result = await execa(kustomize.command, args, { cwd: repoRoot, reject: false, maxBuffer: 512 * 1024 * 1024 });
    if (result.exitCode !== 0 || result.failed) {
      const output = result.stderr || (result.shortMessage ?? "");
      const diagnosis = await diagnoseKustomizeFailure(output, { repoRoot, buildDir, inputs });
      throw new RenderFailure(
        `kustomize cannot render ${label}: ${diagnosis.file}:${diagnosis.line}: ${diagnosis.message}`,
        { file: diagnosis.file, line: diagnosis.line, reason: diagnosis.message },
        `\`${kustomize.command} ${args.join(" ")}\` exited ${result.exitCode ?? "abnormally"}:\n${tail(output)}`,
      );
    }
    yaml = result.stdout.endsWith("\n") || result.stdout === "" ? result.stdout : `${result.stdout}\n`;
    if (cacheFile !== undefined) await writeFileAtomic(cacheFile, yaml).catch(() => undefined);
  }

  const parsed = resourcesFromYaml(yaml, `${path.relative(repoRoot, buildDir).split(path.sep).join("/")} (rendered)`);
  const locator = new SourceLocator(repoRoot, buildDir, inputs.patches);
  const resources = await Promise.all(
    parsed.resources.map(async (resource) => ({ ...resource, origin: await locator.originFor(resource) })),
  );
  return {
    environment: label,
    yaml,
    resources,
    findings: parsed.findings,
    kustomizeVersion: kustomize.version,
    fromCache: cached !== undefined,
  };
}

async function inputHash(repoRoot: string, files: readonly string[], extra: readonly string[]): Promise<string> {
  const hash = createHash("sha256");
  for (const part of extra) hash.update(`${part}\0`);
  const contents = await Promise.all(files.map((file) => readFile(file).catch(() => Buffer.from("\0missing"))));
  files.forEach((file, index) => {
    hash.update(`${path.relative(repoRoot, file)}\0`);
    hash.update(contents[index] ?? "");
    hash.update("\0");
  });
  return hash.digest("hex").slice(0, 32);
}

/** kustomize could not build a kustomization: an input error of that environment, not of the run. */
export class RenderFailure extends UserError {
  constructor(
    message: string,
    /** The file and line to fix, and why (diagnoseKustomizeFailure). */
    readonly detail: { file: string; line: number; reason: string },
    /** kustomize's own command and output. */
    details: string,
  ) {
    super(message, details);
  }
}

function tail(text: string, lines = 20): string {
  return text.trim().split("\n").slice(-lines).map((line) => `  ${line}`).join("\n");
}
