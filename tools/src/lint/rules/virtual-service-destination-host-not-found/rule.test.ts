import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("virtual-service-destination-host-not-found", () => {
  it("flags unknown hosts: errors in the VirtualService's namespace, warnings for hosts declared elsewhere", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0101", "error", "vapora-backend", 43, "/spec/http/0/route/0/destination/host"],
      [rule.id, "IST0101", "error", "vapora-backend", 46, "/spec/http/0/mirror/host"],
      [rule.id, "IST0101", "warning", "vapora-backend", 51, "/spec/tcp/0/route/0/destination/host"],
      [rule.id, "IST0101", "error", "egress", 67, "/spec/tls/0/route/0/destination/host"],
      [rule.id, "IST0101", "warning", "egress", 73, "/spec/tls/1/route/0/destination/host"],
    ]);
    expect(findings[0]?.message).toBe(
      'http[0].route[0]: destination host "vapora-backnd" (vapora-backnd.vapora.svc.cluster.local) matches no ' +
        "Service or ServiceEntry, so Istio has no such host and traffic sent to it fails. Fix the host name (a name " +
        "without dots is a Service in namespace vapora), or add the Service",
    );
    expect(findings[1]?.message).toContain('http[0].mirror: mirror host "vapora-shadow.vapora.svc.cluster.local" matches no');
    expect(findings[2]?.message).toBe(
      'tcp[0].route[0]: destination host "redis.cache.svc.cluster.local" matches no Service or ServiceEntry in the ' +
        "configuration linted here, so unless it is declared elsewhere Istio has no such host and traffic sent to it " +
        "fails. Fix the host name, or declare it (a ServiceEntry for an external host)",
    );
    expect(findings[3]?.message).toBe(
      'tls[0].route[0]: destination host "api.openai.com" is ServiceEntry vapora/llm-providers, which is not exported ' +
        "to namespace tools, so Istio has no such host here and traffic sent to it fails. Export it to tools " +
        "(exportTo), or route to a host visible here",
    );
  });

  it("accepts Services, ServiceEntries (wildcards included), mirrors and tls routes that exist", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
