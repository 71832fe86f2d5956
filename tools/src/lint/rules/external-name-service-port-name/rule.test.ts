import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("external-name-service-port-name", () => {
  it("flags ExternalName Service ports without a protocol Istio knows, and a port named tcp", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0150", "warning", "openai", 11, "/spec/ports/0"],
      [rule.id, "IST0150", "warning", "openai", 12, "/spec/ports/1"],
    ]);
    expect(findings[0]?.message).toBe(
      "port 8443 of ExternalName Service openai declares no protocol Istio knows: for an ExternalName " +
        "Service the proxy may not forward traffic on a port named \"tcp\" or one whose protocol it must sniff " +
        "to api.openai.com. Name the port for its real protocol (http-..., https-..., tls-...), or set " +
        "appProtocol",
    );
  });

  it("accepts named and appProtocol ports, and leaves other Services to IST0118", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
