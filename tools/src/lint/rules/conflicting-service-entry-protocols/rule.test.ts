import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("conflicting-service-entry-protocols", () => {
  it("flags ServiceEntries that give the same host and port different protocols, a namespace-private one included", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0177", "warning", "llm-providers", 12, "/spec/ports"],
      [rule.id, "IST0177", "warning", "openai", 27, "/spec/ports"],
      [rule.id, "IST0177", "warning", "openai-local", 45, "/spec/ports"],
    ]);
    expect(findings[0]?.message).toBe(
      "host api.openai.com port 443 is defined by analytics/openai, vapora/llm-providers with different " +
        "protocols (HTTPS, TLS): a sidecar that sees several uses one service for the host, so traffic meant " +
        "for the other protocol is handled as the wrong one. Give the port the same protocol in every " +
        "ServiceEntry, or keep one ServiceEntry for the host",
    );
  });

  it("accepts agreeing protocols, other ports, and private entries in different namespaces", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
