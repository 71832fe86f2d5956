import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../test/helpers/run-cli.js";
import { resourcesFromYaml } from "../load/resources-from-yaml.js";
import { UserError } from "../model/errors.js";
import { DEFAULT_LIMITS } from "../util/limits.js";
import { findKubeconform, kubeconformFindings, runKubeconform } from "./kubeconform.js";
import { SchemaValidator } from "./schema-validation.js";
import { runtimeSchemaCompiler } from "./schema-ajv.js";

const corpusFile = new URL("../../test/fixtures/parity/corpus.yaml", import.meta.url);
const corpus = resourcesFromYaml(readFileSync(corpusFile, "utf8"), "corpus.yaml").resources;

describe("kubeconform wrapper (real binary)", () => {
  it("gives the same verdict as our validator on every object of the shared corpus", async () => {
    const validator = new SchemaValidator(runtimeSchemaCompiler());
    const ours = new Map(corpus.map((r) => [r.name, validator.validate(r).length === 0 ? "valid" : "invalid"]));
    const theirs = new Map(
      (await runKubeconform(REPO_ROOT, corpus)).map((v) => [v.name, v.status === "statusValid" ? "valid" : "invalid"]),
    );
    const expected = new Map(corpus.map((r) => [r.name, r.name.startsWith("valid-") ? "valid" : "invalid"]));
    expect(corpus.length).toBeGreaterThanOrEqual(20);
    expect(Object.fromEntries(ours)).toEqual(Object.fromEntries(expected));
    expect(Object.fromEntries(theirs)).toEqual(Object.fromEntries(expected));
  });

  it("adds kubeconform's verdict only where ours did not already reject the object", async () => {
    const invalid = corpus.filter((r) => r.name.startsWith("invalid-virtualservice"));
    const verdicts = await runKubeconform(REPO_ROOT, invalid);
    expect(kubeconformFindings(invalid, verdicts, new Set(invalid))).toEqual([]);
    const findings = kubeconformFindings(invalid, verdicts, new Set());
    expect(findings.map((f) => [f.resource?.name, f.location?.line])).toEqual(
      expect.arrayContaining([
        ["invalid-virtualservice-unknown-field", 74],
        ["invalid-virtualservice-attempts-type", 86],
      ]),
    );
    expect(findings[0]?.message).toMatch(/^kubeconform rejects this object: /);
  });

  it("runs bounded: past a limit it stops with what to raise", async () => {
    await expect(runKubeconform(REPO_ROOT, corpus, { limits: { ...DEFAULT_LIMITS, kubeconformOutputBytes: 64 } })).rejects.toThrow(
      /^kubeconform printed more than 64 bytes and was stopped \(--limit kubeconform-output\); run again with a higher limit, or without --kubeconform$/,
    );
    await expect(runKubeconform(REPO_ROOT, corpus, { limits: { ...DEFAULT_LIMITS, kubeconformTimeMs: 1 } })).rejects.toThrow(
      /^kubeconform did not finish within 1 ms and was stopped \(--limit kubeconform-time\)/,
    );
  });

  it("says how to install kubeconform when it cannot run it", async () => {
    const saved = process.env["MESH_POLICY_KUBECONFORM"];
    process.env["MESH_POLICY_KUBECONFORM"] = "/nonexistent/kubeconform";
    try {
      await expect(findKubeconform(REPO_ROOT)).rejects.toThrow(UserError);
      await expect(findKubeconform(REPO_ROOT)).rejects.toThrow(/bash tools\/install-tools\.sh/);
    } finally {
      if (saved === undefined) delete process.env["MESH_POLICY_KUBECONFORM"];
      else process.env["MESH_POLICY_KUBECONFORM"] = saved;
    }
  });
});
