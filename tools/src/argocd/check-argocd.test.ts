import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitRepository } from "../../test/helpers/git-repository.js";
import { checkArgoCd } from "./check-argocd.js";
import { argoGlobMatch, filepathMatch } from "./glob.js";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const REPO_URL = "https://example.com/shop/policy.git";

/** A tiny GitOps repository: one environment (prod) rendering a Namespace, a Service and a VirtualService. */
function fixtureRepository(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ".gitignore": ".cache/\n",
    "environments/prod/kustomization.yaml": [
      "apiVersion: kustomize.config.k8s.io/v1beta1",
      "kind: Kustomization",
      "buildMetadata: [originAnnotations]",
      "resources:",
      "  - namespace.yaml",
      "  - service.yaml",
      "  - virtual-service.yaml",
      "",
    ].join("\n"),
    "environments/prod/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
    "environments/prod/service.yaml": [
      "apiVersion: v1",
      "kind: Service",
      "metadata:",
      "  name: api",
      "  namespace: shop",
      "spec:",
      "  selector:",
      "    app: api",
      "  ports:",
      "    - name: http",
      "      port: 8080",
      "",
    ].join("\n"),
    "environments/prod/virtual-service.yaml": [
      "apiVersion: networking.istio.io/v1",
      "kind: VirtualService",
      "metadata:",
      "  name: api",
      "  namespace: shop",
      "spec:",
      "  hosts:",
      "    - api",
      "  http:",
      "    - route:",
      "        - destination:",
      "            host: api",
      "",
    ].join("\n"),
    "argocd/projects/policy.yaml": [
      "# The project of the policy Applications.",
      "apiVersion: argoproj.io/v1alpha1",
      "kind: AppProject",
      "metadata:",
      "  name: mesh-policy",
      "  namespace: argocd",
      "spec:",
      "  sourceRepos:",
      `    - ${REPO_URL}`,
      "  destinations:",
      "    - name: shop-prod",
      "      namespace: shop",
      "  clusterResourceWhitelist:",
      '    - group: ""',
      "      kind: Namespace",
      "      name: shop",
      "  namespaceResourceWhitelist:",
      '    - group: ""',
      "      kind: Service",
      "    - group: networking.istio.io",
      "      kind: VirtualService",
      "",
    ].join("\n"),
    "argocd/applications/policy-prod.yaml": application("prod", "PIN"),
    ...overrides,
  };
}

function application(environment: string, targetRevision: string, sourcePath = `environments/${environment}`): string {
  return [
    `# The policy of ${environment}.`,
    "apiVersion: argoproj.io/v1alpha1",
    "kind: Application",
    "metadata:",
    `  name: policy-${environment}`,
    "  namespace: argocd",
    "  labels:",
    `    mesh-policy.io/environment: ${environment}`,
    "spec:",
    "  project: mesh-policy",
    "  source:",
    `    repoURL: ${REPO_URL}`,
    `    targetRevision: ${targetRevision}`,
    `    path: ${sourcePath}`,
    "  destination:",
    `    name: shop-${environment}`,
    "    namespace: shop",
    "",
  ].join("\n");
}

let repo: GitRepository;
let cacheDir: string;
let first: string;

/** Commits the files; `PIN` in any file becomes the first commit's SHA (committed in a second commit). */
async function setUp(files: Record<string, string>): Promise<void> {
  await repo.write(Object.fromEntries(Object.entries(files).map(([file, text]) => [file, text.replaceAll("PIN", "0".repeat(40))])));
  first = await repo.commit("policy");
  await repo.write(Object.fromEntries(Object.entries(files).map(([file, text]) => [file, text.replaceAll("PIN", first)])));
  await repo.commit("pin prod");
}

const check = () => checkArgoCd(repo.root, { render: { cacheDir } });

beforeEach(async () => {
  repo = await GitRepository.create("mesh-policy-argocd-");
  cacheDir = await mkdtemp(path.join(tmpdir(), "mesh-policy-argocd-cache-"));
});

afterEach(async () => {
  await repo.dispose();
  await rm(cacheDir, { recursive: true, force: true });
});

describe("checkArgoCd (throw-away repositories, real kustomize)", () => {
  it("finds nothing wrong in a repository whose project permits everything prod renders", async () => {
    await setUp(fixtureRepository());
    expect(await check()).toEqual([]);
  });

  it("names the kind the AppProject does not permit, the objects it refuses and the list to add it to", async () => {
    const files = fixtureRepository();
    files["argocd/projects/policy.yaml"] = files["argocd/projects/policy.yaml"]!.replace(
      "    - group: networking.istio.io\n      kind: VirtualService\n",
      "",
    );
    await setUp(files);
    expect(await check()).toEqual([
      {
        ruleId: "argocd-project-permits",
        severity: "error",
        environment: "prod",
        message:
          "AppProject mesh-policy does not permit networking.istio.io/VirtualService: spec.namespaceResourceWhitelist has no entry for it. " +
          "environments/prod renders VirtualService shop/api (environments/prod/virtual-service.yaml:1), so Argo CD refuses to sync " +
          'Application policy-prod ("... is not permitted in project mesh-policy"); add {group: networking.istio.io, kind: VirtualService} ' +
          "to spec.namespaceResourceWhitelist, or stop rendering it",
        resource: { apiVersion: "argoproj.io/v1alpha1", kind: "AppProject", namespace: "argocd", name: "mesh-policy" },
        location: { file: "argocd/projects/policy.yaml", line: 17, pointer: "/spec/namespaceResourceWhitelist" },
      },
    ]);
  });

  it("refuses a cluster-scoped object whose name the whitelist does not match, and a namespace with no destination", async () => {
    const files = fixtureRepository();
    files["environments/prod/namespace.yaml"] = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop-v2\n";
    files["environments/prod/service.yaml"] = files["environments/prod/service.yaml"]!.replace("namespace: shop", "namespace: shop-v2");
    await setUp(files);
    const findings = await check();
    expect(findings.map((f) => [f.ruleId, f.location?.line, f.location?.pointer])).toEqual([
      ["argocd-project-permits", 10, "/spec/destinations"],
      ["argocd-project-permits", 13, "/spec/clusterResourceWhitelist"],
    ]);
    expect(findings[0]?.message).toMatch(
      /^AppProject mesh-policy has no destination for namespace shop-v2 on cluster shop-prod: environments\/prod renders Service shop-v2\/api .*add \{name: shop-prod, namespace: shop-v2\} to spec\.destinations/,
    );
    expect(findings[1]?.message).toMatch(/^AppProject mesh-policy does not permit cluster-scoped Namespace \(core group\) shop-v2: /);
    expect(findings[1]?.message).toContain('add {group: "", kind: Namespace, name: shop-v2} to spec.clusterResourceWhitelist');
  });

  it("treats an absent namespaceResourceWhitelist as every kind and an empty one as none, as Argo CD does", async () => {
    const absent = fixtureRepository();
    absent["argocd/projects/policy.yaml"] = absent["argocd/projects/policy.yaml"]!.replace(/  namespaceResourceWhitelist:[\s\S]*$/, "");
    await setUp(absent);
    expect(await check()).toEqual([]);

    await repo.write({ "argocd/projects/policy.yaml": absent["argocd/projects/policy.yaml"] + "  namespaceResourceWhitelist: []\n" });
    const findings = await check();
    expect(findings.map((f) => f.message.split(":")[0]).sort()).toEqual([
      "AppProject mesh-policy does not permit Service (core group)",
      "AppProject mesh-policy does not permit networking.istio.io/VirtualService",
    ]);
    expect(findings.every((f) => f.message.includes("its spec.namespaceResourceWhitelist is an empty list, which permits no namespaced kind"))).toBe(true);
  });

  it("reports an Application whose path does not exist, at the path line", async () => {
    const files = fixtureRepository({ "argocd/applications/policy-prod.yaml": application("prod", "PIN", "environments/production") });
    await setUp(files);
    const findings = await check();
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: "argocd-application-path",
      severity: "error",
      resource: { kind: "Application", name: "policy-prod" },
      location: { file: "argocd/applications/policy-prod.yaml", line: 14, pointer: "/spec/source/path" },
    });
    expect(findings[0]?.message).toMatch(/^path environments\/production does not exist in this repository/);
  });

  it("reports a path whose kustomization does not build, with the file and line that break it and no absolute path", async () => {
    const files = fixtureRepository();
    files["environments/prod/kustomization.yaml"] += "  - missing.yaml\n";
    await setUp(files);
    const findings = await check();
    expect(findings.map((f) => f.ruleId)).toEqual(["argocd-application-path"]);
    expect(findings[0]?.message).toMatch(/^path environments\/prod does not render: environments\/prod\/kustomization\.yaml:\d+: resources entry missing\.yaml names /);
    expect(findings[0]?.message).not.toContain(repo.root);
  });

  it("requires prod to be pinned: a prod Application tracking main is a finding", async () => {
    await setUp(fixtureRepository({ "argocd/applications/policy-prod.yaml": application("prod", "main") }));
    const findings = await check();
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: "argocd-target-revision",
      environment: "prod",
      location: { file: "argocd/applications/policy-prod.yaml", line: 13, pointer: "/spec/source/targetRevision" },
    });
    expect(findings[0]?.message).toMatch(/^policy-prod targets "main", but prod changes only by promotion: pin targetRevision/);
  });

  it("requires the pin to be a commit of the repository, and every other environment to follow main", async () => {
    const files = fixtureRepository({
      "argocd/applications/policy-prod.yaml": application("prod", "1234567890abcdef1234567890abcdef12345678"),
      "argocd/applications/policy-staging.yaml": application("staging", "PIN", "environments/prod"),
    });
    files["argocd/projects/policy.yaml"] = files["argocd/projects/policy.yaml"]!.replace(
      "  destinations:\n",
      "  destinations:\n    - name: shop-staging\n      namespace: shop\n",
    );
    await setUp(files);
    const findings = await check();
    expect(findings.map((f) => [f.ruleId, f.location?.file])).toEqual([
      ["argocd-target-revision", "argocd/applications/policy-prod.yaml"],
      ["argocd-target-revision", "argocd/applications/policy-staging.yaml"],
    ]);
    expect(findings[0]?.message).toMatch(/^policy-prod is pinned to 1234567890abcdef1234567890abcdef12345678, which is not a commit of this repository/);
    expect(findings[1]?.message).toMatch(/^policy-staging \(environment staging\) targets "[0-9a-f]{40}", but only prod is pinned/);
  });

  it("renders a directory source (the app of apps) and checks its objects against its project", async () => {
    const files = fixtureRepository({
      "argocd/root.yaml": [
        "apiVersion: argoproj.io/v1alpha1",
        "kind: Application",
        "metadata:",
        "  name: root",
        "  namespace: argocd",
        "spec:",
        "  project: root",
        "  source:",
        `    repoURL: ${REPO_URL}`,
        "    targetRevision: main",
        "    path: argocd",
        "    directory:",
        "      recurse: true",
        "  destination:",
        "    server: https://kubernetes.default.svc",
        "    namespace: argocd",
        "",
      ].join("\n"),
      "argocd/projects/root.yaml": [
        "apiVersion: argoproj.io/v1alpha1",
        "kind: AppProject",
        "metadata:",
        "  name: root",
        "  namespace: argocd",
        "spec:",
        "  sourceRepos:",
        `    - ${REPO_URL}`,
        "  destinations:",
        "    - server: https://kubernetes.default.svc",
        "      namespace: argocd",
        "  clusterResourceWhitelist: []",
        "  namespaceResourceWhitelist:",
        "    - group: argoproj.io",
        "      kind: Application",
        "",
      ].join("\n"),
    });
    await setUp(files);
    const findings = await check();
    expect(findings.map((f) => f.message.split(":")[0])).toEqual(["AppProject root does not permit argoproj.io/AppProject"]);
    expect(findings[0]?.message).toContain("argocd renders AppProject argocd/mesh-policy (argocd/projects/policy.yaml:2), AppProject argocd/root");
  });
});

describe("checkArgoCd on this repository's argocd/", () => {
  it("finds nothing: every path renders, the projects permit what the environments render, prod is pinned to a commit it has", async () => {
    expect(await checkArgoCd(REPO_ROOT)).toEqual([]);
  });

  it("notices when a copy of it stops permitting a kind the environments render (EnvoyFilter)", async () => {
    const copy = await mkdtemp(path.join(tmpdir(), "mesh-policy-argocd-copy-"));
    try {
      for (const dir of ["argocd", "base", "overlays", "environments"]) {
        await cp(path.join(REPO_ROOT, dir), path.join(copy, dir), { recursive: true });
      }
      const project = path.join(copy, "argocd/projects/mesh-policy.yaml");
      await writeFile(project, (await readFile(project, "utf8")).replace("    - group: networking.istio.io\n      kind: EnvoyFilter\n", ""));
      const findings = await checkArgoCd(copy, { render: { cacheDir } });
      expect(findings.map((f) => [f.environment, f.ruleId, f.severity, f.message.split(":")[0]])).toEqual([
        ["dev", "argocd-project-permits", "error", "AppProject mesh-policy does not permit networking.istio.io/EnvoyFilter"],
        // A copy is no git checkout: the pin cannot be looked up.
        ["prod", "argocd-target-revision", "warning", expect.stringMatching(/^cannot tell whether [0-9a-f]{40} \(the pin of mesh-policy-prod\) exists/)],
        ["prod", "argocd-project-permits", "error", "AppProject mesh-policy does not permit networking.istio.io/EnvoyFilter"],
        ["staging", "argocd-project-permits", "error", "AppProject mesh-policy does not permit networking.istio.io/EnvoyFilter"],
      ]);
      expect(findings[0]?.message).toMatch(/environments\/dev renders EnvoyFilter istio-ingress\/ingress-local-rate-limit \(base\/gateway\/rate-limit\.yaml:\d+\), EnvoyFilter vapora\/llm-router-local-rate-limit/);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });
});

describe("Argo CD's glob dialects", () => {
  it("matches resource lists with Go's filepath.Match", () => {
    expect(filepathMatch("*.istio.io", "networking.istio.io")).toBe(true);
    expect(filepathMatch("istio*", "istiod-default-validator")).toBe(true);
    expect(filepathMatch("*", "")).toBe(true);
    expect(filepathMatch("", "")).toBe(true);
    expect(filepathMatch("", "apps")).toBe(false);
    expect(filepathMatch("*", "a/b")).toBe(false);
    expect(filepathMatch("[^a]pps", "apps")).toBe(false);
    expect(filepathMatch("[a-c]pps", "apps")).toBe(true);
    expect(filepathMatch("[", "[")).toBe(false);
    expect(filepathMatch("team1-?", "team1-x")).toBe(true);
  });

  it("matches destinations with gobwas globs: * across anything, {a,b}, [!x], ! handled by the caller", () => {
    expect(argoGlobMatch("https://*.example.com", "https://k8s.example.com")).toBe(true);
    expect(argoGlobMatch("vapora-{dev,prod}", "vapora-prod")).toBe(true);
    expect(argoGlobMatch("vapora-{dev,prod}", "vapora-staging")).toBe(false);
    expect(argoGlobMatch("[!a]*", "apps")).toBe(false);
    expect(argoGlobMatch("https://github.com/*", "https://github.com/a/b", "/")).toBe(false);
    expect(argoGlobMatch("https://github.com/**", "https://github.com/a/b", "/")).toBe(true);
  });
});
