import type { Finding, Severity } from "../model/finding.js";
import type { RunResult } from "../pipeline/run-checks.js";
import type { CheckDescriptor } from "../pipeline/check-catalog.js";
import { openableFile } from "./source-file.js";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", info: "note" };

/** SARIF wants an absolute URI; the docs are files of this repository. */
export type HelpUri = (docs: string) => string;

/** SARIF 2.1.0 for GitHub code scanning: one rule entry per check, results with file and line. */
export function formatSarif(result: RunResult, checks: readonly CheckDescriptor[], toolVersion: string, helpUri: HelpUri): string {
  const ruleIndex = new Map(checks.map((check, index) => [check.id, index]));
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "mesh-policy",
            version: toolVersion,
            rules: checks.map((check) => ({
              id: check.id,
              name: check.id,
              shortDescription: { text: check.summary },
              helpUri: helpUri(check.docs),
              defaultConfiguration: { level: LEVEL[check.severity] },
              ...(check.code === undefined ? {} : { properties: { istioAnalyzeCode: check.code } }),
            })),
          },
        },
        originalUriBaseIds: { "%SRCROOT%": { description: { text: "the repository root" } } },
        results: result.findings.map((finding) => resultOf(finding, ruleIndex.get(finding.ruleId))),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function resultOf(finding: Finding, ruleIndex: number | undefined) {
  const where = finding.location === undefined ? undefined : openableFile(finding.location);
  const subject = finding.resource === undefined ? "" : `${finding.resource.kind} ${finding.resource.name}${finding.resource.namespace === undefined ? "" : `.${finding.resource.namespace}`}: `;
  const scope = finding.environment === undefined ? "" : `[${finding.environment}] `;
  return {
    ruleId: finding.ruleId,
    ...(ruleIndex === undefined ? {} : { ruleIndex }),
    level: LEVEL[finding.severity],
    message: { text: `${scope}${subject}${finding.message}` },
    ...(where === undefined
      ? {}
      : {
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: where.file, uriBaseId: "%SRCROOT%" }, region: { startLine: where.line } },
            },
          ],
        }),
    // Several environments may report the same source line: keep their results apart.
    partialFingerprints: { environment: finding.environment ?? "", pointer: finding.location?.pointer ?? "" },
    ...(finding.code === undefined ? {} : { properties: { istioAnalyzeCode: finding.code } }),
  };
}
