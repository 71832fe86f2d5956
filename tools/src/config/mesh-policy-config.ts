import { readFile } from "node:fs/promises";
import path from "node:path";
import { likelyMeant } from "../util/did-you-mean.js";
import { parseYamlDocuments } from "../load/yaml-documents.js";
import { UserError } from "../model/errors.js";
import { SEVERITIES, type Finding, type Severity } from "../model/finding.js";
import { isJsonObject, pointerOf } from "../model/resource.js";

/**
 * `.mesh-policy.yaml` at the repository root: the project's choices about its checks, read by
 * every command that reports findings.
 *
 * ```yaml
 * environments: [dev, staging, prod]   # what check, validate and lint render when none is named
 * rules:
 *   deprecated-api-version: off        # off, or the severity the check's findings get
 *   retries-exceed-timeout: warning
 * ```
 * A mistake in it (an unknown key, check or environment, a value that is not a severity) is an
 * input error at its line, with the closest name that exists.
 */
export const CONFIG_FILE = ".mesh-policy.yaml";

export const RULE_SETTINGS = ["off", ...SEVERITIES] as const;
export type RuleSetting = (typeof RULE_SETTINGS)[number];

export interface MeshPolicyConfig {
  /** The environments to check when none is named; undefined: every environment. */
  environments: string[] | undefined;
  /** Check id → off or the severity its findings get. */
  rules: ReadonlyMap<string, RuleSetting>;
}

export const EMPTY_CONFIG: MeshPolicyConfig = { environments: undefined, rules: new Map() };

const KEYS = ["environments", "rules"];

export interface ConfigVocabulary {
  /** Every check id (`mesh-policy rules`). */
  checks: readonly string[];
  /** Checks whose findings mean the input could not be read (exit 2): they cannot be turned off or down. */
  inputChecks: ReadonlySet<string>;
  environments: readonly string[];
}

/**
 * The configuration of the repository at `repoRoot`; the empty one when it has no file. The
 * vocabulary (every check, every environment) is gathered only when there is a file to check.
 */
export async function loadConfig(repoRoot: string, vocabulary: () => Promise<ConfigVocabulary>): Promise<MeshPolicyConfig> {
  const text = await readFile(path.join(repoRoot, CONFIG_FILE), "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw new UserError(`${CONFIG_FILE}: cannot read it (${error.code ?? error.message})`);
  });
  return text === undefined ? EMPTY_CONFIG : parseConfig(text, await vocabulary());
}

export function parseConfig(text: string, vocabulary: ConfigVocabulary): MeshPolicyConfig {
  const parsed = parseYamlDocuments(text);
  const syntax = parsed.problems[0];
  if (syntax !== undefined) throw new UserError(`${CONFIG_FILE}:${syntax.line}: ${syntax.message}`);
  if (parsed.documents.length > 1) throw new UserError(`${CONFIG_FILE}:${parsed.documents[1]?.line ?? 1}: one YAML document only`);
  const document = parsed.documents[0];
  if (document === undefined) return EMPTY_CONFIG;
  const problems: string[] = [];
  const at = (pointer: string, message: string) => problems.push(`${CONFIG_FILE}:${document.lineOf(pointer).line}: ${message}`);
  const root = document.value;
  if (!isJsonObject(root)) throw new UserError(`${CONFIG_FILE}:${document.line}: expected a map with ${KEYS.join(" and ")}`);

  for (const key of Object.keys(root)) {
    if (!KEYS.includes(key)) at(pointerOf(key), `unknown key "${key}"${suggest(key, KEYS)}; the keys are ${KEYS.join(", ")}`);
  }
  let environments: string[] | undefined;
  if (root["environments"] !== undefined) {
    const list = root["environments"];
    if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === "string")) {
      at("/environments", "environments: a non-empty list of environment names, such as [dev, staging, prod]");
    } else {
      environments = [];
      list.forEach((name: string, index) => {
        if (vocabulary.environments.includes(name)) environments?.push(name);
        else at(pointerOf("environments", index), `environments: unknown environment "${name}"${suggest(name, vocabulary.environments)}; known environments: ${vocabulary.environments.join(", ")}`);
      });
    }
  }
  const rules = new Map<string, RuleSetting>();
  const ruleMap = root["rules"];
  if (ruleMap !== undefined && ruleMap !== null) {
    if (!isJsonObject(ruleMap)) at("/rules", "rules: a map of check ids to off, error, warning or info");
    else {
      for (const [id, given] of Object.entries(ruleMap)) {
        // `off` is YAML 1.1's false, as Kubernetes reads YAML.
        const value = given === false ? "off" : given;
        const pointer = pointerOf("rules", id);
        if (!vocabulary.checks.includes(id)) {
          at(pointer, `rules: no check "${id}"${suggest(id, vocabulary.checks)}; mesh-policy rules lists them`);
        } else if (typeof value !== "string" || !(RULE_SETTINGS as readonly string[]).includes(value)) {
          const shown = typeof value === "string" ? value : JSON.stringify(value);
          at(pointer, `rules.${id}: ${shown} is not one of ${RULE_SETTINGS.join(", ")}${typeof value === "string" ? suggest(value, RULE_SETTINGS) : ""}`);
        } else if (vocabulary.inputChecks.has(id) && value !== "error") {
          at(pointer, `rules.${id}: cannot be ${value}: its findings mean an input could not be read at all (exit 2)`);
        } else {
          rules.set(id, value as RuleSetting);
        }
      }
    }
  }
  if (problems.length > 0) throw new UserError(problems.join("\n"));
  return { environments, rules };
}

/** The findings as the configuration wants them: checks turned off left out, severities overridden. */
export function applyConfig(findings: readonly Finding[], config: MeshPolicyConfig): Finding[] {
  if (config.rules.size === 0) return [...findings];
  return findings.flatMap((finding) => {
    const setting = config.rules.get(finding.ruleId);
    if (setting === undefined) return [finding];
    if (setting === "off") return [];
    return [{ ...finding, severity: setting as Severity }];
  });
}

function suggest(value: string, candidates: readonly string[]): string {
  const guess = likelyMeant(value, candidates);
  return guess === undefined ? "" : `; did you mean "${guess}"?`;
}
