import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { parseYamlDocuments, type ParsedDocument } from "../load/yaml-documents.js";
import { COMMAND_NAMES } from "../model/command-names.js";
import type { Finding } from "../model/finding.js";
import { isJsonObject, pointerOf } from "../model/resource.js";

export const WORKFLOW_RULE = "workflow";
export const WORKFLOWS_DIR = ".github/workflows";

const NPM_RUN = /\bnpm run(?:\s+--silent|\s+-s)?\s+([\w:.-]+)/g;
const CLI_CALL = /(?:\bnpm run(?:\s+--silent|\s+-s)?\s+mesh-policy\s+--|\bnpx mesh-policy|node tools\/dist\/cli\/main\.js)\s+([\w-]+)/g;
const PINNED_ACTION = /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/;

/**
 * The pull-request and promotion workflows are part of the pipeline: each must be valid YAML, call
 * only npm scripts and mesh-policy commands that exist, and pin every action to a commit.
 */
export async function checkWorkflows(repoRoot: string): Promise<Finding[]> {
  const dir = path.join(repoRoot, WORKFLOWS_DIR);
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => /\.ya?ml$/.test(f)).sort();
  const scripts = await packageScripts(repoRoot);
  const findings: Finding[] = [];
  for (const name of files) {
    const file = `${WORKFLOWS_DIR}/${name}`;
    const parsed = parseYamlDocuments(await readFile(path.join(dir, name), "utf8"));
    for (const problem of parsed.problems) {
      findings.push({ ruleId: WORKFLOW_RULE, severity: "error", message: `invalid YAML: ${problem.message}`, location: { file, line: problem.line } });
    }
    for (const document of parsed.documents) findings.push(...checkWorkflow(document, file, scripts));
  }
  return findings;
}

function checkWorkflow(document: ParsedDocument, file: string, scripts: ReadonlySet<string>): Finding[] {
  const findings: Finding[] = [];
  const report = (pointer: string, message: string, lineWithin = 0) =>
    findings.push({ ruleId: WORKFLOW_RULE, severity: "error", message, location: { file, line: document.lineOf(pointer).line + lineWithin, pointer } });
  // A multi-line `run: |` starts on the line after the key: point at the command's own line.
  const lineOfMatch = (run: string, index: number | undefined) => (run.includes("\n") ? 1 + run.slice(0, index ?? 0).split("\n").length - 1 : 0);
  const jobs = isJsonObject(document.value) ? document.value["jobs"] : undefined;
  if (!isJsonObject(jobs)) {
    report("", "a workflow needs a `jobs` mapping");
    return findings;
  }
  for (const [jobName, job] of Object.entries(jobs)) {
    const steps = isJsonObject(job) && Array.isArray(job["steps"]) ? job["steps"] : [];
    steps.forEach((step: unknown, index) => {
      if (!isJsonObject(step)) return;
      const run = step["run"];
      if (typeof run === "string") {
        for (const match of run.matchAll(NPM_RUN)) {
          const script = match[1];
          if (script !== undefined && !scripts.has(script)) {
            report(pointerOf("jobs", jobName, "steps", index, "run"), `calls \`npm run ${script}\`, but package.json has no such script`, lineOfMatch(run, match.index));
          }
        }
        for (const match of run.matchAll(CLI_CALL)) {
          const command = match[1];
          if (command !== undefined && !(COMMAND_NAMES as readonly string[]).includes(command)) {
            report(
              pointerOf("jobs", jobName, "steps", index, "run"),
              `calls \`mesh-policy ${command}\`, which is not a mesh-policy command (${COMMAND_NAMES.join(", ")})`,
              lineOfMatch(run, match.index),
            );
          }
        }
      }
      const uses = step["uses"];
      if (typeof uses === "string" && !uses.startsWith("./") && !PINNED_ACTION.test(uses)) {
        report(pointerOf("jobs", jobName, "steps", index, "uses"), `\`${uses}\` is not pinned: use the action's full commit SHA, with the version in a comment`);
      }
    });
  }
  return findings;
}

async function packageScripts(repoRoot: string): Promise<Set<string>> {
  const text = await readFile(path.join(repoRoot, "package.json"), "utf8").catch(() => "{}");
  const scripts = (JSON.parse(text) as { scripts?: Record<string, string> }).scripts ?? {};
  return new Set(Object.keys(scripts));
}
