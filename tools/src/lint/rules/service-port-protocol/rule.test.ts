import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("service-port-protocol", () => {
  it("flags ports whose name and appProtocol declare no protocol Istio knows", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0118", "info", "vapora-backend", 11, "/spec/ports/0/name"],
      [rule.id, "IST0118", "info", "vapora-backend", 14, "/spec/ports/1/name"],
      [rule.id, "IST0118", "info", "vapora-backend", 19, "/spec/ports/2/appProtocol"],
      [rule.id, "IST0118", "info", "single-port", 30, "/spec/ports/0/port"],
    ]);
    expect(findings[0]?.message).toBe(
      'port 8001 ("api") declares no protocol: its name does not follow <protocol>[-suffix] and it has no appProtocol, ' +
        "so Istio detects the protocol by sniffing the first bytes and handles the port as plain TCP when that fails " +
        "(no HTTP routing, retries or HTTP authorization fields). Name it <protocol>[-suffix] (e.g. http-api), or set appProtocol",
    );
    expect(findings[2]?.message).toBe(
      'port 4222 ("http-events"): appProtocol "nats.io/client" is no protocol Istio knows, and appProtocol takes ' +
        "precedence over the name, so Istio detects the protocol by sniffing the first bytes and handles the port as " +
        "plain TCP when that fails (no HTTP routing, retries or HTTP authorization fields). Set appProtocol to http, " +
        "http2, https, grpc, tcp, tls (or another protocol Istio knows)",
    );
    expect(findings[3]?.message).toContain("port 8080 declares no protocol: it has no name and it has no appProtocol");
  });

  it("accepts protocol names, appProtocol, grpc-web, UDP, well-known TCP ports and ExternalName Services", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
