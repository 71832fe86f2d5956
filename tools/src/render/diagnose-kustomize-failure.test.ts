import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitRepository } from "../../test/helpers/git-repository.js";
import { RenderFailure, renderEnvironment } from "./render-environment.js";

let folder: GitRepository;
let repo: string;

const write = (files: Record<string, string>): Promise<void> => folder.write(files);

const KUSTOMIZATION = [
  "resources:",
  "- ../../base",
  "components:",
  "- ../../overlays/trait",
  "patches:",
  "- path: limits.yaml",
  "- path: routing.yaml",
  "  target:",
  "    kind: VirtualService",
  "    name: api",
  "",
].join("\n");

const LIMITS = [
  "# limits for e",
  "apiVersion: networking.istio.io/v1",
  "kind: DestinationRule",
  "metadata:",
  "  name: api",
  "  namespace: shop",
  "spec:",
  "  trafficPolicy:",
  "    connectionPool:",
  "      tcp:",
  "        maxConnections: 10",
  "",
].join("\n");

beforeEach(async () => {
  folder = await GitRepository.create("mesh-policy-diagnose-");
  repo = folder.root;
  await write({
    "base/kustomization.yaml": "resources:\n- virtual-service.yaml\n- destination-rule.yaml\n",
    "base/virtual-service.yaml":
      "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  hosts: [api]\n  http:\n  - route:\n    - destination: {host: api}\n",
    "base/destination-rule.yaml": "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  host: api\n",
    "overlays/trait/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonAnnotations: {trait: \"on\"}\n",
    "environments/e/kustomization.yaml": KUSTOMIZATION,
    "environments/e/limits.yaml": LIMITS,
    "environments/e/routing.yaml": "- op: add\n  path: /spec/http/0/timeout\n  value: 5s\n",
  });
  // The fixture builds as it is.
  await renderEnvironment(repo, "e", { cacheDir: false });
});

afterEach(async () => {
  await folder.dispose();
});

async function failure(files: Record<string, string>): Promise<{ file: string; line: number; message: string; details: string }> {
  await write(files);
  const error = await renderEnvironment(repo, "e", { cacheDir: false }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof RenderFailure)) throw new Error(`expected a RenderFailure, got ${String(error)}`);
  expect(error.message).toBe(`kustomize cannot render e: ${error.detail.file}:${error.detail.line}: ${error.detail.reason}`);
  expect(error.message).not.toContain(repo);
  return { file: error.detail.file, line: error.detail.line, message: error.detail.reason, details: error.details ?? "" };
}

describe("diagnoseKustomizeFailure: the file and line that made kustomize fail, in one sentence (real kustomize)", () => {
  it("a strategic-merge patch whose name is not in the build: the name's line, with the names that are", async () => {
    expect(await failure({ "environments/e/limits.yaml": LIMITS.replace("name: api", "name: apii") })).toMatchObject({
      file: "environments/e/limits.yaml",
      line: 5,
      message:
        "this strategic-merge patch names DestinationRule shop/apii, which the build does not have (DestinationRules in the build: shop/api); fix the name so it patches an existing object",
    });
    expect(await failure({ "environments/e/limits.yaml": LIMITS.replace("namespace: shop", "namespace: shopp") })).toMatchObject({ line: 6 });
    expect(await failure({ "environments/e/limits.yaml": LIMITS.replace("kind: DestinationRule", "kind: DestinationRul") })).toMatchObject({
      line: 3,
      message: expect.stringContaining("the build has no object of kind DestinationRul; fix the kind"),
    });
  });

  it("an unknown kustomization field: its line; kustomize's own words only in the details", async () => {
    const result = await failure({ "environments/e/kustomization.yaml": KUSTOMIZATION.replace("patches:", "patchez:") });
    expect(result).toMatchObject({
      file: "environments/e/kustomization.yaml",
      line: 5,
      message: 'unknown field "patchez": kustomize refuses a kustomization with a field it does not know; check the spelling',
    });
    expect(result.details).toMatch(/build environments\/e` exited 1:\n {2}Error: invalid Kustomization: json: unknown field "patchez"/);
  });

  it("an unknown field in a component it includes", async () => {
    expect(await failure({ "overlays/trait/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresource: []\n" })).toMatchObject({
      file: "overlays/trait/kustomization.yaml",
      line: 3,
    });
  });

  it("a patch, resource or component path that does not exist: the entry that names it", async () => {
    expect(await failure({ "environments/e/kustomization.yaml": KUSTOMIZATION.replace("path: limits.yaml", "path: limitz.yaml") })).toMatchObject({
      file: "environments/e/kustomization.yaml",
      line: 6,
      message: "patches entry limitz.yaml names environments/e/limitz.yaml, which does not exist; fix the path or add the file",
    });
    expect(await failure({ "base/kustomization.yaml": "resources:\n- virtual-service.yaml\n- destination-rules.yaml\n" })).toMatchObject({
      file: "base/kustomization.yaml",
      line: 3,
      message: "resources entry destination-rules.yaml names base/destination-rules.yaml, which does not exist; fix the path or add the file",
    });
  });

  it("a JSON6902 operation on a field that does not exist, or with an unknown op: the operation's line", async () => {
    expect(await failure({ "environments/e/routing.yaml": "- op: replace\n  path: /spec/http/1/timeout\n  value: 5s\n" })).toMatchObject({
      file: "environments/e/routing.yaml",
      line: 2,
      message: expect.stringMatching(/^replace \/spec\/http\/1\/timeout: the patched object of VirtualService api has no such field/),
    });
    expect(await failure({ "environments/e/routing.yaml": "- op: add\n  path: /spec/http/0/timeout\n  value: 5s\n- op: replce\n  path: /spec/hosts\n  value: [b]\n" })).toMatchObject({
      line: 4,
      message: '"replce" is not a JSON patch operation; use add, remove, replace, move, copy or test',
    });
  });

  it("an empty kustomization", async () => {
    expect(await failure({ "overlays/trait/kustomization.yaml": "# nothing yet\n" })).toMatchObject({
      file: "overlays/trait/kustomization.yaml",
      line: 1,
      message: "this kustomization is empty, which kustomize refuses; give it its resources, components or patches, or stop listing it",
    });
  });

  it("a Component listed as a resource, and a patch file that is not a patch", async () => {
    expect(await failure({ "environments/e/kustomization.yaml": KUSTOMIZATION.replace("- ../../base", "- ../../base\n- ../../overlays/trait") })).toMatchObject({
      file: "environments/e/kustomization.yaml",
      line: 3,
      message: "../../overlays/trait is a Component: list it under components:, not resources:",
    });
    expect(
      await failure({ "environments/e/kustomization.yaml": KUSTOMIZATION, "environments/e/limits.yaml": LIMITS.replace("  name: api\n", "") }),
    ).toMatchObject({ file: "environments/e/limits.yaml", line: 2 });
  });

  it("an input that is not valid YAML: its line", async () => {
    expect(await failure({ "base/virtual-service.yaml": "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n\tname: api\n" })).toMatchObject({
      file: "base/virtual-service.yaml",
      line: 4,
      message: expect.stringMatching(/^invalid YAML: /),
    });
  });
});
