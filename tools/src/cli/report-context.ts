import { allChecks } from "../pipeline/check-catalog.js";
import { packageVersion, repositoryFileUrl } from "../util/package-config.js";

/** What SARIF needs beyond the findings: every check, this tool's version, where rule help lives. */
export function sarifContext() {
  return { checks: allChecks(), toolVersion: packageVersion(), helpUri: repositoryFileUrl };
}
