import { compareStrings } from "../util/compare-strings.js";

export const SEVERITIES = ["error", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export interface SourceLocation {
  /** Repository-relative (or as given on the command line) path, forward slashes. */
  file: string;
  line: number;
  /** JSON pointer of the offending field inside the object, when there is one. */
  pointer?: string;
}

export interface ResourceRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface Finding {
  ruleId: string;
  /** The `istioctl analyze` message code, only where that analyzer runs the same check. */
  code?: string;
  severity: Severity;
  message: string;
  /** The one environment the finding concerns. */
  environment?: string;
  /**
   * The environments a finding concerns when it is the same in several of them (a mistake in a
   * file they share): two or more, sorted; `environment` is then absent.
   */
  environments?: string[];
  resource?: ResourceRef;
  location?: SourceLocation;
}

/** Every environment a finding concerns: none for files given on the command line. */
export function environmentsOf(finding: Finding): string[] {
  return finding.environments ?? (finding.environment === undefined ? [] : [finding.environment]);
}

/** `prod`, or `dev, prod, staging` for a finding several environments share; undefined for files. */
export function scopeOf(finding: Finding): string | undefined {
  const environments = environmentsOf(finding);
  return environments.length === 0 ? undefined : environments.join(", ");
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareStrings(scopeOf(a) ?? "", scopeOf(b) ?? "") ||
    compareStrings(a.location?.file ?? "", b.location?.file ?? "") ||
    (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
    compareStrings(a.ruleId, b.ruleId) ||
    compareStrings(a.message, b.message)
  );
}
