import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("gateway-duplicate-certificate", () => {
  it("flags Gateways on the same pods that share a credential or certificate files, from the Gateway whose selector the other includes", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0138", "warning", "vapora-gateway", 5, "/metadata/name"],
      [rule.id, "IST0138", "warning", "admin-gateway", 24, "/metadata/name"],
      [rule.id, "IST0138", "warning", "files-gateway-2", 65, "/metadata/name"],
    ]);
    expect(findings[0]?.message).toBe(
      "Gateway vapora/admin-gateway, on the same gateway pods, uses the same credential " +
        "wildcard-example-com: browsers and HTTP/2 clients reuse a connection for every host the certificate " +
        "covers, so requests for one Gateway's hosts can arrive on the other's server and get 404. Serve the " +
        "hosts from one Gateway server, or give each Gateway its own certificate",
    );
  });

  it("accepts one certificate per Gateway, a shared one on other pods, and plain HTTP servers", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
