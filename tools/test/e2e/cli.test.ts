import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runCli } from "../helpers/run-cli.js";

const ADR_FIXTURE = "tools/test/fixtures/adr-009/istio-config.yaml";
let scratch: string;
let cacheEnv: Record<string, string>;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "mesh-policy-e2e-"));
  cacheEnv = { MESH_POLICY_CACHE_DIR: path.join(scratch, "cache") };
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("mesh-policy check on this repository", () => {
  // The two rate-limit EnvoyFilters acknowledge istiod's warning about every EnvoyFilter (IST0133) with
  // galley.istio.io/analyze-suppress: one suppressed finding per EnvoyFilter and environment.
  const RATE_LIMIT_ENVOY_FILTERS = 2;

  it("renders, validates and lints every environment cleanly", async () => {
    const run = await runCli(["check"], { env: cacheEnv });
    expect(run.stderr).toMatch(/rendered dev: \d+ resources \(kustomize v5\.8\.1/);
    // The resources counted are the environments' and argocd/'s, said apart.
    expect(run.stdout).toMatch(/^3 environments, (\d+) resources \((\d+) rendered, (\d+) Argo CD objects in argocd\/\): 0 errors, 0 warnings, 0 infos, (\d+) suppressed\n$/);
    expect(/ (\d+) suppressed\n$/.exec(run.stdout)?.[1]).toBe(String(3 * RATE_LIMIT_ENVOY_FILTERS));
    const [, total, rendered, argocd] = /^3 environments, (\d+) resources \((\d+) rendered, (\d+) Argo CD objects/.exec(run.stdout) ?? [];
    expect(Number(rendered) + Number(argocd)).toBe(Number(total));
    expect(run.stderr).toMatch(new RegExp(`read argocd/: ${argocd ?? "?"} Argo CD objects \\(AppProjects and Applications`));
    expect(run.exitCode).toBe(0);
  });

  it("reports JSON in the versioned shape", async () => {
    const run = await runCli(["check", "prod", "--format", "json"], { env: cacheEnv });
    const report = JSON.parse(run.stdout) as { version: number; findings: unknown[]; summary: Record<string, number> };
    expect(report.version).toBe(1);
    expect(report.findings).toEqual([]);
    expect(report.summary).toMatchObject({ environments: 1, errors: 0, warnings: 0, infos: 0, suppressed: RATE_LIMIT_ENVOY_FILTERS });
    expect(report.summary["resources"]).toBeGreaterThan(20);
    expect(run.exitCode).toBe(0);
  });
});

describe("mesh-policy on the decision record's config", () => {
  it("finds its mistakes, each with its file and line, and exits 1", async () => {
    const run = await runCli(["lint", ADR_FIXTURE, "--format", "json"]);
    const report = JSON.parse(run.stdout) as { findings: Array<{ ruleId: string; severity: string; location: { file: string; line: number } }> };
    expect(report.findings.every((f) => f.location.file === ADR_FIXTURE)).toBe(true);
    expect(report.findings.map((f) => [f.location.line, f.severity, f.ruleId])).toEqual([
      [4, "info", "deprecated-api-version"],
      // Every path but /api/health gets 404.
      [13, "error", "virtual-service-catch-all"],
      // The file holds no Service: on its own, the route's host is unknown.
      [18, "error", "virtual-service-destination-host-not-found"],
      // 1 + 3 tries of 2 s cannot fit in 5 s.
      [22, "error", "retries-exceed-timeout"],
      [27, "info", "deprecated-api-version"],
      [33, "warning", "destination-rule-host-not-found"],
      [47, "info", "deprecated-api-version"],
      [56, "info", "deprecated-api-version"],
      // No selector: port 8002 opens on every workload of vapora.
      [61, "error", "allow-policy-without-selector"],
    ]);
    expect(run.exitCode).toBe(1);
  });

  it("prints one line per finding and a summary line in text", async () => {
    const run = await runCli(["lint", ADR_FIXTURE]);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("files:");
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ {2}tools\/test\/fixtures\/adr-009\/istio-config\.yaml:61: error \[allow-policy-without-selector\] \(AuthorizationPolicy allow-backend-to-agents\.vapora\) ALLOW policy without a selector/,
      ),
    );
    expect(lines.at(-1)).toBe("4 resources: 4 errors, 1 warning, 4 infos, 0 suppressed");
  });

  it("finds the install profile that does not exist and the misspelled metric", async () => {
    const file = "tools/test/fixtures/adr-009/install-and-verification.yaml";
    const run = await runCli(["lint", file, "--format", "json"]);
    const report = JSON.parse(run.stdout) as { findings: Array<{ ruleId: string; message: string; location: { line: number } }> };
    expect(report.findings.map((f) => [f.location.line, f.ruleId])).toEqual([
      [9, "unknown-install-profile"],
      [21, "unknown-istio-metric"],
    ]);
    expect(report.findings[1]?.message).toContain('did you mean "istio_requests_total"?');
    expect(run.exitCode).toBe(1);
  });

  it("exits 0 with --fail-on never, and the schema check alone passes", async () => {
    expect((await runCli(["lint", ADR_FIXTURE, "--fail-on", "never"])).exitCode).toBe(0);
    expect((await runCli(["validate", ADR_FIXTURE])).exitCode).toBe(0);
  });
});

describe("bad input", () => {
  it("invalid YAML: exit 2, with the file and line", async () => {
    const file = path.join(scratch, "broken.yaml");
    await writeFile(file, "apiVersion: v1\nkind: Service\nmetadata:\n  name: [unclosed\n");
    const run = await runCli(["validate", file]);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toContain(`${file}:4: error [yaml-syntax] invalid YAML:`);
    expect(run.stderr).not.toMatch(/\bat \w+ \(/);
  });

  it("a schema violation names the field and what is wrong", async () => {
    const file = path.join(scratch, "typo.yaml");
    await writeFile(file, "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: x\nspec:\n  host: x\n  trafficPolicy:\n    conectionPool: {}\n");
    const run = await runCli(["validate", file]);
    expect(run.stdout).toContain(`${file}:8: error [schema] (DestinationRule x) spec.trafficPolicy.conectionPool: unknown field "conectionPool"`);
    expect(run.exitCode).toBe(1);
  });

  it("an unknown environment: exit 2, naming the known ones", async () => {
    const run = await runCli(["check", "qa"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('mesh-policy: unknown environment "qa"; known environments: dev, prod, staging\n');
  });

  it("a missing path, an unknown command and an unknown option: exit 2", async () => {
    expect(await runCli(["lint", "nowhere.yaml"])).toMatchObject({ exitCode: 2, stderr: "mesh-policy: nowhere.yaml: no such file or folder; pass YAML files or folders that contain them\n" });
    expect((await runCli(["frobnicate"])).exitCode).toBe(2);
    expect((await runCli(["check", "--colour"])).stderr).toBe("mesh-policy: unknown option --colour; see mesh-policy check --help\n");
  });

  it("no kustomize: exit 2 and how to install it", async () => {
    const run = await runCli(["render", "dev", "--no-cache"], { env: { MESH_POLICY_KUSTOMIZE: path.join(scratch, "no-such-kustomize") } });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/does not run .*run `bash tools\/install-tools\.sh`/);
  });
});

describe("an environment that does not build", () => {
  it("is reported with its kustomization, the other environments are still checked, exit 2", async () => {
    const repo = path.join(scratch, "two-environments");
    const write = async (file: string, text: string) => {
      await mkdir(path.dirname(path.join(repo, file)), { recursive: true });
      await writeFile(path.join(repo, file), text);
    };
    await write("base/kustomization.yaml", "resources:\n- sa.yaml\n");
    await write("base/sa.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  namespace: x\n");
    await write("environments/good/kustomization.yaml", "resources:\n- ../../base\n");
    await write("environments/broken/kustomization.yaml", "resources:\n- ../../base\n- missing.yaml\n");
    const run = await runCli(["check", "--format", "json"], { cwd: repo, env: { ...cacheEnv, MESH_POLICY_KUSTOMIZE: `${REPO_ROOT}.tools/bin/kustomize` } });
    expect(run.exitCode).toBe(2);
    const report = JSON.parse(run.stdout) as { findings: Array<{ ruleId: string; environment: string; location: { file: string } }>; summary: { environments: number; resources: number } };
    expect(report.findings.map((f) => [f.ruleId, f.environment, f.location.file])).toEqual([["render", "broken", "environments/broken/kustomization.yaml"]]);
    expect(report.summary).toMatchObject({ environments: 2, resources: 1 });
  });
});

describe("mesh-policy diff", () => {
  it("compares two environments: what promotion would change, as versioned JSON", async () => {
    const run = await runCli(["diff", "--env", "staging", "--against-env", "prod", "--format", "json"], { env: cacheEnv });
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.stdout) as { version: number; environments: Array<{ name: string; changed: unknown[] }> };
    expect(report.version).toBe(2);
    expect(report.environments.map((e) => e.name)).toEqual(["prod"]);
    expect(report.environments[0]?.changed.length).toBeGreaterThan(0);
  });

  it("--base pinned compares with the commit prod's Application pins", async () => {
    const run = await runCli(["diff", "--base", "pinned", "prod", "--head", "HEAD", "--format", "json"], { env: cacheEnv });
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.stdout) as { base: { commit: string } };
    const pinned = /targetRevision: ([0-9a-f]{40})/.exec(readFileSync(`${REPO_ROOT}argocd/applications/mesh-policy-prod.yaml`, "utf8"))?.[1];
    expect(report.base.commit).toBe(pinned);
    expect((await runCli(["diff", "--base", "pinned"], { env: cacheEnv })).stderr).toMatch(/name exactly one environment/);
  });

  it("needs --base, and names a bad revision", async () => {
    expect(await runCli(["diff"])).toMatchObject({ exitCode: 2, stderr: expect.stringContaining("diff needs --base REF") });
    const run = await runCli(["diff", "--base", "no-such-ref"], { env: cacheEnv });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("no-such-ref");
  });
});

describe("mesh-policy explain and graph", () => {
  it("explains why the frontend may call the backend's API, and the route it takes", async () => {
    const run = await runCli(
      ["explain", "--env", "prod", "--from", "vapora-frontend", "--to", "vapora-backend:8001", "--method", "GET", "--path", "/api/tasks", "--format", "json"],
      { env: cacheEnv },
    );
    expect(run.exitCode).toBe(0);
    const explanation = JSON.parse(run.stdout) as { verdict: string };
    expect(explanation.verdict).toBe("allowed");
  });

  it("explains a denial in text", async () => {
    const run = await runCli(["explain", "--env", "prod", "--from", "vapora-agents", "--to", "vapora-backend:8001"], { env: cacheEnv });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/verdict: denied/);
  });

  it("draws who can reach whom as Mermaid and as a self-contained HTML page", async () => {
    const mermaid = await runCli(["graph", "--env", "prod", "--format", "mermaid"], { env: cacheEnv });
    expect(mermaid.stdout.startsWith("flowchart LR\n")).toBe(true);
    expect(mermaid.stdout).toContain('-.->|"8001: GET,POST,PUT,PATCH,DELETE /api/* with JWT"|');
    const html = await runCli(["graph", "--env", "prod", "--format", "html"], { env: cacheEnv });
    expect(html.stdout).toMatch(/^<!DOCTYPE html>/i);
    expect(html.stdout).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
  });

  it("an unknown source or a missing --to: exit 2 with what to write", async () => {
    const unknown = await runCli(["explain", "--env", "prod", "--from", "nobody", "--to", "vapora-backend:8001"], { env: cacheEnv });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/^mesh-policy: .*nobody/);
    expect((await runCli(["explain", "--env", "prod", "--from", "vapora-frontend"])).exitCode).toBe(2);
  });
});

describe("mesh-policy render", () => {
  it("writes kustomize's output whole to --output", async () => {
    const output = path.join(scratch, "prod.yaml");
    const run = await runCli(["render", "prod", "--output", output], { env: cacheEnv });
    expect(run.exitCode).toBe(0);
    const { readFile } = await import("node:fs/promises");
    const text = await readFile(output, "utf8");
    expect(text).toContain("kind: PeerAuthentication");
    expect(text).toContain("config.kubernetes.io/origin");
  });
});
