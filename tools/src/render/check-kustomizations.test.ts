import { mkdtemp, mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkKustomizationFiles, checkSharedFolders, findKustomizationFiles } from "./check-kustomizations.js";
import { writeCachedRender } from "./render-cache.js";

let repo: string;

async function write(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(repo, file)), { recursive: true });
  await writeFile(path.join(repo, file), text);
}

beforeEach(async () => {
  repo = await mkdtemp(path.join(tmpdir(), "mesh-policy-kustomizations-"));
  await write("base/kustomization.yaml", "resources:\n- sa.yaml\n");
  await write("base/sa.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n");
  await write(
    "overlays/trait/kustomization.yaml",
    "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n- target:\n    kind: ServiceAccount\n  patch: |-\n    - op: add\n      path: /metadata/labels\n      value: {trait: on}\n",
  );
});

afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe("checkKustomizationFiles (real kustomize)", () => {
  it("accepts kustomizations and components that kustomize loads", async () => {
    const files = await findKustomizationFiles([path.join(repo, "base"), path.join(repo, "overlays")]);
    expect(files.map((f) => path.relative(repo, f))).toEqual(["base/kustomization.yaml", "overlays/trait/kustomization.yaml"]);
    expect(await checkKustomizationFiles(repo, files)).toEqual([]);
  });

  it("reports an unknown field at its line, in a kustomization and in a component no environment uses", async () => {
    await write("base/kustomization.yaml", "resources:\n- sa.yaml\npatchesStrategicMerg:\n- x.yaml\n");
    await write("overlays/trait/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresource:\n- sa.yaml\n");
    const files = await findKustomizationFiles([path.join(repo, "base"), path.join(repo, "overlays")]);
    const findings = await checkKustomizationFiles(repo, files);
    expect(findings.map((f) => [f.ruleId, f.location?.file, f.location?.line])).toEqual([
      ["kustomization", "base/kustomization.yaml", 3],
      ["kustomization", "overlays/trait/kustomization.yaml", 3],
    ]);
    expect(findings[0]?.message).toMatch(/^kustomize rejects this kustomization: unknown field "patchesStrategicMerg"/);
    expect(findings[1]?.message).toMatch(/^kustomize rejects this Component: unknown field "resource"/);
    expect(findings.every((f) => !f.message.includes(repo))).toBe(true);
  });

  it("reports a reference to a file that does not exist", async () => {
    await write("base/kustomization.yaml", "resources:\n- sa.yaml\n- missing.yaml\n");
    const findings = await checkKustomizationFiles(repo, [path.join(repo, "base/kustomization.yaml")]);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain("missing.yaml");
  });
});

describe("checkKustomizationFiles: outcomes cached by the hash of their inputs", () => {
  it("answers from the cache for the same inputs, and asks kustomize again once an input changes", async () => {
    const cacheDir = path.join(repo, "cache");
    const file = path.join(repo, "base/kustomization.yaml");
    expect(await checkKustomizationFiles(repo, [file], { cacheDir })).toEqual([]);
    // The cache keeps kustomize's version too, apart from the verdicts (`.yaml`).
    const verdicts = async () => (await readdir(cacheDir)).filter((f) => f.endsWith(".yaml"));
    const entries = await verdicts();
    expect(entries).toHaveLength(1);
    // A verified entry with another outcome: answered from the cache, kustomize is not asked.
    const key = (entries[0] as string).replace(/\.yaml$/, "");
    await writeCachedRender(cacheDir, key, JSON.stringify({ ok: false, stderr: "Error: the cached outcome" }));
    expect((await checkKustomizationFiles(repo, [file], { cacheDir })).map((f) => f.message)).toEqual([expect.stringContaining("the cached outcome")]);
    // Any input changed (here the resource the kustomization lists): another key, kustomize runs.
    await write("base/sa.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: b\n");
    expect(await checkKustomizationFiles(repo, [file], { cacheDir })).toEqual([]);
    expect(await verdicts()).toHaveLength(2);
    // Without the cache, kustomize decides.
    await write("base/sa.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n");
    expect(await checkKustomizationFiles(repo, [file], { cacheDir: false })).toEqual([]);
  });
});

describe("checkSharedFolders: what no environment reaches under base/ and overlays/", () => {
  beforeEach(async () => {
    await write("environments/e/kustomization.yaml", "resources:\n- ../../base\ncomponents:\n- ../../overlays/trait\n");
  });

  it("is silent when every environment input is used", async () => {
    expect(await checkSharedFolders(repo, ["base", "overlays"])).toEqual([]);
  });

  it("names a kustomization, a component and a file no environment reaches, and still loads the unreached kustomizations", async () => {
    await write("base/orders/kustomization.yaml", "resources:\n- sa.yaml\n- missing.yaml\n");
    await write("base/orders/sa.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: orders\n");
    await write("overlays/unused/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonLabels: {team: orders}\n");
    await write("base/forgotten.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: forgotten\n");
    const findings = await checkSharedFolders(repo, ["base", "overlays"]);
    expect(findings.map((f) => [f.ruleId, f.severity, f.location?.file, f.location?.line])).toEqual([
      ["unreached-kustomize-input", "warning", "base/orders/kustomization.yaml", 1],
      ["unreached-kustomize-input", "warning", "overlays/unused/kustomization.yaml", 1],
      ["unreached-kustomize-input", "warning", "base/forgotten.yaml", 1],
      ["kustomization", "error", "base/orders/kustomization.yaml", 3],
    ]);
    expect(findings[0]?.message).toMatch(/^no environment uses this kustomization: /);
    expect(findings[1]?.message).toMatch(/^no environment uses this Component: /);
    expect(findings[2]?.message).toMatch(/list it in base\/kustomization\.yaml, or delete it$/);
  });
});
