import { CATALOG_FILE } from "../generate/catalog.js";
import { compareWithTree, driftFindings, generate, generateInMemory, type Drift } from "../generate/generate.js";
import { UserError } from "../model/errors.js";
import type { RunResult } from "../pipeline/run-checks.js";
import { formatRunResult, REPORT_FORMATS } from "../report/format-run-result.js";
import type { CommandContext } from "./commands.js";
import { EXIT, exitCodeFor } from "./exit-codes.js";
import { requireFormat, type CommonOptions } from "./options.js";
import { sarifContext } from "./report-context.js";
import { writeReport } from "./write-report.js";

/**
 * `generate`: the service catalog (base/catalog/catalog.jsonnet) -> the policy YAML in
 * base/<folder>/, written all or nothing. `generate --check`: writes nothing; exit 1 naming every
 * stale, missing or extra generated file. A catalog error (its file:line:col) is exit 2, with
 * nothing written.
 */
export async function runGenerateCommand(context: CommandContext): Promise<number> {
  const { options } = context;
  if (options.positionals.length > 0) throw new UserError("generate takes no arguments: mesh-policy generate [--check]");
  if (options.check) return runGenerateCheck(context);
  if (options.format !== "text") throw new UserError("generate writes files and reports in text; --format applies to generate --check");
  const result = await generate(context.repoRoot);
  const lines = [...result.written.map((file) => `wrote ${file}`), ...result.removed.map((file) => `removed ${file}`)];
  const total = result.written.length + result.unchanged.length;
  lines.push(
    `generate: ${total} files from ${CATALOG_FILE}: ${result.written.length} written, ${result.removed.length} removed, ${result.unchanged.length} unchanged`,
  );
  await writeReport(`${lines.join("\n")}\n`, options.output, context.cwd);
  return EXIT.clean;
}

async function runGenerateCheck(context: CommandContext): Promise<number> {
  const { options, repoRoot } = context;
  const { files } = await generateInMemory(repoRoot);
  const { drift } = await compareWithTree(repoRoot, files);
  const findings = driftFindings(drift);
  const result: RunResult = {
    findings,
    summary: { environments: 0, resources: files.length, errors: findings.length, warnings: 0, infos: 0, suppressed: 0 },
  };
  const text = formatCheck(options.format, result, drift, files.length);
  await writeReport(text, options.output, context.cwd);
  return exitCodeFor(findings, options.failOn);
}

function formatCheck(format: CommonOptions["format"], result: RunResult, drift: readonly Drift[], fileCount: number): string {
  const reportFormat = requireFormat(format, REPORT_FORMATS, "generate --check");
  if (reportFormat !== "text") return formatRunResult(result, reportFormat, sarifContext());
  return formatCheckText(drift, result.findings.map((f) => `${f.location?.file ?? ""}:1: error [${f.ruleId}] ${f.message}`), fileCount);
}

function formatCheckText(drift: readonly Drift[], lines: readonly string[], fileCount: number): string {
  const count = (kind: Drift["kind"]) => drift.filter((d) => d.kind === kind).length;
  const summary =
    drift.length === 0
      ? `generate --check: the ${fileCount} files ${CATALOG_FILE} generates are up to date`
      : `generate --check: ${fileCount} generated files: ${count("stale")} stale, ${count("missing")} missing, ${count("extra")} extra; run \`npx mesh-policy generate\``;
  return `${[...lines, summary].join("\n")}\n`;
}
