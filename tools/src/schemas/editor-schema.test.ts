import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Ajv } from "ajv";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { EDITOR_SCHEMA_FILE, editorFiles } from "./editor-schema.js";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * The editor schema as yaml-language-server applies it: a draft-07 schema whose `$ref`s resolve
 * relative to its own file. Every schema it refers to is loaded under the URL of its file.
 */
function editorValidator() {
  const [schemaFile] = editorFiles();
  const schema = JSON.parse(schemaFile?.content ?? "{}") as { allOf: Array<{ then: { $ref: string } }> };
  const base = pathToFileURL(path.join(REPO_ROOT, EDITOR_SCHEMA_FILE));
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false });
  for (const { then } of schema.allOf) {
    const url = new URL(then.$ref, base);
    ajv.addSchema(JSON.parse(readFileSync(url, "utf8")) as object, url.href);
  }
  return ajv.compile({ ...schema, $id: base.href });
}

describe("the editor schema", () => {
  const validate = editorValidator();

  it("flags an unknown field and a wrong type in the object of that apiVersion and kind", () => {
    const object = { apiVersion: "networking.istio.io/v1", kind: "DestinationRule", metadata: { name: "x" }, spec: { host: "x", trafficPolicy: { conectionPool: {} } } };
    expect(validate(object)).toBe(false);
    expect(validate.errors?.some((e) => e.keyword === "additionalProperties" && e.params["additionalProperty"] === "conectionPool")).toBe(true);
    const wrongType = { apiVersion: "v1", kind: "Service", metadata: { name: "x" }, spec: { ports: [{ port: "eighty" }] } };
    expect(validate(wrongType)).toBe(false);
  });

  it("accepts every object of the folders it is mapped to, and leaves kinds it has no schema for alone", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith(".yaml")) files.push(full);
      }
    };
    for (const dir of ["base", "argocd"]) walk(path.join(REPO_ROOT, dir));
    let objects = 0;
    for (const file of files) {
      for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
        const value = document.toJS({ maxAliasCount: -1 }) as unknown;
        if (value === null || typeof value !== "object") continue;
        objects++;
        expect(validate(value), `${path.relative(REPO_ROOT, file)}: ${JSON.stringify(validate.errors?.slice(0, 2))}`).toBe(true);
      }
    }
    expect(objects).toBeGreaterThan(20);
  });
});
