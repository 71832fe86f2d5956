import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitRepository } from "../../test/helpers/git-repository.js";
import { REPO_ROOT } from "../../test/helpers/run-cli.js";
import { loadPaths } from "../load/load-paths.js";
import type { Resource } from "../model/resource.js";
import { renderEnvironment } from "./render-environment.js";
import { locateGeneratedInCatalog } from "./source-locator.js";

let folder: GitRepository;
let repo: string;

const write = (files: Record<string, string>): Promise<void> => folder.write(files);

const VIRTUAL_SERVICE = [
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
  "    timeout: 10s",
  "    retries:",
  "      attempts: 2",
  "      perTryTimeout: 3s",
  "",
].join("\n");

const DESTINATION_RULE = [
  "apiVersion: networking.istio.io/v1",
  "kind: DestinationRule",
  "metadata:",
  "  name: api",
  "  namespace: shop",
  "spec:",
  "  host: api",
  "  trafficPolicy:",
  "    outlierDetection:",
  "      consecutive5xxErrors: 5",
  "",
].join("\n");

beforeEach(async () => {
  folder = await GitRepository.create("mesh-policy-locator-");
  repo = folder.root;
  await write({
    "base/kustomization.yaml": "resources:\n- virtual-service.yaml\n- destination-rule.yaml\n",
    "base/virtual-service.yaml": VIRTUAL_SERVICE,
    "base/destination-rule.yaml": DESTINATION_RULE,
  });
});

afterEach(async () => {
  await folder.dispose();
});

async function render(kustomization: string, files: Record<string, string>): Promise<Map<string, Resource>> {
  await write({ "environments/e/kustomization.yaml": kustomization, ...files });
  const rendered = await renderEnvironment(repo, "e", { cacheDir: false });
  return new Map(rendered.resources.map((r) => [r.kind, r]));
}

describe("SourceLocator: a field a patch sets is located in the patch (real kustomize)", () => {
  it("JSON6902: the field itself, a field that contains it, and a related field", async () => {
    const resources = await render(
      "buildMetadata: [originAnnotations]\nresources:\n- ../../base\npatches:\n- path: routing.yaml\n  target:\n    kind: VirtualService\n",
      { "environments/e/routing.yaml": "# e: fewer retries\n- op: replace\n  path: /spec/http/0/retries/attempts\n  value: 1\n" },
    );
    const vs = resources.get("VirtualService");
    // The field itself, and the retries block that contains it: the patch's value line.
    expect(vs?.origin.locate("/spec/http/0/retries/attempts")).toEqual({ file: "environments/e/routing.yaml", line: 4, pointer: "/spec/http/0/retries/attempts" });
    expect(vs?.origin.locate("/spec/http/0/retries")).toEqual({ file: "environments/e/routing.yaml", line: 4, pointer: "/spec/http/0/retries" });
    // A field the patch does not touch, and a list item or the object's top level that merely contain it.
    expect(vs?.origin.locate("/spec/http/0/retries/perTryTimeout").file).toBe("base/virtual-service.yaml");
    expect(vs?.origin.locate("/spec/http/0").file).toBe("base/virtual-service.yaml");
    expect(vs?.origin.locate("/spec").file).toBe("base/virtual-service.yaml");
    // A finding about the timeout that depends on the patched retries.
    expect(vs?.origin.locate("/spec/http/0/timeout", ["/spec/http/0/retries"])).toEqual({
      file: "environments/e/routing.yaml",
      line: 4,
      pointer: "/spec/http/0/timeout",
    });
    expect(vs?.origin.locate("/spec/http/0/timeout", ["/spec/hosts"])).toEqual({ file: "base/virtual-service.yaml", line: 13, pointer: "/spec/http/0/timeout" });
  });

  it("strategic merge: leaves it sets, the maps around them, never the fields that name the object", async () => {
    const resources = await render("buildMetadata: [originAnnotations]\nresources:\n- ../../base\npatches:\n- path: limits.yaml\n", {
      "environments/e/limits.yaml": [
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
      ].join("\n"),
    });
    const rule = resources.get("DestinationRule");
    expect(rule?.origin.locate("/spec/trafficPolicy/connectionPool/tcp/maxConnections")).toMatchObject({ file: "environments/e/limits.yaml", line: 10 });
    expect(rule?.origin.locate("/spec/trafficPolicy")).toMatchObject({ file: "environments/e/limits.yaml", line: 7 });
    expect(rule?.origin.locate("/spec/trafficPolicy/outlierDetection")).toMatchObject({ file: "base/destination-rule.yaml", line: 9 });
    expect(rule?.origin.locate("/metadata/name")).toMatchObject({ file: "base/destination-rule.yaml", line: 4 });
    expect(rule?.origin.locate("")).toMatchObject({ file: "base/destination-rule.yaml", line: 1 });
    expect(resources.get("VirtualService")?.origin.locate("/spec/http/0/timeout").file).toBe("base/virtual-service.yaml");
  });

  it("a patch written inline is located in the kustomization, the last patch applied first", async () => {
    const resources = await render(
      [
        "buildMetadata: [originAnnotations]",
        "resources:",
        "- ../../base",
        "patches:",
        "- path: routing.yaml",
        "  target: {kind: VirtualService, name: api}",
        "- target: {kind: VirtualService, name: a.i}",
        "  patch: |-",
        "    - op: replace",
        "      path: /spec/http/0/timeout",
        "      value: 20s",
        "",
      ].join("\n"),
      { "environments/e/routing.yaml": "- op: replace\n  path: /spec/http/0/timeout\n  value: 15s\n" },
    );
    expect(resources.get("VirtualService")?.origin.locate("/spec/http/0/timeout")).toMatchObject({ file: "environments/e/kustomization.yaml", line: 11 });
  });
});

describe("locateGeneratedInCatalog: generated files given on the command line", () => {
  it("locates their fields at the catalog line that produced them, other files where they are", async () => {
    const loaded = await loadPaths(["base/agents/virtual-service.yaml", "base/mesh/deny-all.yaml"], REPO_ROOT);
    const [agents, denyAll] = await locateGeneratedInCatalog(loaded.resources, REPO_ROOT, REPO_ROOT);
    const catalog = (await readFile(path.join(REPO_ROOT, "base/catalog/catalog.jsonnet"), "utf8")).split("\n");
    const timeoutLine = catalog.findIndex((line) => line.includes("timeout: '150s'")) + 1;
    expect(agents?.origin.locate("/spec/http/0/timeout")).toEqual({ file: "base/catalog/catalog.jsonnet", line: timeoutLine, pointer: "/spec/http/0/timeout" });
    expect(agents?.origin.file).toBe("base/agents/virtual-service.yaml");
    expect(denyAll?.origin.locate("/spec").file).toBe("base/mesh/deny-all.yaml");
  });
});
