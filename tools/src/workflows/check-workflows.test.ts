import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkWorkflows } from "./check-workflows.js";

let repo: string;

beforeEach(async () => {
  repo = await mkdtemp(path.join(tmpdir(), "mesh-policy-workflows-"));
  await mkdir(path.join(repo, ".github/workflows"), { recursive: true });
  await writeFile(path.join(repo, "package.json"), JSON.stringify({ scripts: { test: "vitest run", "mesh-policy": "node x" } }));
});

afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

const workflow = (steps: string) => `name: ci\non: pull_request\njobs:\n  check:\n    runs-on: ubuntu-24.04\n    steps:\n${steps}`;

describe("checkWorkflows", () => {
  it("accepts pinned actions, existing scripts and existing commands", async () => {
    await writeFile(
      path.join(repo, ".github/workflows/ci.yaml"),
      workflow(
        "      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n" +
          "      - run: npm test && npm run test\n" +
          "      - run: npm run --silent mesh-policy -- check --format sarif\n" +
          "      - run: |\n          npm ci\n          npm run --silent mesh-policy -- diff --base main\n",
      ),
    );
    expect(await checkWorkflows(repo)).toEqual([]);
  });

  it("reports unknown scripts, unknown commands and unpinned actions at their lines", async () => {
    await writeFile(
      path.join(repo, ".github/workflows/ci.yaml"),
      workflow("      - uses: actions/checkout@v4\n      - run: npm run lint\n      - run: npx mesh-policy publish\n      - run: |\n          npm ci\n          npm run --silent mesh-policy -- deploy prod\n"),
    );
    const findings = await checkWorkflows(repo);
    expect(findings.map((f) => [f.location?.line, f.message])).toEqual([
      [7, "`actions/checkout@v4` is not pinned: use the action's full commit SHA, with the version in a comment"],
      [8, "calls `npm run lint`, but package.json has no such script"],
      [9, expect.stringMatching(/^calls `mesh-policy publish`, which is not a mesh-policy command/)],
      [12, expect.stringMatching(/^calls `mesh-policy deploy`/)],
    ]);
  });

  it("reports invalid YAML with its line", async () => {
    await writeFile(path.join(repo, ".github/workflows/broken.yaml"), "name: x\njobs: [\n");
    const findings = await checkWorkflows(repo);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: "workflow", location: { file: ".github/workflows/broken.yaml", line: 2 } });
  });
});
