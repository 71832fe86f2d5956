import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("strict-mtls-missing", () => {
  it("flags namespaces with workloads whose namespace-wide mTLS mode is not STRICT", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url), "dev");
    expect(findings.map((f) => [f.ruleId, f.resource?.kind, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      ["strict-mtls-missing", "PeerAuthentication", "default", 43, "/spec/mtls/mode"],
      ["strict-mtls-missing", "Namespace", "vapora", 2, undefined],
    ]);
    expect(findings[1]?.message).toBe(
      "this namespace has no namespace-wide PeerAuthentication and its mode is PERMISSIVE, Istio's default when no " +
        "PeerAuthentication sets a mode, so its workloads (vapora-backend) accept plaintext, which carries no peer " +
        "identity and is not encrypted. Add a PeerAuthentication named default with mtls.mode: STRICT to it (or " +
        "one mesh-wide in istio-system)",
    );
    expect(findings[0]?.message).toBe(
      "the namespace-wide mode is PERMISSIVE from PeerAuthentication shop/default, so the workloads of shop (orders) " +
        "accept plaintext, which carries no peer identity and is not encrypted. Set mtls.mode: STRICT",
    );
  });

  it("accepts mesh-wide STRICT inherited through UNSET", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url), "dev")).toEqual([]);
  });

  it("says nothing for loose files (no environment)", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url))).toEqual([]);
  });
});
