import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("external-control-plane-webhook-address", () => {
  it("flags a webhook without url or service and a URL that does not parse", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0163", "warning", "istio-validator-external-istio-system", 21, "/webhooks/0/clientConfig/url"],
      [rule.id, "IST0163", "warning", "istio-sidecar-injector-external", 10, "/webhooks/0/clientConfig"],
    ]);
    expect(findings[0]?.message).toBe(
      "webhook rev.validation.istio.io: the URL \"https://istiod.example.com:webhook/validate\" for reaching " +
        "the external control plane does not parse, so the API server cannot call it. Fix the URL",
    );
  });

  it("accepts a URL with a host name, a Service, and webhooks that are not Istio's", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
