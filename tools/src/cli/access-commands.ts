import { readFile } from "node:fs/promises";
import path from "node:path";
import { computeAccessMatrix, formatAccessMatrixText } from "../access/access-matrix.js";
import { explainRequest, formatExplanationJson, formatExplanationText } from "../access/explain.js";
import { formatGraphHtml, formatGraphJson, formatGraphMermaid } from "../access/graph.js";
import { UserError } from "../model/errors.js";
import type { Resource } from "../model/resource.js";
import { resolveEnvironments } from "../render/environments.js";
import { renderEnvironment } from "../render/render-environment.js";
import type { CommandContext } from "./commands.js";
import { EXPLAIN_FORMATS, GRAPH_FORMATS } from "./command-table.js";
import { EXIT } from "./exit-codes.js";
import { requireFormat } from "./options.js";
import { writeReport } from "./write-report.js";
import { useColor } from "./terminal.js";
import { runGit } from "../util/git.js";

/** `explain --env ENV --from SOURCE --to SERVICE:PORT [--method M] [--path P] [--header k=v]... [--jwt-claims FILE]` */
export async function runExplainCommand(context: CommandContext): Promise<number> {
  const { options } = context;
  const format = requireFormat(options.format, EXPLAIN_FORMATS, "explain");
  if (options.from === undefined || options.to === undefined) {
    throw new UserError("usage: mesh-policy explain --env ENV --from SOURCE --to SERVICE:PORT [--method M] [--path P] [--header k=v]... [--jwt-claims FILE]");
  }
  const { environment, resources } = await renderOne(context);
  const explanation = explainRequest(
    resources,
    {
      from: options.from,
      to: options.to,
      ...(options.method === undefined ? {} : { method: options.method }),
      ...(options.path === undefined ? {} : { path: options.path }),
      ...(options.headers.length === 0 ? {} : { headers: parseHeaders(options.headers) }),
      ...(options.jwtClaims === undefined ? {} : { jwtClaims: await readClaims(path.resolve(context.cwd, options.jwtClaims)) }),
    },
    { environment },
  );
  await writeReport(
    format === "json" ? formatExplanationJson(explanation) : formatExplanationText(explanation, { color: useColor(options.output) }),
    options.output,
    context.cwd,
  );
  return EXIT.clean;
}

/** `graph --env ENV [--format mermaid|json|html|text]`: who can reach whom, for a comment, a tool, a browser or a terminal. */
export async function runGraphCommand(context: CommandContext): Promise<number> {
  const format = requireFormat(context.options.format, GRAPH_FORMATS, "graph");
  const { environment, resources } = await renderOne(context);
  const matrix = computeAccessMatrix(resources, { environment });
  const formats: Record<typeof format, () => Promise<string> | string> = {
    mermaid: () => formatGraphMermaid(matrix),
    json: () => formatGraphJson(matrix),
    html: async () => formatGraphHtml(matrix, { title: `Who can reach whom: ${environment}`, revision: await workingRevision(context.repoRoot) }),
    text: () => formatAccessMatrixText(matrix, { color: useColor(context.options.output) }),
  };
  await writeReport(await formats[format](), context.options.output, context.cwd);
  return EXIT.clean;
}

/** The commit the working tree is at, and whether the policy in it differs from that commit. */
async function workingRevision(repoRoot: string): Promise<string> {
  const head = await runGit(repoRoot, ["rev-parse", "--short=12", "HEAD"]);
  if (head.exitCode !== 0) return "a working tree that is not a git repository";
  const status = await runGit(repoRoot, ["status", "--porcelain", "--", "base", "overlays", "environments"]);
  return status.stdout.trim() === "" ? head.stdout.trim() : `${head.stdout.trim()} + uncommitted changes`;
}

async function renderOne(context: CommandContext): Promise<{ environment: string; resources: Resource[] }> {
  const requested = [...context.options.environments, ...context.options.positionals];
  if (requested.length !== 1) throw new UserError("name one environment with --env ENV");
  const [environment] = await resolveEnvironments(context.repoRoot, requested);
  if (environment === undefined) throw new UserError("name one environment with --env ENV");
  const rendered = await renderEnvironment(context.repoRoot, environment, context.options.cache ? {} : { cacheDir: false });
  return { environment, resources: rendered.resources };
}

function parseHeaders(pairs: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf("=");
    if (equals <= 0) throw new UserError(`--header ${pair}: write it as name=value`);
    headers[pair.slice(0, equals).toLowerCase()] = pair.slice(equals + 1);
  }
  return headers;
}

async function readClaims(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UserError(`--jwt-claims ${file}: ${(error as Error).message}`);
  }
  try {
    const claims = JSON.parse(text) as unknown;
    if (typeof claims === "object" && claims !== null && !Array.isArray(claims)) return claims as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new UserError(`--jwt-claims ${file}: expected a JSON object of claims such as {"iss": "https://auth.example.com", "sub": "user-1"}`);
}
