import { describe, expect, it } from "vitest";
import { editTargetRevision } from "./edit-target-revision.js";

const OLD = "1111111111111111111111111111111111111abc";
const NEW = "2222222222222222222222222222222222222def";
const edit = { applicationName: "policy-prod", pointer: "/spec/source/targetRevision", from: OLD, to: NEW };

function application(revision: string, name = "policy-prod"): string {
  return [
    `# ${name}: pinned (comment that names ${OLD.slice(0, 7)} in passing)`,
    "apiVersion: argoproj.io/v1alpha1",
    "kind: Application",
    "metadata:",
    `  name: ${name}`,
    "spec:",
    "  source:",
    "    repoURL: https://example.com/policy.git",
    "    # the pin",
    `    targetRevision:   ${revision}   # promote rewrites this`,
    "    path: environments/prod",
    "",
  ].join("\n");
}

describe("editTargetRevision", () => {
  it("replaces only the value, keeping spacing, the trailing comment and every other byte", () => {
    const before = application(OLD);
    expect(editTargetRevision(before, edit, "app.yaml")).toBe(before.replace(`   ${OLD}   #`, `   ${NEW}   #`));
  });

  it("keeps the quotes of a quoted value", () => {
    expect(editTargetRevision(application(`"${OLD}"`), edit, "app.yaml")).toContain(`targetRevision:   "${NEW}"   # promote`);
    expect(editTargetRevision(application(`'${OLD}'`), edit, "app.yaml")).toContain(`targetRevision:   '${NEW}'   # promote`);
  });

  it("finds the named Application in a multi-document file", () => {
    const text = `${application(OLD, "policy-staging")}---\n${application(OLD)}`;
    const result = editTargetRevision(text, edit, "apps.yaml");
    const [staging, prod] = result.split("---\n");
    expect(staging).toBe(application(OLD, "policy-staging"));
    expect(prod).toBe(application(OLD).replace(`   ${OLD}   #`, `   ${NEW}   #`));
  });

  it("quotes a new pin that YAML would read as a number, and reads an old one as written", () => {
    const digits = "1234567890123456789012345678901234567890";
    expect(editTargetRevision(application(OLD), { ...edit, to: digits }, "app.yaml")).toContain(`targetRevision:   "${digits}"   # promote`);
    expect(editTargetRevision(application("12345678901234567890123456789012345e7890"), { ...edit, from: "12345678901234567890123456789012345e7890" }, "app.yaml")).toContain(
      `targetRevision:   ${NEW}   # promote`,
    );
  });

  it("refuses when the file holds another pin than the plan's, or no such Application", () => {
    expect(() => editTargetRevision(application(NEW), edit, "app.yaml")).toThrow(/the file changed since the plan was made; plan again/);
    expect(() => editTargetRevision(application(OLD, "other"), edit, "app.yaml")).toThrow(/no Application policy-prod to rewrite/);
  });
});
