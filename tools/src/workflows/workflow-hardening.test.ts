import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseYamlDocuments } from "../load/yaml-documents.js";
import { isJsonObject, type JsonObject } from "../model/resource.js";

/**
 * What zizmor and actionlint check in CI (.ci/run and the pull-request workflow), kept here as
 * properties of our own workflows so that a change that loosens one fails the tests too.
 */
const WORKFLOWS = ["pull-request.yaml", "promote.yaml", "render-cache.yaml"] as const;

function workflow(name: string): { text: string; value: JsonObject } {
  const text = readFileSync(new URL(`../../../.github/workflows/${name}`, import.meta.url), "utf8");
  const value = parseYamlDocuments(text).documents[0]?.value;
  if (!isJsonObject(value)) throw new Error(`${name} is not a workflow`);
  return { text, value };
}

const jobsOf = (value: JsonObject) => Object.entries(value["jobs"] as Record<string, JsonObject>);
const stepsOf = (job: JsonObject) => (job["steps"] as JsonObject[]) ?? [];

describe.each(WORKFLOWS)("%s", (name) => {
  const { text, value } = workflow(name);

  it("grants nothing at the top, and each job only what it names", () => {
    expect(value["permissions"]).toEqual({});
    for (const [, job] of jobsOf(value)) expect(isJsonObject(job["permissions"])).toBe(true);
  });

  it("bounds every job in time", () => {
    for (const [, job] of jobsOf(value)) expect(job["timeout-minutes"]).toEqual(expect.any(Number));
  });

  it("never leaves the token in .git/config after checkout", () => {
    for (const [, job] of jobsOf(value)) {
      for (const step of stepsOf(job).filter((s) => String(s["uses"] ?? "").startsWith("actions/checkout@"))) {
        expect((step["with"] as JsonObject)["persist-credentials"]).toBe(false);
      }
    }
  });

  it("splices no expression into a script: values reach run steps as environment variables", () => {
    for (const [, job] of jobsOf(value)) {
      for (const step of stepsOf(job)) expect(String(step["run"] ?? "")).not.toMatch(/\$\{\{/);
    }
    expect(text).not.toMatch(/run:.*\$\{\{/);
  });
});

describe("the pull-request workflow", () => {
  const { value } = workflow("pull-request.yaml");
  const steps = jobsOf(value).flatMap(([, job]) => stepsOf(job));
  const comment = steps.find((s) => s["name"] === "Post the sticky comment");

  it("edits only a comment its own identity wrote, however the marker got into others", () => {
    const script = String((comment?.["with"] as JsonObject)["script"]);
    expect(script).toMatch(/c\.user\.login === ownIdentity && c\.user\.type === "Bot" && c\.body && c\.body\.includes\(marker\)/);
    expect(script).toContain('const ownIdentity = "github-actions[bot]";');
  });

  it("lets the checks decide on a fork's read-only token: commenting and uploading SARIF only warn", () => {
    expect(String((comment?.["with"] as JsonObject)["script"])).toMatch(/catch \(error\) \{\n\s+\/\/ A fork's pull request gets a read-only token[^\n]*\n\s+core\.warning/);
    const upload = steps.find((s) => s["name"] === "Upload SARIF to code scanning");
    expect(String(upload?.["run"])).toMatch(/if ! gh api[\s\S]*echo "::warning::/);
    const verdict = steps.find((s) => s["name"] === "Fail on findings");
    expect(verdict?.["if"]).toBe("steps.check.outputs.exit != '0'");
  });

  it("lints the workflows with the pinned actionlint and zizmor", () => {
    const lint = jobsOf(value).find(([name]) => name === "workflows")?.[1];
    expect(stepsOf(lint ?? {}).map((s) => s["run"]).filter((run) => run !== undefined)).toEqual([
      "bash tools/install-tools.sh actionlint zizmor",
      ".tools/bin/actionlint -color=false",
      ".tools/bin/zizmor --offline --no-progress .github/workflows",
    ]);
  });
});

describe("the promote workflow", () => {
  const { value } = workflow("promote.yaml");
  const [, job] = jobsOf(value)[0] ?? ["", {}];

  it("reads its token only as an environment secret, and pushes with credentials given to that one step", () => {
    expect(job["environment"]).toBe("promotion");
    const open = stepsOf(job).find((s) => s["name"] === "Open the pull request");
    expect(String(open?.["run"])).toMatch(/gh auth setup-git\n[\s\S]*git push origin "\$branch"/);
  });

  it("restores no dependency cache into a job that pushes", () => {
    const node = stepsOf(job).find((s) => String(s["uses"] ?? "").startsWith("actions/setup-node@"));
    expect((node?.["with"] as JsonObject)["cache"]).toBeUndefined();
  });
});
