import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("sidecar-in-ambient-mode", () => {
  it("flags a Sidecar that selects an enrolled ambient pod and a namespace-wide Sidecar of an ambient namespace", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0167", "warning", "vapora-agents", 41, "/spec/workloadSelector/labels"],
      [rule.id, "IST0167", "warning", "default", 14, "/spec"],
    ]);
    expect(findings[0]?.message).toBe(
      "the policy has no impact on workload vapora-agents-0: it is in ambient mode (annotation " +
        "ambient.istio.io/redirection: enabled), which has no sidecar to configure. Configure its waypoint " +
        "instead, or remove the Sidecar",
    );
  });

  it("accepts ambient namespaces with sidecar injection and pods that are not enrolled", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
