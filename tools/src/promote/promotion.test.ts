import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { CommandContext } from "../cli/commands.js";
import { parseCommonOptions } from "../cli/options.js";
import { runPromoteCommand } from "../cli/promote-command.js";
import type { CommonOptions } from "../cli/option-table.js";
import { GitRepository } from "../../test/helpers/git-repository.js";
import { UserError } from "../model/errors.js";
import { applyPromotion } from "./apply-promotion.js";
import { formatPromotionBody, formatPromotionText, PROMOTION_MARKER } from "./format-promotion.js";
import { planPromotion, type PlanPromotionOptions } from "./plan-promotion.js";
import type { PromotionPlan } from "./promotion-plan.js";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const PROD_APP = "argocd/applications/mesh-policy-prod.yaml";
/** The pin committed in this repository; the throw-away copies pin their own first commit instead. */
const REAL_PIN = /targetRevision: ([0-9a-f]{40})/;

/** Every file of the policy (base, overlays, staging, prod) and its Argo CD project and two Applications. */
async function policyFiles(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const add = async (relative: string): Promise<void> => {
    const absolute = path.join(REPO_ROOT, relative);
    for (const entry of await readdir(absolute, { withFileTypes: true })) {
      const child = `${relative}/${entry.name}`;
      if (entry.isDirectory()) await add(child);
      else files[child] = await readFile(path.join(REPO_ROOT, child), "utf8");
    }
  };
  for (const dir of ["base", "overlays", "environments/staging", "environments/prod"]) await add(dir);
  for (const file of ["argocd/projects/mesh-policy.yaml", "argocd/applications/mesh-policy-staging.yaml", PROD_APP, ".gitignore"]) {
    files[file] = await readFile(path.join(REPO_ROOT, file), "utf8");
  }
  return files;
}

let files: Record<string, string>;
let repo: GitRepository;
let cacheDir: string;
let scratch: string;
/** Commits in order: the policy (the pin), pinning prod to it, then a change to prod's canary weight on main. */
let pin: string;
let pinning: string;
let head: string;
let prodBefore: string;

/** Wednesday 2024-01-03 10:00 UTC: inside prod's sync window, 58 h after the test commits (2024-01-01). */
const WEDNESDAY_MORNING = new Date("2024-01-03T10:00:00Z");

/** prod's canary split as the test needs it, whatever the repository's prod runs today. */
const canarySplit = (stable: number, canary: number) =>
  `- op: replace\n  path: /spec/http/0/route/0/weight\n  value: ${stable}\n- op: replace\n  path: /spec/http/0/route/1/weight\n  value: ${canary}\n`;

beforeAll(async () => {
  files = { ...(await policyFiles()), "environments/prod/routing.yaml": canarySplit(95, 5) };
  cacheDir = await mkdtemp(path.join(tmpdir(), "mesh-policy-promote-cache-"));
});

afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

beforeEach(async () => {
  repo = await GitRepository.create("mesh-policy-promote-");
  scratch = await mkdtemp(path.join(tmpdir(), "mesh-policy-promote-out-"));
  await repo.write(files);
  pin = await repo.commit("policy for staging and prod");
  prodBefore = (files[PROD_APP] as string).replace(REAL_PIN, `targetRevision: ${pin}`);
  await repo.write({ [PROD_APP]: prodBefore });
  pinning = await repo.commit("pin prod to the policy commit");
  await repo.write({ "environments/prod/routing.yaml": canarySplit(90, 10) });
  head = await repo.commit("prod: 10% canary");
});

afterEach(async () => {
  await repo.dispose();
  await rm(scratch, { recursive: true, force: true });
});

const plan = (options: Partial<PlanPromotionOptions> = {}): Promise<PromotionPlan> =>
  planPromotion({ repoRoot: repo.root, from: "staging", to: "prod", allowRollback: false, minSoakHours: 24, now: WEDNESDAY_MORNING, cacheDir, ...options });

async function gitStatus(): Promise<string> {
  return repo.git("status", "--porcelain", "--untracked-files=all");
}

describe("planPromotion (throw-away git repositories, real kustomize)", () => {
  it("picks the commit staging runs (main's head), lists the commits since the pin, diffs prod and passes every gate", async () => {
    const result = await plan();
    expect(result.candidate).toEqual({ commit: head, subject: "prod: 10% canary", selectedBy: `main at ${head.slice(0, 12)}, the targetRevision of mesh-policy-staging` });
    expect(result.currentPin).toEqual({ commit: pin, subject: "policy for staging and prod" });
    expect(result.direction).toBe("forward");
    expect(result.commits.map((c) => c.commit)).toEqual([head, pinning]);
    expect(result.rolledBack).toEqual([]);
    expect(result.application).toEqual({ name: "mesh-policy-prod", file: PROD_APP, line: expect.any(Number), pointer: "/spec/source/targetRevision" });
    expect(prodBefore.split("\n")[result.application.line - 1]).toBe(`    targetRevision: ${pin}`);
    expect(result.gates.map((g) => [g.id, g.status])).toEqual([
      ["checks", "pass"],
      ["ancestry", "pass"],
      ["soak", "pass"],
      ["window", "pass"],
    ]);
    expect(result.gates[2]?.reason).toBe("reached main 58.0 h ago (2024-01-01 00:00 UTC)");
    expect(result.refusals).toEqual([]);
    // prod's diff: the canary weight of the three VirtualServices routing.yaml patches.
    const prod = result.diff?.environments.find((e) => e.name === "prod");
    expect(prod?.changed.map((c) => `${c.kind} ${c.name}`)).toEqual([
      "VirtualService vapora-backend",
      "VirtualService vapora-ingress",
      "VirtualService vapora-llm-router",
    ]);
    expect(prod?.changed[0]?.changes.map((f) => `${f.path} ${String(f.old)}→${String(f.new)} ${f.source?.file ?? ""}`)).toEqual([
      "spec.http[name=default].route[0].weight 95→90 environments/prod/routing.yaml",
      "spec.http[name=default].route[1].weight 5→10 environments/prod/routing.yaml",
    ]);
    expect(await gitStatus()).toBe("");
  });

  it("masks what the pull-request body would quote: commit subjects and finding messages", async () => {
    await repo.write({ "environments/prod/telemetry.yaml": `${files["environments/prod/telemetry.yaml"] as string}\n` });
    const leaky = await repo.commit("debug: call the API with Authorization: Bearer ghp_s3cr3tT0ken42");
    const result = await plan({ revision: leaky });
    expect(result.candidate.subject).toBe("debug: call the API with Authorization: Bearer ***");
    expect(result.commits[0]?.subject).toBe("debug: call the API with Authorization: Bearer ***");
    expect(formatPromotionBody(result)).not.toContain("ghp_s3cr3tT0ken42");
  });

  it("takes --revision as the candidate", async () => {
    const result = await plan({ revision: pinning });
    expect(result.candidate).toMatchObject({ commit: pinning, selectedBy: `--revision ${pinning}` });
    expect(result.commits.map((c) => c.commit)).toEqual([pinning]);
    expect(result.diff?.environments).toEqual([]);
  });

  it("refuses a candidate that breaks prod's lint, and writes nothing", async () => {
    await repo.write({
      "environments/prod/routing.yaml": `${files["environments/prod/routing.yaml"] as string}- op: replace\n  path: /spec/http/0/route/1/destination/subset\n  value: canary-v2\n`,
    });
    await repo.commit("prod: route the canary to a subset that does not exist");
    const result = await plan();
    const checks = result.gates.find((g) => g.id === "checks");
    expect(checks?.status).toBe("fail");
    expect(checks?.reason).toMatch(/^validate \+ lint \+ AppProject: \d+ errors, \d+ warnings? in \d+ objects: \[/);
    // The three VirtualServices that routing.yaml patches now route to a subset no DestinationRule has.
    expect(result.findings.filter((f) => f.ruleId === "virtual-service-subset-not-found" && f.severity === "error").map((f) => f.resource?.name)).toEqual([
      "vapora-backend",
      "vapora-ingress",
      "vapora-llm-router",
    ]);
    expect(result.refusals).toEqual([expect.stringMatching(/^checks on prod at the candidate: fail, validate \+ lint \+ AppProject: \d+ errors/)]);

    const body = path.join(scratch, "pr-body.md");
    const refused = applyPromotion(result, { repoRoot: repo.root, prBodyFile: body });
    await expect(refused).rejects.toThrow(UserError);
    await expect(refused).rejects.toThrow(/^refusing to promote staging to prod \([0-9a-f]{12}\); nothing was written:\n {2}- checks on prod/);
    expect(await readFile(path.join(repo.root, PROD_APP), "utf8")).toBe(prodBefore);
    expect(await readdir(scratch)).toEqual([]);
    expect(await gitStatus()).toBe("");
  });

  it("refuses a candidate that renders a kind prod's AppProject does not permit (Argo CD would refuse the sync)", async () => {
    const project = "argocd/projects/mesh-policy.yaml";
    await repo.write({ [project]: (files[project] as string).replace("    - group: networking.istio.io\n      kind: EnvoyFilter\n", "") });
    await repo.commit("project: no EnvoyFilter");
    const result = await plan();
    expect(result.gates.find((g) => g.id === "checks")).toMatchObject({
      status: "fail",
      reason: expect.stringMatching(/^validate \+ lint \+ AppProject: 1 error, .*\[argocd-project-permits\] argocd\/projects\/mesh-policy\.yaml:\d+: AppProject mesh-policy does not permit networking\.istio\.io\/EnvoyFilter/),
    });
  });

  it("refuses a rollback (a pin newer than the candidate) unless --allow-rollback", async () => {
    await repo.write({ [PROD_APP]: prodBefore.replace(pin, head) });
    await repo.commit("pin prod to head");
    const rollback = await plan({ revision: pinning });
    expect(rollback.direction).toBe("rollback");
    expect(rollback.commits).toEqual([]);
    expect(rollback.rolledBack.map((c) => c.commit)).toEqual([head]);
    expect(rollback.gates.find((g) => g.id === "ancestry")).toMatchObject({
      status: "fail",
      reason: `${pinning.slice(0, 12)} is an ancestor of the pin ${head.slice(0, 12)}: prod would go back 1 commit; pass --allow-rollback if that is intended (or revert the promotion pull request)`,
    });
    await expect(applyPromotion(rollback, { repoRoot: repo.root })).rejects.toThrow(/the candidate descends from the current pin: fail/);

    const allowed = await plan({ revision: pinning, allowRollback: true });
    expect(allowed.gates.find((g) => g.id === "ancestry")).toMatchObject({ status: "pass", reason: expect.stringMatching(/allowed by --allow-rollback$/) });
    expect(allowed.refusals).toEqual([]);
  });

  it("refuses a candidate that has not soaked, or outside the sync window, unless those gates are forced", async () => {
    const early = await plan({ now: new Date("2024-01-01T02:00:00Z") }); // Monday 02:00: 2 h on main, window closed
    expect(early.gates.find((g) => g.id === "soak")).toMatchObject({
      status: "fail",
      reason: "reached main 2.0 h ago (2024-01-01 00:00 UTC), less than 24 h: promote after 2024-01-02 00:00 UTC",
    });
    expect(early.gates.find((g) => g.id === "window")).toMatchObject({ status: "fail", reason: expect.stringMatching(/^outside the allow window "0 9 \* \* 1-5" for 8h \(UTC, argocd\/projects\/mesh-policy\.yaml:\d+\)/) });
    expect(early.refusals).toHaveLength(2);
    expect(early.refusals[0]).toMatch(/\(override with --force-gates soak\)$/);

    const forced = await plan({ now: new Date("2024-01-01T02:00:00Z"), forceGates: ["soak", "window"] });
    expect(forced.gates.filter((g) => g.forced === true).map((g) => g.id)).toEqual(["soak", "window"]);
    expect(forced.refusals).toEqual([]);
    expect(formatPromotionBody(forced)).toContain("> **Forced gates:** soak and window did not pass; `--force-gates` overrode them.");
    const soakOnly = await plan({ now: new Date("2024-01-01T02:00:00Z"), forceGates: ["soak"] });
    expect(formatPromotionBody(soakOnly)).not.toContain("Forced gates:** window");
    await expect(plan({ forceGates: ["checks"] })).rejects.toThrow(/"checks" cannot be forced/);
  });

  it("refuses a candidate that is not on main, whatever gates are forced or rollbacks allowed", async () => {
    await repo.git("checkout", "--quiet", "-b", "experiment");
    await repo.write({ "environments/prod/telemetry.yaml": `${files["environments/prod/telemetry.yaml"] as string}\n` });
    const side = await repo.commit("an experiment");
    await repo.git("checkout", "--quiet", "main");
    const forced = plan({ revision: side, forceGates: ["soak", "window"], allowRollback: true });
    await expect(forced).rejects.toBeInstanceOf(UserError);
    await expect(forced).rejects.toThrow(`${side.slice(0, 12)} (--revision ${side}) is not on main: only commits merged to main can be promoted, whatever gates are forced`);
  });

  it("reports nothing to promote when prod already runs the candidate", async () => {
    const result = await plan({ revision: pin });
    expect(result.direction).toBe("unchanged");
    await expect(applyPromotion(result, { repoRoot: repo.root })).rejects.toThrow(/^nothing to promote: prod already runs/);
  });
});

describe("applyPromotion", () => {
  it("changes only the pin in the Application file, byte for byte, and writes the pull-request body", async () => {
    const result = await plan();
    const body = path.join(scratch, "pr-body.md");
    const applied = await applyPromotion(result, { repoRoot: repo.root, prBodyFile: body });
    expect(applied).toEqual({ file: PROD_APP, prBodyFile: body });
    const after = await readFile(path.join(repo.root, PROD_APP), "utf8");
    expect(after).toBe(prodBefore.replace(pin, head));
    expect(after.split("\n").filter((line, index) => line !== prodBefore.split("\n")[index])).toEqual([`    targetRevision: ${head}`]);
    expect(after).toContain("    # Pinned to a commit, not a branch: prod changes only through the promotion pull");
    expect(await repo.git("diff", "--numstat")).toBe(`1\t1\t${PROD_APP}`);

    const markdown = await readFile(body, "utf8");
    expect(markdown.startsWith(`${PROMOTION_MARKER}\n## Promote staging to prod: ${head.slice(0, 12)}\n`)).toBe(true);
    expect(markdown).toContain("| gate | result | detail |");
    expect(markdown).toContain("| checks on prod at the candidate | ✅ pass | validate + lint + AppProject: 0 errors");
    expect(markdown).toContain(`- \`${head.slice(0, 12)}\` prod: 10% canary`);
    expect(markdown).toContain("<!-- mesh-policy-diff -->");
    expect(markdown).toMatch(/\| prod \| 0 \| 3 \| 0 \| (none|\d+ warnings?) \|/);
    expect(markdown.length).toBeLessThan(65_536);
  });

  it("refuses when the file no longer holds the pin the plan was made from", async () => {
    const result = await plan();
    await repo.write({ [PROD_APP]: prodBefore.replace(pin, pinning) });
    await expect(applyPromotion(result, { repoRoot: repo.root })).rejects.toThrow(/the file changed since the plan was made; plan again/);
  });
});

describe("mesh-policy promote (the command, in a throw-away repository)", () => {
  const context = (args: string[], flags: Partial<CommonOptions>): CommandContext => ({
    repoRoot: repo.root,
    cwd: repo.root,
    options: { ...parseCommonOptions(args), forceGates: [], allowRollback: false, dryRun: false, ...flags } as CommandContext["options"],
  });

  it("--dry-run prints the plan and changes nothing in the repository; --pr-body previews the body (git status stays clean)", async () => {
    const output = path.join(scratch, "plan.txt");
    const code = await runPromoteCommand(context(["staging", "prod", "--output", output], { dryRun: true, prBody: path.join(scratch, "body.md"), forceGates: ["soak", "window"] }));
    expect(code).toBe(0);
    expect(await gitStatus()).toBe("");
    expect(await readdir(scratch)).toEqual(["body.md", "plan.txt"]);
    const body = await readFile(path.join(scratch, "body.md"), "utf8");
    expect(body.split("\n")[0]).toBe("<!-- mesh-policy-promote -->");
    expect(body).toContain(head.slice(0, 12));
    await rm(path.join(scratch, "body.md"));
    const text = await readFile(output, "utf8");
    expect(text.split("\n")[0]).toBe(`mesh-policy promote: Promote staging to prod: ${head.slice(0, 12)}`);
    expect(text).toContain(`  ${PROD_APP}:`);
    expect(text.trimEnd().split("\n").at(-1)).toMatch(/^promotable: every gate passed/);
  });

  it("--dry-run --pr-body - prints the body's preview on stdout (the plan goes to --output); without --output it is a usage error", async () => {
    const output = path.join(scratch, "plan.txt");
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      expect(await runPromoteCommand(context(["staging", "prod", "--output", output], { dryRun: true, prBody: "-", forceGates: ["soak", "window"] }))).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(written.join("").split("\n")[0]).toBe("<!-- mesh-policy-promote -->");
    expect(await readdir(scratch)).toEqual(["plan.txt"]);
    expect(await gitStatus()).toBe("");
    await expect(runPromoteCommand(context(["staging", "prod"], { dryRun: true, prBody: "-" }))).rejects.toThrow(/--pr-body - prints the pull-request body on stdout, where the plan goes too/);
  });

  it("exits 1 when a gate refuses the promotion, with --dry-run or not, and writes nothing", async () => {
    await repo.write({ [PROD_APP]: prodBefore.replace(pin, head) });
    await repo.commit("pin prod to head");
    const flags = { revision: pinning, forceGates: ["soak", "window"] };
    expect(await runPromoteCommand(context(["staging", "prod", "--output", path.join(scratch, "plan.txt")], { ...flags, dryRun: true }))).toBe(1);
    expect(await runPromoteCommand(context(["staging", "prod", "--output", path.join(scratch, "plan.txt")], { ...flags, prBody: "pr-body.md" }))).toBe(1);
    expect(await gitStatus()).toBe("");
  });

  it("writes the one-line change and the pull-request body, and prints the plan as JSON", async () => {
    const output = path.join(scratch, "plan.json");
    const code = await runPromoteCommand(
      context(["staging", "prod", "--format", "json", "--output", output], { prBody: path.join(scratch, "body.md"), forceGates: ["soak,window"] }),
    );
    expect(code).toBe(0);
    const json = JSON.parse(await readFile(output, "utf8")) as { version: number; candidate: { commit: string }; gates: unknown[] };
    expect(json.version).toBe(1);
    expect(json.candidate.commit).toBe(head);
    expect(await gitStatus()).toBe(` M ${PROD_APP}\n`.trimEnd());
    expect((await readFile(path.join(scratch, "body.md"), "utf8")).startsWith(PROMOTION_MARKER)).toBe(true);
  });

  it("rejects a gate that cannot be forced and a bad soak time", async () => {
    await expect(runPromoteCommand(context(["staging", "prod"], { forceGates: ["checks"] }))).rejects.toThrow(/"checks" is not one of them/);
    await expect(runPromoteCommand(context(["staging", "prod"], { minSoakHours: "a day" }))).rejects.toThrow(/--min-soak-hours a day is not a number/);
    await expect(runPromoteCommand(context(["staging"], {}))).rejects.toThrow(/^usage: mesh-policy promote FROM TO/);
  });
});

describe("formatPromotionText", () => {
  it("ends with the verdict", async () => {
    const result = await plan({ revision: pin });
    expect(formatPromotionText(result).trimEnd().split("\n").at(-1)).toBe(`nothing to promote: prod already runs ${pin.slice(0, 12)}`);
  });
});
