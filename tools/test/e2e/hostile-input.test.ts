import { readdir, symlink, truncate } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exportKubeconformSchemas } from "../../src/schemas/export-kubeconform.js";
import { aliasBomb, repositoryAndOutside, TempTree } from "../helpers/hostile-input.js";
import { REPO_ROOT, runCli } from "../helpers/run-cli.js";


let repo: TempTree;
let outside: TempTree;
beforeEach(async () => {
  ({ repo, outside } = await repositoryAndOutside());
});
afterEach(async () => {
  await repo.remove();
  await outside.remove();
});

const cli = (args: string[]) => runCli(args, { cwd: repo.root, env: { MESH_POLICY_CACHE_DIR: repo.path(".cache") } });
const findings = (stdout: string) => (JSON.parse(stdout) as { findings: Array<{ ruleId: string; location?: { file: string; line: number } }> }).findings;

describe("hostile input through the CLI: exit 2 with the file and line, never a hang", () => {
  it("validate and lint refuse a YAML alias bomb of a few hundred bytes", async () => {
    await repo.write({ "bomb.yaml": aliasBomb(10, 10) });
    for (const command of ["validate", "lint"]) {
      const run = await cli([command, "bomb.yaml", "--format", "json"]);
      expect(run.exitCode).toBe(2);
      expect(findings(run.stdout).map((f) => [f.ruleId, f.location?.file, f.location?.line])).toEqual([["yaml-syntax", "bomb.yaml", 7]]);
    }
  });

  it("check refuses an alias bomb under argocd/ and in an environment's input, and still checks the rest", async () => {
    await repo.write({ "argocd/bomb.yaml": aliasBomb(10, 10), "base/bomb.yaml": aliasBomb(7, 10), "base/kustomization.yaml": "resources:\n- service-account.yaml\n- bomb.yaml\n" });
    const run = await cli(["check", "--format", "json"]);
    expect(run.exitCode).toBe(2);
    expect(findings(run.stdout).map((f) => [f.ruleId, f.location?.file, f.location?.line])).toEqual(
      expect.arrayContaining([
        ["yaml-syntax", "argocd/bomb.yaml", 7],
        ["render", "base/bomb.yaml", 7],
      ]),
    );
  });

  it("check refuses a folder under base/ that is a symbolic link out of the repository", async () => {
    await symlink(outside.root, repo.path("base/vendor"));
    await repo.write({ "base/kustomization.yaml": "resources:\n- service-account.yaml\n- vendor\n" });
    const run = await cli(["check", "--format", "json"]);
    expect(run.exitCode).toBe(2);
    expect(findings(run.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ ruleId: "render", location: { file: "base/kustomization.yaml", line: 3 } })]));
    expect(run.stdout).not.toContain("leaked");
  });

  it("check --verbose masks a credential in kustomize's own output as well as in the finding", async () => {
    await repo.write({ "base/kustomization.yaml": "resources:\n- service-account.yaml\n- password=hunter2secret.yaml\n" });
    const run = await cli(["check", "--verbose"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("kustomize output for prod");
    expect(run.stderr).toContain("password=***");
    expect(`${run.stdout}${run.stderr}`).not.toContain("hunter2");
  });

  it("check does not trust an emptied or truncated cache entry: prod still has its objects", async () => {
    const first = await cli(["check", "prod"]);
    expect(first.stdout).toBe("1 environment, 1 resource: 0 errors, 0 warnings, 0 infos, 0 suppressed\n");
    // Every entry: the render, and kustomize's version kept by the binary's identity.
    const entries = await readdir(repo.path(".cache"));
    for (const size of [0, 20]) {
      for (const entry of entries) await truncate(repo.path(path.join(".cache", entry)), size);
      const again = await cli(["check", "prod"]);
      expect(again.exitCode).toBe(0);
      expect(again.stdout).toBe(first.stdout);
      expect(again.stderr).toMatch(/rendered prod: 1 resources \(kustomize v[\d.]+\)\n/);
    }
  });
});

describe("standalone files read as kubeconform reads them (measured against the real kubeconform)", () => {
  const cases: Record<string, string> = {
    "merge-key.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  <<: { name: api, namespace: shop }\n",
    "octal-port.yaml": "apiVersion: v1\nkind: Service\nmetadata: { name: api, namespace: shop }\nspec:\n  ports:\n  - name: http\n    port: 0755\n",
    "hex-port.yaml": "apiVersion: v1\nkind: Service\nmetadata: { name: api, namespace: shop }\nspec:\n  ports:\n  - name: http\n    port: 0x50\n",
    "bool-label.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  namespace: shop\n  labels:\n    enabled: yes\n",
    "bool-namespace.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  namespace: n\n",
    "quoted.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  namespace: 'n'\n  labels:\n    enabled: 'yes'\n",
  };

  it("accepts and refuses the same files kubeconform does", async () => {
    await repo.write(cases);
    const { schemaLocation } = await exportKubeconformSchemas(repo.path("schemas"));
    const kubeconform = path.join(REPO_ROOT, ".tools/bin/kubeconform");
    for (const file of Object.keys(cases)) {
      const ours = await cli(["validate", file]);
      const theirs = await execa(kubeconform, ["-strict", "-schema-location", schemaLocation, repo.path(file)], { reject: false });
      expect([file, ours.exitCode === 0], `${ours.stdout}\n${theirs.stdout}`).toEqual([file, theirs.exitCode === 0]);
    }
  });
});
