import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("local-rate-limit-not-enforced", () => {
  it("flags local rate limits that are not enabled, not enforced, or have no bucket", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [
        "local-rate-limit-not-enforced",
        "llm-router-local-rate-limit",
        26,
        "/spec/configPatches/0/patch/value/typed_config/value",
      ],
      [
        "local-rate-limit-not-enforced",
        "api-route-rate-limit",
        75,
        "/spec/configPatches/1/patch/value/typed_per_filter_config/envoy.filters.http.local_ratelimit/value",
      ],
    ]);
    expect(findings[0]?.message).toBe(
      "configPatches[0]: the local rate limit has no filter_enabled, which defaults to 0% of requests (the limiter is " +
        "off); has no filter_enforced, which defaults to 0% of requests (over-limit requests are only counted), so no " +
        "request is ever rejected with 429. Set filter_enabled with runtime_key and default_value {numerator: 100, " +
        "denominator: HUNDRED}. Set filter_enforced with runtime_key and default_value {numerator: 100, denominator: HUNDRED}.",
    );
    expect(findings[1]?.message).toContain(
      "configPatches[1] (per-route): the local rate limit has filter_enforced at 0% (over-limit requests are only counted); " +
        "has no token_bucket",
    );
  });

  it("accepts the documented filter-level shape and a complete per-route config", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
