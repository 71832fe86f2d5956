import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../test/helpers/run-cli.js";
import { parseYamlDocuments } from "../load/yaml-documents.js";
import { isJsonObject, pointerOf, type JsonObject } from "../model/resource.js";
import { CatalogSourceMap } from "./catalog-source-map.js";
import { CATALOG_FILE } from "./catalog.js";
import { isGeneratedText } from "./generated-marker.js";
import { outlineJsonnet } from "./jsonnet-outline.js";

const catalogLines = (await readFile(path.join(REPO_ROOT, CATALOG_FILE), "utf8")).split("\n");

/** The 1-based line of the catalog that contains `text` after the line that contains `after`. */
function catalogLine(text: string, after = ""): number {
  const start = after === "" ? 0 : catalogLines.findIndex((line) => line.includes(after));
  const index = catalogLines.findIndex((line, i) => i >= start && line.includes(text));
  if (index === -1) throw new Error(`the catalog has no line with ${text}`);
  return index + 1;
}

async function generatedObject(file: string, index = 0): Promise<JsonObject> {
  const value = parseYamlDocuments(await readFile(path.join(REPO_ROOT, file), "utf8")).documents[index]?.value;
  if (!isJsonObject(value)) throw new Error(`${file} has no document ${index}`);
  return value;
}

const map = await CatalogSourceMap.load(REPO_ROOT);

async function lineOf(file: string, pointer: string, index = 0): Promise<number | undefined> {
  return map?.locate(file, await generatedObject(file, index), pointer);
}

describe("CatalogSourceMap on VAPORA's catalog", () => {
  it("puts a field the catalog states at its line", async () => {
    expect(await lineOf("base/agents/virtual-service.yaml", "/spec/http/0/timeout")).toBe(catalogLine("timeout: '150s'"));
    expect(await lineOf("base/agents/virtual-service.yaml", "/spec/http/0/retries/attempts")).toBe(catalogLine("retries: { attempts: 1, perTryTimeout: '70s' }"));
    expect(await lineOf("base/llm-router/destination-rule.yaml", "/spec/trafficPolicy/connectionPool/http/http2MaxRequests")).toBe(
      catalogLine("http: { http1MaxPendingRequests: 50, http2MaxRequests: 100", "'llm-router': $.workload"),
    );
    expect(await lineOf("base/frontend/service.yaml", "/spec/ports/0/targetPort")).toBe(catalogLine("targetPort: 8080"));
    expect(await lineOf("base/llm-router/service-entry.yaml", "/spec/hosts/1")).toBe(catalogLine("hosts: ['api.openai.com', 'api.anthropic.com']"));
  });

  it("puts a field left to the library's defaults at its workload's entry, where an override goes", async () => {
    expect(await lineOf("base/backend/virtual-service.yaml", "/spec/http/0/retries")).toBe(catalogLine("backend: $.workload({"));
    expect(await lineOf("base/backend/virtual-service.yaml", "")).toBe(catalogLine("backend: $.workload({"));
    expect(await lineOf("base/frontend/destination-rule.yaml", "/spec/subsets/1/name")).toBe(catalogLine("frontend: $.workload({"));
  });

  it("puts an AuthorizationPolicy rule at the call of its first caller, a principal at its own call", async () => {
    const frontendCall = catalogLine("$.call('vapora-frontend', 'vapora-backend'");
    const gatewayCall = catalogLine("$.call('istio-ingressgateway', 'vapora-backend'");
    const policy = "base/backend/authorization-policy.yaml";
    const rules = (await generatedObject(policy))["spec"] as { rules: Array<{ from: Array<{ source: { principals: string[] } }> }> };
    const ruleOf = (account: string) => rules.rules.findIndex((rule) => rule.from[0]?.source.principals[0]?.endsWith(`/sa/${account}`));
    expect(await lineOf(policy, pointerOf("spec", "rules", ruleOf("vapora-frontend"), "to", 0, "operation", "paths"))).toBe(frontendCall);
    expect(await lineOf(policy, pointerOf("spec", "rules", ruleOf("istio-ingressgateway"), "from", 0, "source", "principals", 0))).toBe(gatewayCall);
    const router = "base/llm-router/authorization-policy.yaml";
    const principals = ((await generatedObject(router))["spec"] as { rules: Array<{ from: Array<{ source: { principals: string[] } }> }> }).rules[0]?.from[0]?.source.principals ?? [];
    for (const [index, principal] of principals.entries()) {
      const caller = principal.split("/").at(-1) ?? "";
      expect(await lineOf(router, pointerOf("spec", "rules", 0, "from", 0, "source", "principals", index))).toBe(catalogLine(`$.call('${caller}', 'vapora-llm-router'`));
    }
  });

  it("puts a Sidecar host at the call that needs it, the always-allowed hosts at the workload", async () => {
    const sidecar = "base/llm-router/sidecar.yaml";
    const hosts = ((await generatedObject(sidecar))["spec"] as { egress: Array<{ hosts: string[] }> }).egress[0]?.hosts ?? [];
    for (const [index, host] of hosts.entries()) {
      const expected = host === "istio-system/*" ? catalogLine("'llm-router': $.workload({") : catalogLine("$.call('vapora-llm-router', 'llm-providers')");
      expect(await lineOf(sidecar, pointerOf("spec", "egress", 0, "hosts", index))).toBe(expected);
    }
  });

  it("has a catalog line for every field of every generated object", async () => {
    let checked = 0;
    for (const folder of await readdir(path.join(REPO_ROOT, "base"))) {
      const files = await readdir(path.join(REPO_ROOT, "base", folder)).catch(() => []);
      for (const name of files.filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml")) {
        const file = `base/${folder}/${name}`;
        const text = await readFile(path.join(REPO_ROOT, file), "utf8");
        if (!isGeneratedText(text)) continue;
        for (const document of parseYamlDocuments(text).documents) {
          for (const pointer of leafPointers(document.value)) {
            const line = map?.locate(file, document.value as JsonObject, pointer) ?? 0;
            expect(line, `${file} ${pointer}`).toBeGreaterThan(1);
            expect(line).toBeLessThanOrEqual(catalogLines.length);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it("is not a source map for files the catalog does not generate", async () => {
    expect(map?.locate("base/mesh/deny-all.yaml", { kind: "AuthorizationPolicy" }, "/spec")).toBeUndefined();
  });
});

describe("outlineJsonnet", () => {
  it("follows objects, arrays, calls, named arguments, locals, comments and every string form", () => {
    const outline = outlineJsonnet(
      [
        "// a comment with { and [",
        "local lib = import 'lib.libsonnet';",
        "lib.thing {",
        "  /* block { */ 'quoted-key': $.f({ a: 1, b: |||",
        "    text with } and ]",
        "  |||, c: @'it''s' }),",
        "  list: [ $.g('x', named=['y']), # hash comment",
        '    "second" ],',
        "  local hidden = 3,",
        "  method(p):: p,",
        "}",
      ].join("\n"),
    );
    const fields = outline.object;
    expect([...(fields?.keys() ?? [])]).toEqual(["quoted-key", "list", "method"]);
    const spec = fields?.get("quoted-key")?.value.args?.positional[0]?.object;
    expect([...(spec?.entries() ?? [])].map(([key, field]) => [key, field.line])).toEqual([
      ["a", 4],
      ["b", 4],
      ["c", 6],
    ]);
    const list = fields?.get("list")?.value.array ?? [];
    expect(list.map((item) => item.line)).toEqual([7, 8]);
    expect(list[0]?.args?.positional[0]?.string).toBe("x");
    expect(list[0]?.args?.named.get("named")?.array?.[0]?.string).toBe("y");
    expect(list[1]?.string).toBe("second");
  });
});

function leafPointers(value: unknown, pointer = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => leafPointers(item, `${pointer}/${index}`));
  if (isJsonObject(value)) return Object.entries(value).flatMap(([key, child]) => leafPointers(child, `${pointer}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`));
  return [pointer];
}
