import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("conflicting-gateways", () => {
  it("flags servers that declare a host another Gateway on the same pods declares on the same port, overlapping selectors through a known pod", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0145", "error", "vapora-gateway", 11, "/spec/servers/0"],
      [rule.id, "IST0145", "error", "vapora-gateway-v2", 30, "/spec/servers/0"],
      [rule.id, "IST0145", "error", "edge-gateway", 52, "/spec/servers/0"],
    ]);
    expect(findings[0]?.message).toBe(
      "servers[0] (port 443, hosts vapora.example.com) conflicts with Gateway vapora/vapora-gateway-v2: the " +
        "same host on the same port of the same pods (selector istio=ingressgateway): the gateway keeps one " +
        "of the servers and the other's routes are not served. Merge the servers into one Gateway, or give " +
        "them different hosts or ports",
    );
  });

  it("accepts other hosts, ports, binds, and Gateways of other pods", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });

  it("compares overlapping selectors through the pods a gateway's Service selects when nothing describes them", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/inferred-pods.yaml", import.meta.url));
    expect(findings.map((f) => [f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      ["vapora-gateway", 12, "/spec/servers/0"],
      ["edge-gateway", 32, "/spec/servers/0"],
    ]);
  });
});
