import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitRepository } from "../../test/helpers/git-repository.js";
import { configureLimits } from "../util/limits.js";
import { checkPatchTargets } from "./check-patch-targets.js";
import { renderEnvironment } from "./render-environment.js";

let folder: GitRepository;
let repo: string;

const write = (files: Record<string, string>): Promise<void> => folder.write(files);

const virtualService = (name: string) =>
  `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  hosts: [${name}]\n  http:\n  - route:\n    - destination: {host: ${name}}\n`;

beforeEach(async () => {
  folder = await GitRepository.create("mesh-policy-patch-targets-");
  repo = folder.root;
  await write({
    "base/kustomization.yaml": "resources:\n- api.yaml\n- web.yaml\n",
    "base/api.yaml": virtualService("api"),
    "base/web.yaml": virtualService("web"),
    "overlays/timeouts/kustomization.yaml": [
      "apiVersion: kustomize.config.k8s.io/v1alpha1",
      "kind: Component",
      "patches:",
      "- path: timeout.yaml",
      "  target:",
      "    kind: VirtualService",
      "    name: api|web",
      "",
    ].join("\n"),
    "overlays/timeouts/timeout.yaml": "- op: add\n  path: /spec/http/0/timeout\n  value: 5s\n",
    "environments/e/routing.yaml": "- op: add\n  path: /spec/http/0/retries\n  value: {attempts: 1}\n",
  });
});

afterEach(async () => {
  await folder.dispose();
});

async function check(kustomization: string) {
  await write({ "environments/e/kustomization.yaml": `buildMetadata: [originAnnotations]\n${kustomization}` });
  const rendered = await renderEnvironment(repo, "e", { cacheDir: false });
  return checkPatchTargets(repo, rendered);
}

describe("checkPatchTargets (real kustomize)", () => {
  it("accepts targets that select objects, in the kustomization and in its components", async () => {
    expect(await check("resources:\n- ../../base\ncomponents:\n- ../../overlays/timeouts\npatches:\n- path: routing.yaml\n  target:\n    kind: VirtualService\n    name: api\n")).toEqual([]);
  });

  it("reports a target that selects nothing at its name, with what is there", async () => {
    const findings = await check("resources:\n- ../../base\npatches:\n- path: routing.yaml\n  target:\n    kind: VirtualService\n    name: apii\n");
    expect(findings).toEqual([
      {
        ruleId: "patch-target",
        severity: "error",
        message:
          "the target of environments/e/routing.yaml (kind VirtualService, name apii) selects no object, so kustomize skips the patch without a word " +
          "(VirtualService there: api, web); fix the target",
        location: { file: "environments/e/kustomization.yaml", line: 8 },
      },
    ]);
  });

  it("reports one name of an alternation that selects nothing, and a kind that matches nothing", async () => {
    await write({ "overlays/timeouts/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n- path: timeout.yaml\n  target:\n    kind: VirtualService\n    name: api|webb\n" });
    const findings = await check(
      "resources:\n- ../../base\ncomponents:\n- ../../overlays/timeouts\npatches:\n- path: routing.yaml\n  target:\n    kind: VirtualServce\n",
    );
    expect(findings.map((f) => [f.location?.file, f.location?.line, f.message.split(" so ")[0]])).toEqual([
      ["overlays/timeouts/kustomization.yaml", 7, '"webb" in the target name of overlays/timeouts/timeout.yaml selects no object,'],
      ["environments/e/kustomization.yaml", 9, "the target of environments/e/routing.yaml (kind VirtualServce) selects no object,"],
    ]);
  });

  it("sees only the objects of the kustomization that lists the patch", async () => {
    await write({
      "base/kustomization.yaml": "resources:\n- api.yaml\n- web\n",
      "base/web/kustomization.yaml": "resources:\n- web.yaml\npatches:\n- path: routing.yaml\n  target:\n    kind: VirtualService\n    name: api\n",
      "base/web/web.yaml": virtualService("web"),
      "base/web/routing.yaml": "- op: add\n  path: /spec/http/0/timeout\n  value: 5s\n",
    });
    await folder.remove("base/web.yaml");
    const findings = await check("resources:\n- ../../base\n");
    expect(findings.map((f) => [f.location?.file, f.message.split(" so ")[0]])).toEqual([
      ["base/web/kustomization.yaml", "the target of base/web/routing.yaml (kind VirtualService, name api) selects no object,"],
    ]);
  });

  it("leaves alone the patches of a transformer's kustomization: they select its configuration, not the build's objects", async () => {
    await write({
      "transformers/labels/kustomization.yaml": "resources:\n- labels.yaml\npatches:\n- path: team.yaml\n  target:\n    kind: LabelTransformer\n",
      "transformers/labels/labels.yaml":
        "apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: labels\nlabels:\n  team: a\nfieldSpecs:\n- path: metadata/labels\n  create: true\n",
      "transformers/labels/team.yaml": "- op: replace\n  path: /labels/team\n  value: b\n",
    });
    const kustomization = "resources:\n- ../../base\ntransformers:\n- ../../transformers/labels\n";
    expect(await check(kustomization)).toEqual([]);
    // The patch did its work on the transformer's configuration.
    const rendered = await renderEnvironment(repo, "e", { cacheDir: false });
    expect(rendered.resources.map((resource) => (resource.object["metadata"] as { labels?: unknown }).labels)).toEqual([{ team: "b" }, { team: "b" }]);
  });

  it("checks the patches of a build that fetches a remote resource when remote resources are allowed", async () => {
    const server = createServer((_request, response) => response.end(virtualService("remote")));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    configureLimits({ remoteResources: true });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/remote.yaml`;
      const patched = (name: string) => `resources:\n- ../../base\n- ${url}\npatches:\n- path: routing.yaml\n  target:\n    kind: VirtualService\n    name: ${name}\n`;
      expect(await check(patched("remote"))).toEqual([]);
      expect((await check(patched("remot"))).map((f) => f.message.split(" so ")[0])).toEqual([
        "the target of environments/e/routing.yaml (kind VirtualService, name remot) selects no object,",
      ]);
    } finally {
      configureLimits({});
      server.close();
    }
  });
});
