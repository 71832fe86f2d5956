import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../model/errors.js";
import { resolveEnvironments } from "./environments.js";
import { RenderFailure, renderEnvironment } from "./render-environment.js";

let repo: string;

async function write(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(repo, file)), { recursive: true });
  await writeFile(path.join(repo, file), text);
}

beforeEach(async () => {
  repo = await mkdtemp(path.join(tmpdir(), "mesh-policy-render-"));
  await write("base/kustomization.yaml", "resources:\n- service.yaml\n- virtual-service.yaml\n");
  await write(
    "base/service.yaml",
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  ports:\n  - name: http\n    port: 8080\n",
  );
  await write(
    "base/virtual-service.yaml",
    [
      "apiVersion: networking.istio.io/v1",
      "kind: VirtualService",
      "metadata:",
      "  name: api",
      "  namespace: shop",
      "spec:",
      "  hosts:",
      "  - api",
      "  http:",
      "  - route:",
      "    - destination:",
      "        host: api",
      "    timeout: 5s",
      "",
    ].join("\n"),
  );
  await write(
    "environments/prod/kustomization.yaml",
    [
      "resources:",
      "- ../../base",
      "buildMetadata: [originAnnotations]",
      "patches:",
      "- path: routing.yaml",
      "  target:",
      "    kind: VirtualService",
      "    name: api",
      "- path: ports.yaml",
      "",
    ].join("\n"),
  );
  await write("environments/prod/routing.yaml", "# prod waits longer\n- op: replace\n  path: /spec/http/0/timeout\n  value: 20s\n");
  await write(
    "environments/prod/ports.yaml",
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  type: ClusterIP\n",
  );
});

afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe("renderEnvironment (real kustomize)", () => {
  it("renders with kustomize and maps each object to the file a person edits", async () => {
    const rendered = await renderEnvironment(repo, "prod", { cacheDir: false });
    expect(rendered.kustomizeVersion).toMatch(/^v\d+\.\d+\.\d+/);
    expect(rendered.findings).toEqual([]);
    expect(rendered.resources.map((r) => `${r.kind}/${r.name}`)).toEqual(["Service/api", "VirtualService/api"]);
    const [service, virtualService] = rendered.resources;
    expect(service?.origin).toMatchObject({ file: "base/service.yaml", line: 1 });
    expect(service?.origin.locate("/spec/ports/0/port")).toEqual({ file: "base/service.yaml", line: 9, pointer: "/spec/ports/0/port" });
    // Fields a patch sets are located in the patch.
    expect(service?.origin.locate("/spec/type")).toEqual({ file: "environments/prod/ports.yaml", line: 7, pointer: "/spec/type" });
    expect(virtualService?.origin.locate("/spec/http/0/timeout")).toEqual({
      file: "environments/prod/routing.yaml",
      line: 4,
      pointer: "/spec/http/0/timeout",
    });
    expect(virtualService?.origin.locate("/spec/hosts/0").file).toBe("base/virtual-service.yaml");
    expect(rendered.yaml).toContain("timeout: 20s");
  });

  it("caches renders by input hash and renders again when an input changes", async () => {
    const cacheDir = path.join(repo, ".cache");
    expect((await renderEnvironment(repo, "prod", { cacheDir })).fromCache).toBe(false);
    expect((await renderEnvironment(repo, "prod", { cacheDir })).fromCache).toBe(true);
    await write("environments/prod/routing.yaml", "- op: replace\n  path: /spec/http/0/timeout\n  value: 30s\n");
    const again = await renderEnvironment(repo, "prod", { cacheDir });
    expect(again.fromCache).toBe(false);
    expect(again.yaml).toContain("timeout: 30s");
  });

  it("reports a kustomize failure in one sentence at the line that caused it, kustomize's own output apart", async () => {
    await write("environments/prod/kustomization.yaml", "resources:\n- ../../base\n- missing.yaml\n");
    const failure = await renderEnvironment(repo, "prod", { cacheDir: false }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UserError);
    expect((failure as UserError).message).toBe(
      "kustomize cannot render prod: environments/prod/kustomization.yaml:3: resources entry missing.yaml names environments/prod/missing.yaml, " +
        "which does not exist; fix the path or add the file",
    );
    expect((failure as UserError).details).toMatch(/`.*build environments\/prod` exited 1:[\s\S]*missing\.yaml/);
  });

  it("names the input file and line when kustomize fails on a patch that is not valid YAML", async () => {
    await write("environments/prod/routing.yaml", "- op: replace\n  path: /spec/http/0/timeout\n   value: 20s\n");
    const failure = await renderEnvironment(repo, "prod", { cacheDir: false }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RenderFailure);
    expect((failure as RenderFailure).detail).toMatchObject({ file: "environments/prod/routing.yaml", line: 3 });
    expect((failure as RenderFailure).message).toMatch(/^kustomize cannot render prod: environments\/prod\/routing\.yaml:3: invalid YAML: /);
  });

  it("reports a referenced folder without a kustomization", async () => {
    await rm(path.join(repo, "base/kustomization.yaml"));
    await expect(renderEnvironment(repo, "prod", { cacheDir: false })).rejects.toThrow(/base: no kustomization\.yaml/);
  });

  it("names the known environments when an unknown one is asked for", async () => {
    await expect(resolveEnvironments(repo, ["qa"])).rejects.toThrow('unknown environment "qa"; known environments: prod');
  });
});
