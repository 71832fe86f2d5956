import type { SarifContext } from "../report/format-run-result.js";
import { packageVersion, repositoryFileUrl } from "../util/package-config.js";

/** What SARIF needs beyond the findings: every check (which imports every stage), this tool's version, where rule help lives. */
export async function sarifContext(): Promise<SarifContext> {
  const { allChecks } = await import("../pipeline/check-catalog.js");
  return { checks: allChecks(), toolVersion: packageVersion(), helpUri: repositoryFileUrl };
}
