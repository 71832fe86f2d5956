import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseCommonOptions } from "../src/cli/options.js";
import { findCommand } from "../src/cli/command-table.js";
import { COMMANDS } from "../src/cli/command-table.js";
import { formatCommandHelp, formatHelp } from "../src/cli/help.js";
import { OPTIONS } from "../src/cli/option-table.js";
import { editorFiles } from "../src/schemas/editor-schema.js";
import { ISTIO_ANALYZERS } from "../src/lint/istio-analyzers.js";
import { allChecks } from "../src/pipeline/check-catalog.js";
import { formatRulesMarkdown, RULES_DOC } from "../src/report/format-rules.js";
import { REPO_ROOT } from "./helpers/run-cli.js";

const README = readFileSync(`${REPO_ROOT}README.md`, "utf8");

describe("generated documentation", () => {
  it(`${RULES_DOC} matches the rule registry (regenerate with: npm run docs:rules)`, () => {
    expect(readFileSync(`${REPO_ROOT}${RULES_DOC}`, "utf8")).toBe(formatRulesMarkdown(allChecks(), ISTIO_ANALYZERS));
  });

  it("the editor schema and .vscode/settings.json are what mesh-policy schemas editor writes", () => {
    for (const file of editorFiles()) expect(readFileSync(`${REPO_ROOT}${file.path}`, "utf8"), file.path).toBe(file.content);
  });
});

/** Options of other tools that the README quotes, and the tool (as the README writes it) each belongs to. */
const OTHER_TOOLS: Readonly<Record<string, string>> = { "--use-kube": "istioctl analyze", "--istioctl": "tools/install-tools.sh" };

describe("README and --help agree", () => {
  const help = [formatHelp(), ...COMMANDS.map(formatCommandHelp)].join("\n");
  const helpFlags = new Set([...help.matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)].map((m) => m[0]));
  const readmeFlags = new Set([...README.matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)].map((m) => m[0]));

  it("every command of --help is in the README, and every `mesh-policy WORD` of the README is a command", () => {
    for (const command of COMMANDS) expect(README, `mesh-policy ${command.name}`).toMatch(new RegExp(`mesh-policy +${command.name}\\b`));
    // As a command is written: at the start of a line of a code block, in `code`, or after npx.
    const named = [...README.matchAll(/(?:^|`|npx )mesh-policy +([a-z][a-z-]*)/gm)].map((m) => m[1] as string);
    const commands = new Set<string>([...COMMANDS.map((c) => c.name), "help"]);
    expect(named.filter((word) => !commands.has(word))).toEqual([]);
  });

  it("every option of --help (long and short) is in the README, and every --option of the README is in --help", () => {
    expect([...helpFlags].filter((flag) => !readmeFlags.has(flag)).sort()).toEqual([]);
    const others = [...readmeFlags].filter((flag) => !helpFlags.has(flag));
    // The options of other tools the README names, each right after its tool.
    for (const flag of others.filter((f) => OTHER_TOOLS[f] !== undefined)) {
      expect(README, flag).toMatch(new RegExp(`${OTHER_TOOLS[flag] ?? ""}\\s+${flag}`));
    }
    expect(others.filter((flag) => OTHER_TOOLS[flag] === undefined).sort()).toEqual([]);
    for (const option of Object.values(OPTIONS)) {
      if ("short" in option) expect(README, `-${option.short}`).toContain(`\`-${option.short}\``);
    }
  });
});

describe(".pre-commit-hooks.yaml", () => {
  const hooks = parse(readFileSync(`${REPO_ROOT}.pre-commit-hooks.yaml`, "utf8")) as Array<{ id: string; entry: string; files: string; language: string; pass_filenames: boolean }>;

  it("each hook runs a command of mesh-policy with options that command takes", () => {
    expect(hooks.map((hook) => hook.id)).toEqual(["mesh-policy-check", "mesh-policy-generate"]);
    for (const hook of hooks) {
      const [binary, command, ...args] = hook.entry.split(" ");
      expect(binary).toBe("mesh-policy");
      expect(findCommand(command ?? ""), hook.id).toBeDefined();
      expect(() => parseCommonOptions(args, findCommand(command ?? "")?.name), hook.id).not.toThrow();
      expect(hook.pass_filenames).toBe(false);
    }
  });

  it("runs on the files of the policy and of the catalog, not on the tools", () => {
    const runsOn = (id: string, file: string) => new RegExp(hooks.find((hook) => hook.id === id)?.files ?? "$^").test(file);
    expect(runsOn("mesh-policy-check", "environments/prod/limits.yaml")).toBe(true);
    expect(runsOn("mesh-policy-check", "argocd/applications/mesh-policy-prod.yaml")).toBe(true);
    expect(runsOn("mesh-policy-check", ".mesh-policy.yaml")).toBe(true);
    expect(runsOn("mesh-policy-check", "tools/src/cli/main.ts")).toBe(false);
    expect(runsOn("mesh-policy-generate", "base/catalog/catalog.jsonnet")).toBe(true);
    expect(runsOn("mesh-policy-generate", "environments/dev/limits.yaml")).toBe(false);
  });
});
