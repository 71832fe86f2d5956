import { compareStrings } from "../util/compare-strings.js";
import { scopeOf, type Finding } from "../model/finding.js";
import type { RunResult } from "../pipeline/run-checks.js";
import { summaryLine } from "./format-text.js";

/**
 * JUnit XML for CI systems' test views (GitLab, Jenkins, Azure DevOps, CircleCI): one test suite
 * per environment (or group of environments a finding shares, or `files`), one test case per
 * finding, named after its rule and file:line. An error is a `<failure>`; a warning or an info is
 * a passing case whose `<system-out>` says it (JUnit has no severities, and a CI system fails the
 * build on any failure). A `summary` suite holds one passing case, so that a clean run shows as
 * passed rather than empty. No timestamps or durations: the output is deterministic.
 */
export function formatJunit(result: RunResult): string {
  const suites = new Map<string, Finding[]>();
  for (const finding of result.findings) {
    const scope = scopeOf(finding) ?? "files";
    suites.set(scope, [...(suites.get(scope) ?? []), finding]);
  }
  const errors = result.findings.filter((f) => f.severity === "error").length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mesh-policy" tests="${result.findings.length + 1}" failures="${errors}" errors="0">`,
  ];
  for (const [scope, findings] of [...suites].sort(([a], [b]) => compareStrings(a, b))) {
    const failures = findings.filter((f) => f.severity === "error").length;
    lines.push(`  <testsuite name="${xml(scope)}" tests="${findings.length}" failures="${failures}" errors="0" skipped="0">`);
    for (const finding of findings) lines.push(...testCase(finding));
    lines.push("  </testsuite>");
  }
  lines.push(
    '  <testsuite name="summary" tests="1" failures="0" errors="0" skipped="0">',
    `    <testcase classname="mesh-policy" name="${xml(summaryLine(result.summary))}"/>`,
    "  </testsuite>",
    "</testsuites>",
  );
  return `${lines.join("\n")}\n`;
}

function testCase(finding: Finding): string[] {
  const where = finding.location === undefined ? "" : ` ${finding.location.file}:${finding.location.line}`;
  const rule = finding.code === undefined ? finding.ruleId : `${finding.code} ${finding.ruleId}`;
  const subject = finding.resource === undefined ? "" : ` (${finding.resource.kind} ${finding.resource.namespace === undefined ? "" : `${finding.resource.namespace}/`}${finding.resource.name})`;
  const name = `${rule}${where}${subject}`;
  const classname = finding.location?.file ?? "mesh-policy";
  const text = `${finding.location === undefined ? "" : `${finding.location.file}:${finding.location.line}: `}${finding.severity} [${rule}] ${finding.message}`;
  const open = `    <testcase classname="${xml(classname)}" name="${xml(name)}">`;
  if (finding.severity === "error") {
    return [open, `      <failure type="${xml(finding.ruleId)}" message="${xml(firstLine(finding.message))}">${xml(text)}</failure>`, "    </testcase>"];
  }
  return [open, `      <system-out>${xml(text)}</system-out>`, "    </testcase>"];
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? "";
}

/** XML 1.0 text and attribute values: the five entities, newlines in attributes, no control characters. */
function xml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;")
    .replaceAll("\n", "&#10;");
}
