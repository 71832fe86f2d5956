import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../model/errors.js";
import type { DiffReport, EnvironmentDiff } from "./diff-report.js";
import { GitRepository } from "../../test/helpers/git-repository.js";
import { POLICY_REPOSITORY } from "./fixtures/policy-repository.js";
import { formatDiffJson } from "./format-diff-json.js";
import { formatDiffMarkdown } from "./format-diff-markdown.js";
import { formatDiffText } from "./format-diff-text.js";
import { renderAtRevision } from "./render-revision.js";
import { diffEnvironments, diffRevisions } from "./run-diff.js";

let repo: GitRepository;
let cacheDir: string;
let base: string;

beforeEach(async () => {
  repo = await GitRepository.create();
  cacheDir = await mkdtemp(path.join(tmpdir(), "mesh-policy-diff-cache-"));
  await repo.write(POLICY_REPOSITORY);
  base = await repo.commit("policy");
});

afterEach(async () => {
  await repo.dispose();
  await rm(cacheDir, { recursive: true, force: true });
});

function environment(report: DiffReport, name: string): EnvironmentDiff {
  const found = report.environments.find((e) => e.name === name);
  if (found === undefined) throw new Error(`no environment ${name} in ${JSON.stringify(report.environments.map((e) => e.name))}`);
  return found;
}

async function scratchFolders(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((f) => f.startsWith("mesh-policy-revision-"));
}

function everyOutput(report: DiffReport): string {
  return [formatDiffJson(report), formatDiffText(report), formatDiffText(report, { color: true }), formatDiffMarkdown(report)].join("\n");
}

describe("diffRevisions (throw-away git repositories, real kustomize)", () => {
  it("reports a policy edit as a field change with its path, old and new value, and where it is set", async () => {
    await repo.write({ "environments/a/routing.yaml": POLICY_REPOSITORY["environments/a/routing.yaml"]!.replace("value: 20", "value: 35") });
    const head = await repo.commit("more canary in a");

    const report = await diffRevisions({ repoRoot: repo.root, base: "main~1", head: "main", cacheDir });

    expect(report.version).toBe(1);
    expect(report.base).toEqual({ ref: "main~1", commit: base, environment: null });
    expect(report.head).toEqual({ ref: "main", commit: head, environment: null });
    expect(report.unchangedEnvironments).toEqual(["b"]);
    expect(report.environments.map((e) => e.name)).toEqual(["a"]);
    const a = environment(report, "a");
    expect(a).toMatchObject({ status: "changed", added: [], removed: [], unchanged: 3 });
    expect(a.changed).toEqual([
      {
        group: "networking.istio.io",
        kind: "VirtualService",
        namespace: "shop",
        name: "api",
        apiVersion: "networking.istio.io/v1",
        source: "base/virtual-service.yaml",
        changes: [
          {
            path: "spec.http[0].route[1].weight",
            pointer: "/spec/http/0/route/1/weight",
            op: "changed",
            old: 20,
            new: 35,
            source: { file: "environments/a/routing.yaml", line: 7 },
          },
        ],
      },
    ]);
    expect(formatDiffText(report)).toContain("@@ spec.http[0].route[1].weight @@ environments/a/routing.yaml:7\n    - 20\n    + 35\n");
  });

  it("renders an environment whose inputs did not change once, through the shared cache", async () => {
    await repo.write({ "environments/a/routing.yaml": POLICY_REPOSITORY["environments/a/routing.yaml"]!.replace("value: 20", "value: 35") });
    await repo.commit("more canary in a");
    await diffRevisions({ repoRoot: repo.root, base: "main~1", cacheDir });
    // a at both revisions, b once.
    expect((await readdir(cacheDir)).filter((f) => f.endsWith(".yaml"))).toHaveLength(3);
  });

  it("finds no change in a reformatting: indentation, key order, quoting, comments", async () => {
    await repo.write({
      "base/virtual-service.yaml": [
        "# The api's routes (reformatted: same object)",
        "kind: VirtualService",
        "apiVersion: 'networking.istio.io/v1'",
        "metadata: { namespace: shop, name: \"api\" }",
        "spec:",
        "  http:",
        "  - timeout: \"5s\"",
        "    route:",
        "    - weight: 90",
        "      destination: {subset: stable, host: api}",
        "    - destination:",
        "        subset: canary   # the canary",
        "        host: api",
        "      weight: 10",
        "  hosts: [api]",
        "",
      ].join("\n"),
      "base/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n    name: api\n    namespace: shop\n    annotations: {}\n    creationTimestamp: null\nspec:\n    ports: [{port: 8080, name: http}]\n    selector: {app: api}\n",
    });
    await repo.commit("reformat");

    const report = await diffRevisions({ repoRoot: repo.root, base: "HEAD~1", cacheDir });

    expect(report.environments).toEqual([]);
    expect(report.unchangedEnvironments).toEqual(["a", "b"]);
    expect(formatDiffText(report)).toBe("mesh-policy diff: HEAD~1 (" + base.slice(0, 7) + ") → HEAD (" + (await repo.git("rev-parse", "--short=7", "HEAD")).trim() + ")\n\nunchanged: a, b\n\n2 environments: no changes\n");
  });

  it("reports an object added and one removed, whole", async () => {
    await repo.write({
      "base/kustomization.yaml": POLICY_REPOSITORY["base/kustomization.yaml"]!.replace("  - authorization-policy.yaml\n", "  - destination-rule.yaml\n"),
      "base/destination-rule.yaml": [
        "apiVersion: networking.istio.io/v1",
        "kind: DestinationRule",
        "metadata:",
        "  name: api",
        "  namespace: shop",
        "spec:",
        "  host: api",
        "  subsets:",
        "    - name: stable",
        "      labels: { version: stable }",
        "",
      ].join("\n"),
    });
    await repo.remove("base/authorization-policy.yaml");
    await repo.commit("swap policy for a destination rule");

    const report = await diffRevisions({ repoRoot: repo.root, base: "HEAD~1", cacheDir });

    for (const name of ["a", "b"]) {
      const diff = environment(report, name);
      expect(diff.changed).toEqual([]);
      expect(diff.added).toEqual([
        {
          group: "networking.istio.io",
          kind: "DestinationRule",
          namespace: "shop",
          name: "api",
          apiVersion: "networking.istio.io/v1",
          source: "base/destination-rule.yaml",
          object: {
            apiVersion: "networking.istio.io/v1",
            kind: "DestinationRule",
            metadata: { name: "api", namespace: "shop" },
            spec: { host: "api", subsets: [{ labels: { version: "stable" }, name: "stable" }] },
          },
        },
      ]);
      expect(diff.removed.map((r) => `${r.kind}/${r.name} ${r.source}`)).toEqual(["AuthorizationPolicy/api-allow-web base/authorization-policy.yaml"]);
    }
    expect(formatDiffMarkdown(report)).toContain("**added** `DestinationRule shop/api` · `base/destination-rule.yaml`\n\n```diff\n+ apiVersion: networking.istio.io/v1\n");
  });

  it("reports an environment added (every object added) and one removed (every object removed)", async () => {
    await repo.write({ "environments/c/kustomization.yaml": POLICY_REPOSITORY["environments/b/kustomization.yaml"]! });
    await repo.remove("environments/b");
    await repo.commit("c replaces b");

    const report = await diffRevisions({ repoRoot: repo.root, base: "HEAD~1", cacheDir });

    expect(report.unchangedEnvironments).toEqual(["a"]);
    const c = environment(report, "c");
    expect(c.status).toBe("added");
    expect(c.added.map((r) => `${r.kind}/${r.name}`)).toEqual(["AuthorizationPolicy/api-allow-web", "Secret/api-credentials", "Service/api", "VirtualService/api"]);
    expect([c.changed, c.removed, c.unchanged]).toEqual([[], [], 0]);
    const b = environment(report, "b");
    expect(b.status).toBe("removed");
    expect(b.removed).toHaveLength(4);
    expect(formatDiffMarkdown(report)).toContain("| c (new environment) | 4 | 0 | 0 |");
  });

  it("never shows secret values: the keys that changed are listed, the values masked, in every format", async () => {
    await repo.write({
      "base/secret.yaml": POLICY_REPOSITORY["base/secret.yaml"]!.replace("hunter2-original", "correct-horse-battery") + "  token: s3cr3t-token-value\n",
    });
    await repo.commit("rotate the password, add a token");

    const report = await diffRevisions({ repoRoot: repo.root, base: "HEAD~1", cacheDir });

    const secret = environment(report, "b").changed[0];
    expect(secret?.kind).toBe("Secret");
    expect(secret?.changes).toEqual([
      { path: "stringData.password", pointer: "/stringData/password", op: "changed", old: "***", new: "***", masked: true, source: { file: "base/secret.yaml", line: 9 } },
      { path: "stringData.token", pointer: "/stringData/token", op: "added", new: "***", masked: true, source: { file: "base/secret.yaml", line: 10 } },
    ]);
    const output = everyOutput(report);
    for (const value of ["hunter2-original", "correct-horse-battery", "s3cr3t-token-value", "api-user"]) {
      expect(output).not.toContain(value);
    }
    expect(formatDiffMarkdown(report)).toContain("@@ stringData.password (secret values not shown) @@ base/secret.yaml:9\n- \"***\"\n+ \"***\"\n");
  });

  it("diffs uncommitted edits when head is given as undefined (the working tree)", async () => {
    await repo.write({ "base/virtual-service.yaml": POLICY_REPOSITORY["base/virtual-service.yaml"]!.replace("timeout: 5s", "timeout: 9s") });

    const workingTree = await diffRevisions({ repoRoot: repo.root, base: "main", head: undefined, cacheDir });
    expect(workingTree.head).toEqual({ ref: null, commit: null, environment: null });
    expect(workingTree.environments.map((e) => [e.name, e.changed[0]?.changes[0]?.path])).toEqual([
      ["a", "spec.http[0].timeout"],
      ["b", "spec.http[0].timeout"],
    ]);
    expect(formatDiffMarkdown(workingTree).split("\n")[1]).toBe(`### mesh-policy diff: main (${base.slice(0, 7)}) → the working tree`);

    // Left out, head is HEAD: the uncommitted edit is not part of it.
    const committed = await diffRevisions({ repoRoot: repo.root, base: "main", cacheDir });
    expect(committed.head.ref).toBe("HEAD");
    expect(committed.environments).toEqual([]);
  });

  it("limits the diff to the environments named, and rejects an environment neither side has", async () => {
    await repo.write({ "base/virtual-service.yaml": POLICY_REPOSITORY["base/virtual-service.yaml"]!.replace("timeout: 5s", "timeout: 9s") });
    await repo.commit("longer timeout");
    const report = await diffRevisions({ repoRoot: repo.root, base: "HEAD~1", environments: ["b"], cacheDir });
    expect(report.environments.map((e) => e.name)).toEqual(["b"]);
    await expect(diffRevisions({ repoRoot: repo.root, base: "HEAD~1", environments: ["nope"], cacheDir })).rejects.toThrow(
      /unknown environment "nope".*known environments: a, b/,
    );
  });

  it("rejects a revision git does not know with a UserError that names it", async () => {
    const attempt = diffRevisions({ repoRoot: repo.root, base: "no-such-branch", cacheDir });
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    await expect(attempt).rejects.toThrow(/unknown git revision "no-such-branch"/);
    await expect(diffRevisions({ repoRoot: repo.root, base: "main", head: "--output=/tmp/x", cacheDir })).rejects.toThrow(UserError);
  });

  it("rejects a folder outside any git repository", async () => {
    const outside = await mkdtemp(path.join(tmpdir(), "mesh-policy-not-git-"));
    try {
      await expect(renderAtRevision({ repoRoot: outside, ref: "main", cacheDir })).rejects.toThrow(/not in a git repository/);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it("leaves the working tree, the index, HEAD, refs and worktrees as they were", async () => {
    await repo.write({ "environments/a/routing.yaml": POLICY_REPOSITORY["environments/a/routing.yaml"]!.replace("value: 20", "value: 35") });
    await repo.commit("more canary in a");
    // Uncommitted state of every kind: a staged edit, an unstaged edit, an untracked file.
    await repo.write({ "base/service.yaml": POLICY_REPOSITORY["base/service.yaml"]!.replace("8080", "8081") });
    await repo.git("add", "base/service.yaml");
    await repo.write({ "base/virtual-service.yaml": POLICY_REPOSITORY["base/virtual-service.yaml"]!.replace("5s", "6s"), "notes.txt": "draft\n" });
    const snapshot = async () => ({
      status: await repo.git("status", "--porcelain=v1", "--untracked-files=all"),
      index: createHash("sha256").update(await readFile(path.join(repo.root, ".git", "index"))).digest("hex"),
      head: await repo.git("rev-parse", "HEAD"),
      refs: await repo.git("for-each-ref"),
      worktrees: await repo.git("worktree", "list", "--porcelain"),
      stash: await repo.git("stash", "list"),
    });
    const before = await snapshot();
    // A temporary folder of this test's own: other test files running at the same time render revisions too.
    const sharedTmp = process.env["TMPDIR"];
    const ownTmp = await mkdtemp(path.join(tmpdir(), "mesh-policy-own-tmp-"));
    process.env["TMPDIR"] = ownTmp;
    try {
      await diffRevisions({ repoRoot: repo.root, base: "HEAD~1", cacheDir });
      await diffRevisions({ repoRoot: repo.root, base: "HEAD~1", head: undefined, cacheDir });
      await diffEnvironments({ repoRoot: repo.root, from: "a", to: "b", ref: "HEAD~1", cacheDir });
      // Nothing left behind in the temporary folder either.
      expect(await scratchFolders()).toEqual([]);
    } finally {
      if (sharedTmp === undefined) delete process.env["TMPDIR"];
      else process.env["TMPDIR"] = sharedTmp;
      await rm(ownTmp, { recursive: true, force: true });
    }

    expect(await snapshot()).toEqual(before);
    expect(before.status.split("\n").sort()).toEqual(["?? notes.txt", "M  base/service.yaml", " M base/virtual-service.yaml"].sort());
  });

  it("works from a policy repository that is a folder of a larger git repository", async () => {
    const mono = await GitRepository.create("mesh-policy-mono-");
    try {
      await mono.write(Object.fromEntries(Object.entries(POLICY_REPOSITORY).map(([file, text]) => [`policy/${file}`, text])));
      await mono.write({ "README.md": "monorepo\n" });
      await mono.commit("policy in a folder");
      await mono.write({ "policy/base/virtual-service.yaml": POLICY_REPOSITORY["base/virtual-service.yaml"]!.replace("- api\n", "- api\n    - api.shop.svc.cluster.local\n") });
      await mono.commit("another host");

      const report = await diffRevisions({ repoRoot: path.join(mono.root, "policy"), base: "HEAD~1", cacheDir });

      expect(environment(report, "b").changed[0]?.changes).toMatchObject([
        { path: "spec.hosts", op: "changed", old: ["api"], new: ["api", "api.shop.svc.cluster.local"] },
      ]);
    } finally {
      await mono.dispose();
    }
  });
});

describe("diffEnvironments", () => {
  it("shows what the target environment would change into: b → a at one revision", async () => {
    const report = await diffEnvironments({ repoRoot: repo.root, from: "a", to: "b", ref: "HEAD", cacheDir });

    expect(report.base).toEqual({ ref: "HEAD", commit: base, environment: "b" });
    expect(report.head).toEqual({ ref: "HEAD", commit: base, environment: "a" });
    expect(report.environments).toHaveLength(1);
    const b = environment(report, "b");
    expect(b.unchanged).toBe(3);
    expect(b.changed[0]?.changes.map((c) => [c.path, c.old, c.new])).toEqual([
      ["spec.http[0].route[0].weight", 90, 80],
      ["spec.http[0].route[1].weight", 10, 20],
    ]);
    expect(formatDiffText(report).split("\n")[0]).toBe(`mesh-policy diff: promoting a to b, at HEAD (${base.slice(0, 7)})`);
  });

  it("compares the working tree when no revision is given, and reports identical environments as unchanged", async () => {
    await repo.remove("environments/a/routing.yaml");
    await repo.write({ "environments/a/kustomization.yaml": POLICY_REPOSITORY["environments/b/kustomization.yaml"]! });
    const report = await diffEnvironments({ repoRoot: repo.root, from: "a", to: "b", cacheDir });
    expect(report.base).toEqual({ ref: null, commit: null, environment: "b" });
    expect(report.environments).toEqual([]);
    expect(report.unchangedEnvironments).toEqual(["b"]);
  });

  it("rejects an unknown environment, naming the known ones", async () => {
    await expect(diffEnvironments({ repoRoot: repo.root, from: "staging", to: "b", cacheDir })).rejects.toThrow(
      /unknown environment "staging".*known environments: a, b/,
    );
  });
});
