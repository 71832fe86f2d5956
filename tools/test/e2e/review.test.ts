import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { GitRepository } from "../helpers/git-repository.js";
import { createPolicyRepository, pinProd } from "../helpers/policy-repository.js";
import { REPO_ROOT, runCli, type CliRun } from "../helpers/run-cli.js";

/**
 * What a reviewer sees, end to end: the real CLI on a throw-away copy of this repository's policy
 * (prod pinned to the copy's first commit), through the changes people make.
 */

const CATALOG = "base/catalog/catalog.jsonnet";
const LONG = 240_000;

let repo: GitRepository;
let files: Record<string, string>;
let pin: string;
let main: string;
let scratch: string;
let env: Record<string, string>;

beforeAll(async () => {
  ({ repo, files, pin } = await createPolicyRepository());
  main = (await repo.git("rev-parse", "HEAD")).trim();
  scratch = await mkdtemp(path.join(tmpdir(), "mesh-policy-review-"));
  env = { MESH_POLICY_KUSTOMIZE: `${REPO_ROOT}.tools/bin/kustomize`, MESH_POLICY_CACHE_DIR: path.join(scratch, "cache") };
}, LONG);

afterAll(async () => {
  await repo.dispose();
  await rm(scratch, { recursive: true, force: true });
});

afterEach(async () => {
  await repo.git("checkout", "--quiet", "--force", "main");
  await repo.git("clean", "--quiet", "-fd");
});

const cli = (...args: string[]): Promise<CliRun> => runCli(args, { cwd: repo.root, env });

/** The 1-based line of `file` (as committed or as edited) that contains `text`. */
async function lineOf(file: string, text: string): Promise<number> {
  const index = (await readFile(path.join(repo.root, file), "utf8")).split("\n").findIndex((line) => line.includes(text));
  if (index === -1) throw new Error(`${file} has no line with ${text}`);
  return index + 1;
}

interface JsonFinding {
  ruleId: string;
  severity: string;
  message: string;
  environment?: string;
  environments?: string[];
  location: { file: string; line: number; pointer?: string };
}

async function checkJson(...args: string[]): Promise<{ run: CliRun; findings: JsonFinding[] }> {
  const run = await cli("check", ...args, "--format", "json");
  return { run, findings: (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings };
}

/** A call the catalog does not have: the agents may call the backend's API. */
const NEW_CALL = "    $.call('vapora-agents', 'vapora-backend', ports=['http-api']),\n";

/** On a branch from main: the catalog gains NEW_CALL, regenerated and committed. */
async function commitNewCall(branch: string): Promise<string> {
  await repo.git("checkout", "--quiet", "-b", branch, "main");
  const catalog = files[CATALOG] as string;
  const anchor = "    $.call('vapora-backend', 'vapora-agents', ports=['http-agents']),\n";
  await repo.write({ [CATALOG]: catalog.replace(anchor, `${anchor}${NEW_CALL}`) });
  const generated = await cli("generate");
  expect(generated.stderr).toBe("");
  expect(generated.stdout).toContain("wrote base/backend/authorization-policy.yaml");
  return repo.commit("the agents may call the backend");
}

describe("the diff models Argo CD: prod is pinned", () => {
  it("a base edit: dev and staging change on merge (one change, shown once), prod is unchanged on merge and its next promotion is pending", async () => {
    const feature = await commitNewCall("feature");

    const json = await cli("diff", "--base", "main", "--head", "feature", "--format", "json");
    expect(json.exitCode).toBe(0);
    const report = JSON.parse(json.stdout) as {
      version: number;
      summary: { changesOnMerge: boolean; widensAccess: string[]; widensProd: boolean; pending: string[] };
      deployments: Array<{ name: string; before: { tracking: string; commit: string }; after: { tracking: string; commit: string } }>;
      environments: Array<{ name: string; access: { newlyAllowed: number; changes: Array<{ kind: string; source: string; target: string }> } }>;
      unchangedEnvironments: string[];
      pending: Array<{ name: string; changed: Array<{ name: string }> }>;
    };
    expect(report.version).toBe(2);
    expect(report.summary).toEqual({ changesOnMerge: true, widensAccess: ["dev", "staging"], widensProd: false, pending: ["prod"] });
    expect(report.environments.map((e) => e.name)).toEqual(["dev", "staging"]);
    expect(report.environments[0]?.access.changes).toContainEqual(expect.objectContaining({ kind: "newly-allowed", source: "vapora-agents", target: "vapora-backend:8001" }));
    expect(report.unchangedEnvironments).toEqual(["prod"]);
    expect(report.deployments.find((d) => d.name === "prod")).toMatchObject({ before: { tracking: "pin", commit: pin }, after: { tracking: "pin", commit: pin } });
    expect(report.deployments.find((d) => d.name === "dev")).toMatchObject({ before: { tracking: "branch", commit: main }, after: { tracking: "branch", commit: feature } });
    expect(report.pending.map((e) => e.name)).toEqual(["prod"]);
    expect(report.pending[0]?.changed.map((c) => c.name)).toContain("allow-vapora-backend");

    const text = await cli("diff", "--base", "main", "--head", "feature");
    expect(text.stdout).toContain("\ndev, staging: same change — 0 added, 2 changed, 0 removed\n");
    expect(text.stdout).toContain("who can reach whom: 1 newly allowed, 0 newly denied, 0 with changed conditions");
    expect(text.stdout).toContain(`unchanged on merge: prod (pinned to ${pin.slice(0, 12)} by argocd/applications/mesh-policy-prod.yaml)`);
    expect(text.stdout).toContain("pending, not applied on merge: what prod would receive at the next promotion");
    expect(text.stdout).not.toContain("widens access in prod");
    // The new rule is located at the catalog line that produced it: the new call.
    const callLine = await lineOf(CATALOG, NEW_CALL.trim());
    expect(text.stdout).toContain(`@@ spec.rules[2] (added) @@ ${CATALOG}:${callLine}\n`);

    const markdown = await cli("diff", "--base", "main", "--head", "feature", "--format", "markdown");
    expect(markdown.stdout).toContain(`| prod | pinned to ${pin.slice(0, 12)} | unchanged (pending at its next promotion) | 0 | 0 | 0 | – |`);
    expect(markdown.stdout).toContain("| dev | follows main | **changes** | 0 | 2 | 0 | none |");
    expect(markdown.stdout).toContain("#### Who can reach whom: `dev, staging`");
    expect(markdown.stdout).toContain("<details><summary>dev, staging: same change — 2 changes</summary>");
    expect(markdown.stdout).toMatch(/<details><summary>⏳ pending, not applied on merge: prod at the next promotion: \d+ changes<\/summary>/);
    expect(markdown.stdout).not.toContain("This change **widens access in prod**");

    expect((await cli("diff", "--base", "main", "--head", "feature", "--exit-code")).exitCode).toBe(1);
    expect((await cli("diff", "--base", "main", "--head", "main", "--exit-code")).exitCode).toBe(0);
  }, LONG);

  it("a promotion commit: prod's real change, who can reach whom, and the widening warning, in the diff and in the promotion's body", async () => {
    const feature = await commitNewCall("feature-for-prod");
    await repo.git("checkout", "--quiet", "-b", "promotion", "feature-for-prod");
    await repo.write(pinProd(files, feature));
    await repo.commit("promote staging to prod");

    const json = await cli("diff", "--base", "feature-for-prod", "--head", "promotion", "--format", "json");
    const report = JSON.parse(json.stdout) as { summary: { widensProd: boolean; widensAccess: string[]; pending: string[] }; environments: Array<{ name: string }>; unchangedEnvironments: string[] };
    expect(report.environments.map((e) => e.name)).toEqual(["prod"]);
    expect(report.unchangedEnvironments).toEqual(["dev", "staging"]);
    expect(report.summary).toMatchObject({ widensProd: true, widensAccess: ["prod"], pending: [] });

    const text = await cli("diff", "--base", "feature-for-prod", "--head", "promotion");
    expect(text.stdout).toContain(`\nprod (pin ${pin.slice(0, 12)} → ${feature.slice(0, 12)}): 0 added, `);
    expect(text.stdout).toContain("⚠ this change widens access in prod");
    expect(text.stdout).toContain("newly allowed: vapora-agents → vapora-backend:8001: denied → allowed");

    const markdown = await cli("diff", "--base", "feature-for-prod", "--head", "promotion", "--format", "markdown");
    expect(markdown.stdout).toContain(`| prod | pin ${pin.slice(0, 12)} → ${feature.slice(0, 12)} | **changes** |`);
    expect(markdown.stdout).toContain("#### Who can reach whom: `prod`\n\n> [!WARNING]\n> This change **widens access in prod**");

    // What `mesh-policy promote` writes for the same promotion, from main once the feature is merged.
    await repo.git("checkout", "--quiet", "main");
    await repo.git("merge", "--quiet", "--ff-only", "feature-for-prod");
    const body = path.join(scratch, "pr-body.md");
    const promoted = await cli("promote", "staging", "prod", "--pr-body", body, "--min-soak-hours", "0", "--force-gates", "window");
    expect(promoted.stderr).toContain("promoted staging to prod");
    const text2 = await readFile(body, "utf8");
    expect(text2).toContain("> [!WARNING]\n> This promotion **widens access in prod**: 1 edge newly allowed");
    expect(text2).toContain("#### Who can reach whom: `prod`");
    expect(text2).toContain("| ⚠️ newly allowed | `vapora-agents` | `vapora-backend:8001` | denied | allowed |");
    await repo.git("reset", "--quiet", "--hard", main);
  }, LONG);
});

describe("every finding at the line to edit, once", () => {
  it("a field a patch sets: the patch's line, not the generated base file", async () => {
    const routing = "environments/prod/routing.yaml";
    await repo.write({ [routing]: `${files[routing] as string}- op: add\n  path: /spec/http/0/timeout\n  value: 5s\n` });
    const { run, findings } = await checkJson("prod");
    expect(run.exitCode).toBe(1);
    const valueLine = await lineOf(routing, "value: 5s");
    const retries = findings.filter((f) => f.ruleId === "retries-exceed-timeout");
    expect(retries.map((f) => [f.location.file, f.location.line, f.location.pointer])).toEqual([
      [routing, valueLine, "/spec/http/0/retries"],
      [routing, valueLine, "/spec/http/0/retries"],
      [routing, valueLine, "/spec/http/0/retries"],
    ]);
  }, LONG);

  it("a field of a generated file: the catalog line that produced it", async () => {
    const catalog = (files[CATALOG] as string).replace(
      "    backend: $.workload({\n",
      "    backend: $.workload({\n      sidecar: { extraEgressHosts: ['istio-system/*', './vapora-nowhere.vapora.svc.cluster.local'] },\n",
    );
    await repo.write({ [CATALOG]: catalog });
    expect((await cli("generate")).exitCode).toBe(0);
    const { findings } = await checkJson();
    const egress = findings.filter((f) => f.ruleId === "sidecar-egress-host-not-found");
    expect(egress.map((f) => [f.location.file, f.location.line, f.environments])).toEqual([
      [CATALOG, await lineOf(CATALOG, "extraEgressHosts: ['istio-system/*', './vapora-nowhere"), ["dev", "prod", "staging"]],
    ]);
  }, LONG);

  it("a kustomize patch error: the patch's line in one sentence, kustomize's own text only with --verbose", async () => {
    const limits = "environments/prod/limits.yaml";
    await repo.write({ [limits]: (files[limits] as string).replace("name: vapora-agents", "name: vapora-agentz") });
    const text = await cli("check", "prod");
    expect(text.exitCode).toBe(2);
    expect(text.stdout).toContain(
      `  ${limits}:${await lineOf(limits, "name: vapora-agentz")}: error [render] kustomize cannot render this environment: ` +
        "this strategic-merge patch names DestinationRule vapora/vapora-agentz, which the build does not have " +
        "(DestinationRules in the build: vapora/vapora-agents, vapora/vapora-backend, vapora/vapora-frontend, vapora/vapora-llm-router); " +
        "fix the name so it patches an existing object\n",
    );
    expect(text.stdout + text.stderr).not.toContain("no matches for Id");
    const verbose = await cli("check", "prod", "--verbose");
    expect(verbose.stderr).toMatch(/kustomize output for prod:\n`.*build environments\/prod` exited 1:\n {2}Error: no resource matches strategic merge patch/);
    const diff = await cli("diff", "--base", "main", "prod");
    expect(diff.exitCode).toBe(2);
    expect(diff.stderr).toContain(`mesh-policy: kustomize cannot render prod: ${limits}:`);
  }, LONG);

  it("a mistake in a file every environment shares: one finding naming them, one annotation, one SARIF result, no cascade", async () => {
    const gateway = "base/gateway/virtual-service.yaml";
    await repo.write({ [gateway]: (files[gateway] as string).replace("host: vapora-backend\n", "host: vapora-backnd\n") });
    const { findings } = await checkJson();
    expect(findings.filter((f) => f.location.file === gateway).map((f) => [f.ruleId, f.environments, f.environment])).toEqual([
      ["virtual-service-destination-host-not-found", ["dev", "prod", "staging"], undefined],
    ]);
    const github = await cli("check", "--format", "github");
    expect(github.stdout.split("\n").filter((line) => line.includes(`file=${gateway}`))).toEqual([
      expect.stringMatching(/^::error file=base\/gateway\/virtual-service\.yaml,line=\d+,title=IST0101 virtual-service-destination-host-not-found \(dev%2C prod%2C staging\)::/),
    ]);
    const sarif = JSON.parse((await cli("check", "--format", "sarif")).stdout) as {
      runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>; partialFingerprints: Record<string, string> }> }>;
    };
    const results = sarif.runs[0]?.results ?? [];
    expect(results.filter((r) => r.locations[0]?.physicalLocation.artifactLocation.uri === gateway)).toHaveLength(1);
    expect(new Set(results.map((r) => JSON.stringify(r.partialFingerprints))).size).toBe(results.length);

    // A tab in a shared file: one error, at its line, for every environment.
    const telemetry = "base/mesh/telemetry.yaml";
    await repo.write({ [gateway]: files[gateway] as string, [telemetry]: (files[telemetry] as string).replace("\n  name: default\n", "\n\tname: default\n") });
    const broken = await checkJson();
    expect(broken.run.exitCode).toBe(2);
    expect(broken.findings.map((f) => [f.ruleId, f.location.file, f.environments])).toEqual([
      ["render", telemetry, ["dev", "prod", "staging"]],
    ]);
  }, LONG);
});

describe("no silent no-ops", () => {
  it("a patch whose target names nothing is an error at its line; a kustomization no environment reaches is a warning, a workload folder an error", async () => {
    const dev = "environments/dev/kustomization.yaml";
    await repo.write({ [dev]: (files[dev] as string).replace("name: vapora-backend|vapora-llm-router|vapora-ingress", "name: vapora-backend|vapora-llm-routr|vapora-ingress") });
    const { run, findings } = await checkJson();
    expect(run.exitCode).toBe(1);
    expect(findings.map((f) => [f.ruleId, f.location.file, f.location.line, f.environment])).toEqual([
      ["patch-target", dev, await lineOf(dev, "vapora-llm-routr"), "dev"],
    ]);
    expect(findings[0]?.message).toMatch(/^"vapora-llm-routr" in the target name of environments\/dev\/routing\.yaml selects no object/);

    await repo.write({
      [dev]: files[dev] as string,
      "base/kustomization.yaml": (files["base/kustomization.yaml"] as string).replace("  - llm-router\n", ""),
      "base/llm-router/kustomization.yaml": files["base/llm-router/kustomization.yaml"] as string,
      "base/extra/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n",
    });
    const unreached = await checkJson();
    // A hand-written folder nobody uses yet: a warning. A workload of the catalog Argo CD would never apply: an error, once.
    expect(unreached.findings.filter((f) => f.ruleId === "unreached-kustomize-input").map((f) => f.location.file)).toEqual(["base/extra/kustomization.yaml"]);
    expect(unreached.findings.filter((f) => f.ruleId === "catalog-workload-unreached").map((f) => [f.severity, f.location.file])).toEqual([["error", "base/llm-router/kustomization.yaml"]]);
  }, LONG);
});
