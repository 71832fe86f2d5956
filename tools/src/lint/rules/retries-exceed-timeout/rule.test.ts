import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("retries-exceed-timeout", () => {
  it("flags retries whose worst case is longer than the route timeout", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.location?.line, f.location?.pointer])).toEqual([
      [15, "/spec/http/0/retries"],
      [22, "/spec/http/1/retries"],
      [30, "/spec/http/2/retries"],
    ]);
    expect(findings[0]?.message).toBe(
      "http[0]: 1 try + 3 retries × perTryTimeout 2s = 8s, more than the route " +
        "timeout 5s, which includes every retry; at most 2 slow tries can run before the timeout cuts the request. " +
        "Lower attempts or perTryTimeout, or raise the timeout to at least 8s",
    );
    expect(findings[1]?.message).toContain("= 75s, more than the route timeout 60s");
    // Durations are read as Go does (`.5s`, `μs`), like the CRD's CEL rules and istiod.
    expect(findings[2]?.message).toContain("1 try + 3 retries × perTryTimeout 500ms = 2s, more than the route timeout 1500ms");
  });

  it("accepts retries that fit, retries without a timeout (or timeout 0), and retries turned off", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
