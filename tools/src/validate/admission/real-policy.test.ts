import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { resourcesFromYaml } from "../../load/resources-from-yaml.js";
import { admissionFindings } from "../admission-findings.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const kustomize = process.env["MESH_POLICY_KUSTOMIZE"] ?? path.join(repoRoot, ".tools/bin/kustomize");

/** What admission reports, after the objects' own galley.istio.io/analyze-suppress annotations. */
function problemsOf(yaml: string, file: string): string[] {
  const { resources } = resourcesFromYaml(yaml, file);
  return resources.flatMap((r) =>
    admissionFindings(r).findings.map((f) => `${r.kind}/${r.namespace ?? ""}/${r.name} ${f.severity} ${f.location?.pointer ?? ""}: ${f.message}`),
  );
}

describe("the VAPORA policy", () => {
  for (const environment of ["dev", "staging", "prod"]) {
    it.skipIf(!existsSync(kustomize))(`${environment} renders to objects Istio admits without a word`, async () => {
      const { stdout } = await execa(kustomize, ["build", path.join(repoRoot, "environments", environment)]);
      const { resources } = resourcesFromYaml(stdout, `${environment}.yaml`);
      expect(resources.filter((r) => r.apiVersion.includes("istio.io")).length).toBeGreaterThan(20);
      expect(problemsOf(stdout, `${environment}.yaml`)).toEqual([]);
    });
  }

  it("ADR-009's Istio configuration is admitted too (its flaws are semantic, not syntactic)", () => {
    const file = path.join(repoRoot, "tools/test/fixtures/adr-009/istio-config.yaml");
    expect(problemsOf(readFileSync(file, "utf8"), file)).toEqual([]);
  });
});
