import { describe, expect, it } from "vitest";
import { resourcesFromYaml } from "../load/resources-from-yaml.js";
import { SchemaValidator } from "./schema-validation.js";
import { runtimeSchemaCompiler } from "./schema-ajv.js";

const validator = new SchemaValidator(runtimeSchemaCompiler());

function problems(yaml: string): string[] {
  const { resources } = resourcesFromYaml(yaml, "policy.yaml");
  return resources.flatMap((resource) => validator.validate(resource)).map((f) => `${f.location?.line ?? 0}: ${f.message}`);
}

describe("SchemaValidator: what the API server checks beyond JSON Schema's vocabulary", () => {
  it("rejects two entries with the same key in a list-map of a custom resource, at the second one", () => {
    const yaml = [
      "apiVersion: extensions.istio.io/v1alpha1",
      "kind: WasmPlugin",
      "metadata:",
      "  name: filter",
      "  namespace: vapora",
      "spec:",
      "  url: oci://ghcr.io/acme/filter:v1",
      "  vmConfig:",
      "    env:",
      "      - name: MODE",
      "        value: strict",
      "      - name: MODE",
      "        value: lax",
      "",
    ].join("\n");
    expect(problems(yaml)).toEqual([
      "12: spec.vmConfig.env[1]: duplicate entry: name 'MODE' is already used by spec.vmConfig.env[0]; each entry of this list needs its own name (the API server rejects duplicates)",
    ]);
    expect(problems(yaml.replace("name: MODE\n        value: lax", "name: LEVEL\n        value: lax"))).toEqual([]);
  });

  it("rejects a custom resource named other than a DNS-1123 subdomain", () => {
    const yaml = "apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: Default_Sidecar\n  namespace: vapora\nspec: {}\n";
    expect(problems(yaml)).toEqual([
      "4: metadata.name: 'Default_Sidecar' is not a valid name: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (a DNS-1123 subdomain, as the API server requires)",
    ]);
    expect(problems(yaml.replace("Default_Sidecar", "default.v2"))).toEqual([]);
  });
});

describe("SchemaValidator: loading the validators", () => {
  // Run from the sources there are no build-time validators: every kind needs ajv's compiler.
  const service = resourcesFromYaml("apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  ports: [{ port: 80 }]\n", "service.yaml").resources;

  it("prepare loads ajv's compiler for a kind without a build-time validator", async () => {
    const prepared = new SchemaValidator();
    await prepared.prepare(service);
    expect(prepared.validate(service[0] as NonNullable<(typeof service)[0]>)).toEqual([]);
  });

  it("without prepare or a compiler, a kind without a build-time validator is a bug, not a silent pass", () => {
    expect(() => new SchemaValidator().validate(service[0] as NonNullable<(typeof service)[0]>)).toThrow(/no validator for json\/core\/v1\/service\.json: prepare\(\) the objects first/);
  });
});
