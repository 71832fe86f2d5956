/**
 * The command-line conventions of kubeconform, istioctl, kube-linter, conftest and kustomize, as
 * a user meets them: per-command help, did-you-mean, short flags, --quiet, colour, standard input,
 * JUnit, shell completion and the repository configuration file.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/command-table.js";
import { OPTIONS } from "../../src/cli/option-table.js";
import { useColor } from "../../src/cli/terminal.js";
import { REPO_ROOT, runCli } from "../helpers/run-cli.js";

const ADR_FIXTURE = "tools/test/fixtures/adr-009/istio-config.yaml";
const ANSI = /\u001b\[\d+m/;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "mesh-policy-conventions-"));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("help", () => {
  it("COMMAND --help and help COMMAND print that command's usage, options and examples", async () => {
    const run = await runCli(["check", "--help"]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^mesh-policy check: /);
    expect(run.stdout).toContain("\nUsage:\n  mesh-policy check [ENV...]\n");
    expect(run.stdout).toContain("-o, --output FILE");
    expect(run.stdout).toContain("\nExamples:\n  mesh-policy check ");
    expect(run.stdout).not.toContain("--pr-body");
    expect((await runCli(["help", "check"])).stdout).toBe(run.stdout);
  });

  it("every command has its own help with at least one example", async () => {
    for (const command of COMMANDS) {
      const run = await runCli([command.name, "-h"]);
      expect(run.exitCode, command.name).toBe(0);
      expect(run.stdout, command.name).toMatch(new RegExp(`^mesh-policy ${command.name}: [^]*\\nExamples:\\n {2}\\S`));
    }
  });
});

describe("did you mean", () => {
  it.each([
    [["chek"], 'unknown command "chek"; did you mean "check"?'],
    [["check", "--formt", "json"], "unknown option --formt (did you mean --format?)"],
    [["check", "-format", "json"], "-format: long options take two dashes; did you mean --format?"],
    [["check", "stagin"], 'unknown environment "stagin"; did you mean "staging"?'],
    [["check", "--format", "jsno"], "--format takes text, json, sarif, markdown, github, junit, not jsno (did you mean json?)"],
    [["render", "prod", "--env", "dev"], "render does not take --env; it is an option of"],
  ])("%j", async (args, message) => {
    const run = await runCli(args);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr.split("\n")).toHaveLength(2);
  });

  it("a misspelt field of a schema names the field that exists", async () => {
    const file = path.join(scratch, "gateway.yaml");
    await writeFile(
      file,
      "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: g\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n  - port: {number: 443, name: https, protocol: HTTPS}\n    hosts: [a.example.com]\n    tls:\n      mode: SIMPLE\n      credentialNmae: cert\n",
    );
    const run = await runCli(["validate", file]);
    expect(run.stdout).toContain(`${file}:12: error [schema] (Gateway g) spec.servers[0].tls.credentialNmae: unknown field "credentialNmae"; did you mean "credentialName"?`);
    expect(run.exitCode).toBe(1);
  });
});

describe("short flags, --quiet, standard input, JUnit", () => {
  it("-f and -o write the report in that format to that file; -q leaves only findings", async () => {
    const output = path.join(scratch, "report.json");
    const run = await runCli(["lint", ADR_FIXTURE, "-f", "json", "-o", output]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe("");
    expect((JSON.parse(await readFile(output, "utf8")) as { findings: unknown[] }).findings).toHaveLength(9);
    const quiet = await runCli(["lint", ADR_FIXTURE, "-q"]);
    expect(quiet.stdout.trimEnd().split("\n").at(-1)).toMatch(/error \[allow-policy-without-selector\]/);
    const render = await runCli(["render", "dev", "-qo", path.join(scratch, "dev.yaml")]);
    expect(render).toMatchObject({ exitCode: 0, stderr: "", stdout: "" });
  });

  it("- reads YAML from standard input, named <stdin> in findings, alone or with files", async () => {
    const yaml = await readFile(path.join(REPO_ROOT, ADR_FIXTURE), "utf8");
    const run = await execa("node", [path.join(REPO_ROOT, "tools/dist/bundle/main.js"), "lint", "-", "-f", "json"], { cwd: REPO_ROOT, input: yaml, reject: false });
    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.stdout) as { findings: Array<{ ruleId: string; location: { file: string; line: number } }> };
    expect(report.findings.map((f) => `${f.location.file}:${f.location.line} ${f.ruleId}`)).toContain("<stdin>:61 allow-policy-without-selector");
    const broken = await execa("node", [path.join(REPO_ROOT, "tools/dist/bundle/main.js"), "validate", "-"], { cwd: REPO_ROOT, input: "a: [\n", reject: false });
    expect(broken.exitCode).toBe(2);
    expect(broken.stdout).toContain("<stdin>:");
  });

  it("--format junit: a failure per error, the others as passing cases, a summary case", async () => {
    const run = await runCli(["lint", ADR_FIXTURE, "-f", "junit"]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="mesh-policy" tests="10" failures="4" errors="0">\n/);
    expect(run.stdout.match(/<failure /g)).toHaveLength(4);
    expect(run.stdout).toContain('<testcase classname="tools/test/fixtures/adr-009/istio-config.yaml" name="allow-policy-without-selector tools/test/fixtures/adr-009/istio-config.yaml:61');
    expect(run.stdout).toContain('<testcase classname="mesh-policy" name="4 resources: 4 errors, 1 warning, 4 infos, 0 suppressed"/>');
    expect(run.stdout.endsWith("</testsuites>\n")).toBe(true);
  });
});

describe("colour", () => {
  it("never in a pipe or a file; FORCE_COLOR=1 forces it; NO_COLOR and FORCE_COLOR=0 turn it off", async () => {
    expect((await runCli(["lint", ADR_FIXTURE])).stdout).not.toMatch(ANSI);
    const forced = await runCli(["lint", ADR_FIXTURE], { env: { FORCE_COLOR: "1" } });
    expect(forced.stdout).toMatch(/\u001b\[31merror\u001b\[0m \[allow-policy-without-selector\]/);
    expect((await runCli(["lint", ADR_FIXTURE], { env: { FORCE_COLOR: "0" } })).stdout).not.toMatch(ANSI);
    expect((await runCli(["lint", ADR_FIXTURE, "-o", path.join(scratch, "plain.txt")], { env: { FORCE_COLOR: "1" } })).exitCode).toBe(1);
    expect(await readFile(path.join(scratch, "plain.txt"), "utf8")).not.toMatch(ANSI);
    expect((await runCli(["lint", ADR_FIXTURE, "-f", "json"], { env: { FORCE_COLOR: "1" } })).stdout).not.toMatch(ANSI);
  });
  it("on a terminal unless NO_COLOR is set (any value but the empty string)", () => {
    const tty = { isTTY: true };
    expect(useColor(undefined, {}, tty)).toBe(true);
    expect(useColor(undefined, { NO_COLOR: "1" }, tty)).toBe(false);
    expect(useColor(undefined, { NO_COLOR: "" }, tty)).toBe(true);
    expect(useColor(undefined, { NO_COLOR: "1", FORCE_COLOR: "1" }, tty)).toBe(true);
    expect(useColor(undefined, { FORCE_COLOR: "false" }, tty)).toBe(false);
    expect(useColor("report.txt", { FORCE_COLOR: "1" }, tty)).toBe(false);
    expect(useColor(undefined, {}, { isTTY: false })).toBe(false);
  });
});

describe("shell completion", () => {
  it("bash completes commands, a command's options and its --format values", async () => {
    const script = (await runCli(["completion", "bash"])).stdout;
    const complete = async (words: string[]) => {
      const line = ["mesh-policy", ...words];
      const run = await execa(
        "bash",
        ["-c", `${script}\nCOMP_WORDS=(${line.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${line.length - 1}; _mesh_policy; printf '%s\\n' "\${COMPREPLY[@]}"`],
        { cwd: REPO_ROOT },
      );
      return run.stdout.split("\n").filter((w) => w !== "");
    };
    expect(await complete(["ch"])).toEqual(["check"]);
    expect(await complete(["check", "--fo"])).toEqual(["--format"]);
    expect((await complete(["check", "--format", ""])).sort()).toEqual(["github", "json", "junit", "markdown", "sarif", "text"]);
    expect((await complete(["check", "p"])).sort()).toEqual(["prod"]);
  });

  it("fish completes the same, from its own completion engine", async () => {
    const file = path.join(scratch, "mesh-policy.fish");
    await writeFile(file, (await runCli(["completion", "fish"])).stdout);
    const complete = async (line: string) =>
      (await execa("fish", ["--no-config", "-c", `source ${file}; complete -C '${line}'`], { cwd: REPO_ROOT })).stdout
        .split("\n")
        .map((l) => l.split("\t")[0])
        .filter((w) => w !== "");
    expect(await complete("mesh-policy ch")).toEqual(["check"]);
    expect(await complete("mesh-policy graph --format h")).toEqual(["html"]);
    expect(await complete("mesh-policy check st")).toEqual(["staging"]);
  });

  it("zsh loads the script (compdef) without an error", async () => {
    const file = path.join(scratch, "_mesh-policy");
    await writeFile(file, (await runCli(["completion", "zsh"])).stdout);
    const run = await execa("zsh", ["-f", "-c", `autoload -Uz compinit && compinit -u -D && source ${file} && print -r -- \${_comps[mesh-policy]}`], { reject: false });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("_mesh_policy");
  });

  it("an unknown shell: exit 2 naming the ones there are", async () => {
    expect(await runCli(["completion", "tcsh"])).toMatchObject({ exitCode: 2 });
  });
});

describe(".mesh-policy.yaml", () => {
  const inRepo = async (config: string) => {
    const repo = await mkdtemp(path.join(scratch, "repo-"));
    await mkdir(path.join(repo, "files"));
    await writeFile(path.join(repo, "files/istio-config.yaml"), await readFile(path.join(REPO_ROOT, ADR_FIXTURE), "utf8"));
    await writeFile(path.join(repo, ".mesh-policy.yaml"), config);
    await symlink(path.join(REPO_ROOT, "node_modules"), path.join(repo, "node_modules"));
    return repo;
  };

  it("turns a rule off and changes another's severity", async () => {
    const repo = await inRepo("rules:\n  deprecated-api-version: off\n  allow-policy-without-selector: warning\n");
    const run = await runCli(["lint", "files", "-f", "json"], { cwd: repo });
    const report = JSON.parse(run.stdout) as { findings: Array<{ ruleId: string; severity: string }> };
    expect(report.findings.some((f) => f.ruleId === "deprecated-api-version")).toBe(false);
    expect(report.findings.find((f) => f.ruleId === "allow-policy-without-selector")?.severity).toBe("warning");
    expect(run.exitCode).toBe(1);
  });

  it("a mistake is an input error at its line, with the name that exists", async () => {
    const repo = await inRepo("rules:\n  deprecated-api-version: off\n  retries-exceed-timout: warning\n  virtual-service-catch-all: loud\nenvironmnets: [dev]\n");
    const run = await runCli(["lint", "files"], { cwd: repo });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      [
        'mesh-policy: .mesh-policy.yaml:5: unknown key "environmnets"; did you mean "environments"?; the keys are environments, rules',
        '.mesh-policy.yaml:3: rules: no check "retries-exceed-timout"; did you mean "retries-exceed-timeout"?; mesh-policy rules lists them',
        ".mesh-policy.yaml:4: rules.virtual-service-catch-all: loud is not one of off, error, warning, info",
        "",
      ].join("\n"),
    );
  });
});

describe("the option table", () => {
  it("gives each short flag to one option only", () => {
    const shorts = Object.values(OPTIONS).flatMap((option) => ("short" in option ? [option.short] : []));
    expect(new Set(shorts).size).toBe(shorts.length);
  });
});
