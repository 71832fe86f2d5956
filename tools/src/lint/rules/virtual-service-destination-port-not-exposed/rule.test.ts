import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("virtual-service-destination-port-not-exposed", () => {
  it("flags destination and mirror ports the host does not have, naming the Service port behind a container port", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0101", "error", "vapora-frontend", 43, "/spec/http/0/route/0/destination/port/number"],
      [rule.id, "IST0101", "error", "vapora-frontend", 47, "/spec/http/0/mirror/port/number"],
      [rule.id, "IST0101", "error", "openai", 62, "/spec/tcp/0/route/0/destination/port/number"],
    ]);
    expect(findings[0]?.message).toBe(
      "http[0].route[0]: port 8080 is not a port of vapora-frontend.vapora.svc.cluster.local (Service " +
        "vapora/vapora-frontend has 80), so Istio has no cluster for it and traffic sent there fails. 8080 is the " +
        "container port behind Service port 80: VirtualServices use the Service port, so write 80",
    );
    expect(findings[2]?.message).toBe(
      "tcp[0].route[0]: port 80 is not a port of api.openai.com (ServiceEntry vapora/llm-providers has 443), so Istio " +
        "has no cluster for it and traffic sent there fails. Use one of the host's ports",
    );
  });

  it("accepts Service ports, ServiceEntry ports and destinations without a port", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
