import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("deployment-service-protocol-conflict", () => {
  it("flags a port number two Services of a mesh Deployment give different protocols", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0116", "warning", "vapora-backend", 5, "/metadata/name"],
    ]);
    expect(findings[0]?.message).toBe(
      "Services vapora/vapora-backend, vapora/vapora-backend-stats select the pods of this Deployment and " +
        "use port 9090 with different protocols (TCP, UDP): Istio builds one inbound listener per pod port " +
        "and cannot serve both. Give the port one protocol, or use different port numbers",
    );
  });

  it("accepts one protocol per port, and Deployments outside the mesh", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
