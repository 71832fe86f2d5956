import { CATALOG_FILE } from "../generate/catalog.js";
import { compareWithTree, driftFindings, generate, generateInMemory, type Drift } from "../generate/generate.js";
import { UserError } from "../model/errors.js";
import type { RunResult } from "../pipeline/run-checks.js";
import { formatRunResult, REPORT_FORMATS } from "../report/format-run-result.js";
import type { CommandContext } from "./commands.js";
import { EXIT } from "./exit-codes.js";
import { exitCodeFor } from "./findings-exit-code.js";
import type { CommonOptions } from "./option-table.js";
import { requireFormat } from "./options.js";
import { configuredResult, repositoryConfig } from "./repository-config.js";
import { useColor } from "./terminal.js";
import { sarifContext } from "./report-context.js";
import { painter, SEVERITY_COLOUR } from "../report/paint.js";
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
  if (!options.quiet) {
    lines.push(
      `generate: ${total} files from ${CATALOG_FILE}: ${result.written.length} written, ${result.removed.length} removed, ${result.unchanged.length} unchanged`,
    );
  }
  await writeReport(lines.length === 0 ? "" : `${lines.join("\n")}\n`, options.output, context.cwd);
  return EXIT.clean;
}

async function runGenerateCheck(context: CommandContext): Promise<number> {
  const { options, repoRoot } = context;
  const { files } = await generateInMemory(repoRoot);
  const { drift } = await compareWithTree(repoRoot, files);
  const findings = driftFindings(drift);
  const result = configuredResult(
    { findings, summary: { environments: 0, resources: files.length, errors: findings.length, warnings: 0, infos: 0, suppressed: 0 } },
    await repositoryConfig(repoRoot),
  );
  const text = await formatCheck(options, result, drift, files.length);
  await writeReport(text, options.output, context.cwd);
  return exitCodeFor(result.findings, options.failOn);
}

async function formatCheck(options: CommonOptions, result: RunResult, drift: readonly Drift[], fileCount: number): Promise<string> {
  const reportFormat = requireFormat(options.format, REPORT_FORMATS, "generate --check");
  if (reportFormat !== "text") return formatRunResult(result, reportFormat, sarifContext);
  const paint = painter(useColor(options.output));
  const lines = result.findings.map((f) => `${f.location?.file ?? ""}:1: ${paint(SEVERITY_COLOUR[f.severity] ?? "bold", f.severity)} [${f.ruleId}] ${f.message}`);
  if (options.quiet) return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
  return formatCheckText(drift, lines, fileCount);
}

function formatCheckText(drift: readonly Drift[], lines: readonly string[], fileCount: number): string {
  const count = (kind: Drift["kind"]) => drift.filter((d) => d.kind === kind).length;
  const summary =
    drift.length === 0
      ? `generate --check: the ${fileCount} files ${CATALOG_FILE} generates are up to date`
      : `generate --check: ${fileCount} generated files: ${count("stale")} stale, ${count("missing")} missing, ${count("extra")} extra; run \`npx mesh-policy generate\``;
  return `${[...lines, summary].join("\n")}\n`;
}
