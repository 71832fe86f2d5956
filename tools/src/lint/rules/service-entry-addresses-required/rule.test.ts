import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("service-entry-addresses-required", () => {
  it("flags each TCP (or protocol-less) port of a ServiceEntry without addresses", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0134", "warning", "tasks-db", 13, "/spec/ports/0"],
      [rule.id, "IST0134", "warning", "tasks-db", 16, "/spec/ports/1"],
      [rule.id, "IST0134", "warning", "cache", 31, "/spec/ports/0"],
    ]);
    expect(findings[0]?.message).toBe(
      "port 5432 is TCP and the ServiceEntry has no addresses: TCP traffic is matched by destination IP and " +
        "port, so with neither an address nor an IP allocated by istiod the sidecar cannot tell this " +
        "service's traffic from any other on port 5432. Set spec.addresses, or declare the protocol (TLS, " +
        "HTTPS, HTTP) when it is one Istio can route by host",
    );
  });

  it("accepts host-routed protocols, TCP with addresses, and an address istiod allocated (status)", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
