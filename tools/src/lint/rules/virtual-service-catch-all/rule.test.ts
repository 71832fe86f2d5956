import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("virtual-service-catch-all", () => {
  it("flags a mesh VirtualService whose routes all have matches (error) and a gateway one (warning)", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.resource?.name, f.severity, f.location?.line, f.location?.pointer])).toEqual([
      ["vapora-backend", "error", 11, "/spec/http/0"],
      ["public", "warning", 30, "/spec/http/0"],
    ]);
    expect(findings[0]?.message).toBe(
      "no catch-all http route: a request that matches none of its 1 route(s) " +
        'gets 404 (Envoy flag NR), with no fallback to the Service. Add a last route without "match" that sends the rest ' +
        "to the default destination",
    );
  });

  it("accepts a final match-less route, prefix /, delegates and TCP-only services", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
