import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("unknown-install-profile", () => {
  it("flags a profile Istio does not have, in an IstioOperator and in Helm parameters", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.resource?.kind, f.location?.line, f.location?.pointer])).toEqual([
      ["IstioOperator", 8, "/spec/profile"],
      ["Application", 24, "/spec/source/helm/parameters/0/value"],
    ]);
    expect(findings[0]?.message).toBe(
      'Istio has no profile "production", so the install fails; the profiles are ambient, default, demo, empty, minimal, ' +
        'openshift, openshift-ambient, preview, remote, stable. For production use "default" (Istio\'s recommendation) and tune its values',
    );
  });

  it("accepts real profiles and leaves other charts alone", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
