import { createHash } from "node:crypto";
import { environmentsOf, scopeOf, type Finding, type Severity } from "../model/finding.js";
import type { RunResult } from "../pipeline/run-checks.js";
import type { CheckDescriptor } from "../pipeline/check-catalog.js";
import { openableFile } from "./source-file.js";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", info: "note" };

/** SARIF wants an absolute URI; the docs are files of this repository. */
export type HelpUri = (docs: string) => string;

/** The partialFingerprints key; bumped if what it hashes changes. */
export const FINGERPRINT_KEY = "meshPolicyFinding/v1";

/**
 * SARIF 2.1.0 for GitHub code scanning: one rule entry per check, one result per finding (a
 * finding several environments share is one result that names them), with file and line.
 */
export function formatSarif(result: RunResult, checks: readonly CheckDescriptor[], toolVersion: string, helpUri: HelpUri): string {
  const ruleIndex = new Map(checks.map((check, index) => [check.id, index]));
  const fingerprints = fingerprintsOf(result.findings);
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
        results: result.findings.map((finding, index) => resultOf(finding, ruleIndex.get(finding.ruleId), fingerprints[index] as string)),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function resultOf(finding: Finding, ruleIndex: number | undefined, fingerprint: string) {
  const where = finding.location === undefined ? undefined : openableFile(finding.location);
  const subject = finding.resource === undefined ? "" : `${finding.resource.kind} ${finding.resource.name}${finding.resource.namespace === undefined ? "" : `.${finding.resource.namespace}`}: `;
  const scope = scopeOf(finding);
  const environments = environmentsOf(finding);
  const properties = {
    ...(finding.code === undefined ? {} : { istioAnalyzeCode: finding.code }),
    ...(environments.length === 0 ? {} : { environments }),
  };
  return {
    ruleId: finding.ruleId,
    ...(ruleIndex === undefined ? {} : { ruleIndex }),
    level: LEVEL[finding.severity],
    message: { text: `${scope === undefined ? "" : `[${scope}] `}${subject}${finding.message}` },
    ...(where === undefined
      ? {}
      : {
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: where.file, uriBaseId: "%SRCROOT%" }, region: { startLine: where.line } },
            },
          ],
        }),
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint },
    ...(Object.keys(properties).length === 0 ? {} : { properties }),
  };
}

/**
 * What code scanning tracks an alert by across runs: the check, the object, the field and the
 * file; not the line (it moves when lines are added above) nor the message (it may quote values).
 * Findings those four do not tell apart (one check reporting twice on one field, or a finding
 * whose message differs per environment) are told apart by their environments and message, so
 * every result of a run has its own fingerprint.
 */
function fingerprintsOf(findings: readonly Finding[]): string[] {
  const stable = findings.map((finding) =>
    [
      finding.ruleId,
      finding.resource === undefined ? "" : `${finding.resource.apiVersion}/${finding.resource.kind}/${finding.resource.namespace ?? ""}/${finding.resource.name}`,
      finding.location?.pointer ?? "",
      finding.location?.file ?? "",
    ].join("\0"),
  );
  const counts = new Map<string, number>();
  for (const key of stable) counts.set(key, (counts.get(key) ?? 0) + 1);
  const seen = new Map<string, number>();
  return findings.map((finding, index) => {
    let key = stable[index] as string;
    if ((counts.get(key) ?? 0) > 1) {
      key = `${key}\0${environmentsOf(finding).join(",")}\0${finding.message}`;
      const occurrence = seen.get(key) ?? 0;
      seen.set(key, occurrence + 1);
      if (occurrence > 0) key = `${key}\0${occurrence}`;
    }
    return createHash("sha256").update(key).digest("hex").slice(0, 32);
  });
}
