import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadPaths } from "../load/load-paths.js";
import { lintResources } from "../lint/run-lint.js";
import { resourcesFromYaml } from "../load/resources-from-yaml.js";
import { SchemaValidator } from "../validate/schema-validation.js";
import { runtimeSchemaCompiler } from "../validate/schema-ajv.js";
import { CatalogError } from "./catalog-error.js";
import { generate, generateInMemory } from "./generate.js";
import { isGeneratedText } from "./generated-marker.js";
import { FIXTURES, REPO_ROOT, makeCatalogRepo, markedLine, removeTemporaryRepos, snapshotTree } from "./fixtures/temp-repo.js";

afterAll(removeTemporaryRepos);

const GOLDEN = path.join(FIXTURES, "golden/small");
const fixture = (name: string) => readFile(path.join(FIXTURES, name), "utf8");

describe("generate: the small fixture catalog", () => {
  it("generates exactly the golden files (UPDATE_GOLDEN=1 npx vitest run tools/src/generate rewrites them)", async () => {
    const repo = await makeCatalogRepo(await fixture("small-catalog.jsonnet"));
    const { files } = await generateInMemory(repo);
    if (process.env["UPDATE_GOLDEN"] === "1") {
      for (const file of files) {
        await mkdir(path.dirname(path.join(GOLDEN, file.path)), { recursive: true });
        await writeFile(path.join(GOLDEN, file.path), file.content);
      }
    }
    const golden = await listFiles(GOLDEN);
    expect(files.map((f) => f.path)).toEqual(golden);
    for (const file of files) {
      expect(file.content, `${file.path} differs from fixtures/golden/small/${file.path}`).toBe(await readFile(path.join(GOLDEN, file.path), "utf8"));
    }
  });

  it("writes the same bytes on every run: a second generate writes nothing", async () => {
    const repo = await makeCatalogRepo(await fixture("small-catalog.jsonnet"), { "base/orders/rate-limit.yaml": "# hand-written\n" });
    const first = await generate(repo);
    expect(first.written).toHaveLength(21);
    const before = await snapshotTree(repo);
    const second = await generate(repo);
    expect(second).toEqual({ written: [], removed: [], unchanged: first.written });
    expect(await snapshotTree(repo)).toEqual(before);
  });

  it("leaves hand-written files alone and starts every generated one with the header", async () => {
    const repo = await makeCatalogRepo(await fixture("small-catalog.jsonnet"), { "base/orders/rate-limit.yaml": "# hand-written\n" });
    await generate(repo);
    expect(await readFile(path.join(repo, "base/orders/rate-limit.yaml"), "utf8")).toBe("# hand-written\n");
    for (const file of await listFiles(path.join(repo, "base/orders"))) {
      expect(isGeneratedText(await readFile(path.join(repo, "base/orders", file), "utf8")), file).toBe(file !== "rate-limit.yaml");
    }
  });

  it("removes generated files the catalog no longer has, and a folder left empty; hand-written files stay", async () => {
    const small = await fixture("small-catalog.jsonnet");
    const repo = await makeCatalogRepo(small, { "base/orders/rate-limit.yaml": "# hand-written\n" });
    await generate(repo);
    // Drop the reports workload and the orders workload's external service.
    const smaller = small
      .replace(/    reports: \$\.workload\(\{[\s\S]*?\}\),\n/, "")
      .replace(/      external: \{[\s\S]*?\n      \},\n/, "")
      .replace(/.*'shop-reports'.*\n/g, "")
      .replace("    $.call('shop-orders', 'payments'),\n", "");
    await writeFile(path.join(repo, "base/catalog/catalog.jsonnet"), smaller);
    const result = await generate(repo);
    expect(result.removed).toEqual([
      "base/orders/service-entry.yaml",
      "base/reports/destination-rule.yaml",
      "base/reports/kustomization.yaml",
      "base/reports/service-account.yaml",
      "base/reports/service.yaml",
      "base/reports/sidecar.yaml",
      "base/reports/virtual-service.yaml",
    ]);
    expect(await readdir(path.join(repo, "base"))).toEqual(["catalog", "orders", "web"]);
    expect(await readFile(path.join(repo, "base/orders/rate-limit.yaml"), "utf8")).toBe("# hand-written\n");
  });

  it("refuses to overwrite a hand-written file where a generated one goes, and writes nothing", async () => {
    const repo = await makeCatalogRepo(await fixture("small-catalog.jsonnet"), { "base/web/service.yaml": "# mine\n" });
    const before = await snapshotTree(repo);
    await expect(generate(repo)).rejects.toThrow(/^base\/web\/service\.yaml: hand-written \(no "generated" header\), and base\/catalog\/catalog\.jsonnet generates it; nothing was written/);
    expect(await snapshotTree(repo)).toEqual(before);
  });
});

describe("generate: catalog errors are reported at the catalog line, and nothing is written", () => {
  const cases: Array<[string, RegExp]> = [
    ["syntax-error.jsonnet", /: syntax error: expected a comma before next field\.$/],
    ["runtime-error.jsonnet", /: field does not exist: api$/],
    ["undeclared-workload.jsonnet", /: call shop-web -> shop-apl: call to undeclared workload "shop-apl"; workloads: "shop-api", "shop-web" \(raised at base\/catalog\/lib\/mesh\.libsonnet:\d+\)$/],
    ["port-not-exposed.jsonnet", /: call shop-web -> shop-api: shop-api does not expose port 9001; its ports: 9000 \(http-api -> container port 9000\)/],
    ["container-port.jsonnet", /: call istio-ingressgateway -> shop-web: port 8080 is a container port of shop-web; name the Service port 80 or the port name "http"/],
    ["duplicate-workload.jsonnet", /: duplicate field: web: declared twice in one object \(under workloads: two workloads with the same folder\)$/],
    ["unknown-caller.jsonnet", /: call istio-egressgateway -> shop-web: caller "istio-egressgateway" is not a known identity; known: workloads "shop-web"; identities "istio-ingressgateway"/],
    ["callee-is-identity.jsonnet", /: call shop-web -> istio-ingressgateway: "istio-ingressgateway" is a caller identity, not a workload of this catalog/],
    ["retries-exceed-timeout.jsonnet", /: retries do not fit the timeout: \(1 \+ 3 attempts\) x 2s = 8000ms > timeout 5s/],
    ["unknown-field.jsonnet", /: workload: unknown field "timout"; known fields: connectionPool, external/],
    ["http-fields-on-tcp-port.jsonnet", /: call shop-web -> shop-db: methods, paths and requireJwt are HTTP-only, and "tcp-sql" is not an HTTP port/],
    ["not-built-with-workload.jsonnet", /: workloads\.web must be built with \$\.workload\(\{ \.\.\. \}\), which applies the defaults and checks it \(raised at base\/catalog\/lib\/mesh\.libsonnet:\d+\)$/],
  ];

  it("has a test for every error fixture", async () => {
    expect((await readdir(path.join(FIXTURES, "errors"))).sort()).toEqual(cases.map(([name]) => name).sort());
  });

  it.each(cases)("%s", async (name, message) => {
    const text = await fixture(`errors/${name}`);
    const repo = await makeCatalogRepo(text);
    const before = await snapshotTree(repo);
    const error = await generate(repo).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CatalogError);
    const { location, message: text_ } = error as CatalogError;
    expect(location).toMatchObject({ file: "base/catalog/catalog.jsonnet", line: markedLine(text) });
    expect(text_).toMatch(new RegExp(`^base/catalog/catalog\\.jsonnet:${markedLine(text)}:\\d+${message.source}`));
    expect(await snapshotTree(repo)).toEqual(before);
  });

  it("reports a workload's own error at the workload even when a call reaches it first", async () => {
    const text = (await fixture("errors/retries-exceed-timeout.jsonnet")).replace("    web: $.workload", "    aaa: $.workload({ ports: [{ name: 'http', port: 1 }] }),\n    web: $.workload");
    const repo = await makeCatalogRepo(text);
    await expect(generate(repo)).rejects.toThrow(new RegExp(`^base/catalog/catalog\\.jsonnet:${markedLine(text)}:10: retries do not fit`));
  });
});

describe("generate: the VAPORA catalog", () => {
  it("generates objects that pass the strict schemas", async () => {
    const { files } = await generateInMemory(REPO_ROOT);
    const validator = new SchemaValidator(runtimeSchemaCompiler());
    const kinds = new Set<string>();
    for (const file of files.filter((f) => !f.path.endsWith("/kustomization.yaml"))) {
      const { resources, findings } = resourcesFromYaml(file.content, file.path);
      expect(findings).toEqual([]);
      for (const resource of resources) {
        kinds.add(resource.kind);
        expect(validator.validate(resource), `${file.path}`).toEqual([]);
      }
    }
    expect([...kinds].sort()).toEqual(["AuthorizationPolicy", "DestinationRule", "Service", "ServiceAccount", "ServiceEntry", "Sidecar", "VirtualService"]);
  });

  it("lints clean together with the hand-written base", async () => {
    const loaded = await loadPaths(["base"], REPO_ROOT);
    const { findings } = lintResources(loaded.resources, {});
    expect(findings).toEqual([]);
  });
});

async function listFiles(root: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(root, prefix), { withFileTypes: true }).catch(() => [])) {
    const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listFiles(root, relative)));
    else out.push(relative);
  }
  return out.sort();
}
