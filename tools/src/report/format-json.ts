import { environmentsOf } from "../model/finding.js";
import type { RunResult } from "../pipeline/run-checks.js";

export const REPORT_VERSION = 1;

/**
 * The stable, versioned JSON report of DESIGN.md; key order is fixed so output is deterministic.
 * A finding names its environments in `environments` (every environment it concerns; one
 * finding for a mistake in a file several environments share), and in `environment` as well when
 * there is exactly one.
 */
export function formatJson(result: RunResult): string {
  const findings = result.findings.map((f) => ({
    ruleId: f.ruleId,
    ...(f.code === undefined ? {} : { code: f.code }),
    severity: f.severity,
    message: f.message,
    ...(f.environment === undefined ? {} : { environment: f.environment }),
    ...(environmentsOf(f).length === 0 ? {} : { environments: environmentsOf(f) }),
    ...(f.resource === undefined
      ? {}
      : {
          resource: {
            apiVersion: f.resource.apiVersion,
            kind: f.resource.kind,
            ...(f.resource.namespace === undefined ? {} : { namespace: f.resource.namespace }),
            name: f.resource.name,
          },
        }),
    ...(f.location === undefined
      ? {}
      : {
          location: {
            file: f.location.file,
            line: f.location.line,
            ...(f.location.pointer === undefined ? {} : { pointer: f.location.pointer }),
          },
        }),
  }));
  const { environments, resources, errors, warnings, infos, suppressed } = result.summary;
  return `${JSON.stringify(
    { version: REPORT_VERSION, findings, summary: { environments, resources, errors, warnings, infos, suppressed } },
    null,
    2,
  )}\n`;
}
