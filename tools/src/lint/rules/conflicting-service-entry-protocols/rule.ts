import { isJsonObject } from "../../../model/resource.js";
import type { Resource } from "../../../model/resource.js";
import { arrayAt, objectAt } from "../../../mesh/fields.js";
import { namespaceOf } from "../../../mesh/hosts.js";
import type { LintRule, RuleReport } from "../../rule.js";

const rule: LintRule = {
  id: "conflicting-service-entry-protocols",
  code: "IST0177",
  severity: "warning",
  summary: "ServiceEntries that define the same host and port, visible in the same namespaces, agree on its protocol",
  appliesTo: ["ServiceEntry"],
  reads: ["ServiceEntry"],
  *check(index) {
    // As istioctl's ConflictingServiceEntryProtocolAnalyzer: by visibility scope ("*", or a namespace), host as
    // written, and port; entries exported to every namespace also count in every namespace scope.
    const byKey = new Map<string, { scope: string; host: string; port: number; entries: Array<{ protocol: string; entry: Resource }> }>();
    for (const entry of index.istio("ServiceEntry")) {
      const spec = objectAt(entry.object, "spec");
      const hosts = arrayAt(spec, "hosts").filter((h): h is string => typeof h === "string");
      const ports = arrayAt(spec, "ports").filter(isJsonObject);
      for (const scope of scopesOf(arrayAt(spec, "exportTo"), namespaceOf(entry))) {
        for (const host of hosts) {
          for (const port of ports) {
            const number = typeof port["number"] === "number" ? port["number"] : 0;
            const key = `${scope}\u0000${host}\u0000${number}`;
            const group = byKey.get(key) ?? { scope, host, port: number, entries: [] };
            group.entries.push({ protocol: typeof port["protocol"] === "string" ? port["protocol"].toUpperCase() : "", entry });
            byKey.set(key, group);
          }
        }
      }
    }
    const reported = new Set<Resource>();
    const reports: RuleReport[] = [];
    for (const key of [...byKey.keys()].sort()) {
      const group = byKey.get(key);
      if (group === undefined) continue;
      const entries = group.scope === "*" ? group.entries : [...group.entries, ...(byKey.get(`*\u0000${group.host}\u0000${group.port}`)?.entries ?? [])];
      const protocols = [...new Set(entries.map((e) => e.protocol))].sort();
      if (protocols.length < 2) continue;
      const names = [...new Set(entries.map(({ entry }) => `${namespaceOf(entry)}/${entry.name}`))].sort();
      for (const { entry } of entries) {
        if (reported.has(entry)) continue;
        reported.add(entry);
        reports.push({
          resource: entry,
          pointer: "/spec/ports",
          message:
            `host ${group.host} port ${group.port} is defined by ${names.join(", ")} with different protocols ` +
            `(${protocols.map((p) => p || "none").join(", ")}): a sidecar that sees several uses one service for the host, so ` +
            `traffic meant for the other protocol is handled as the wrong one. Give the port the same protocol in every ` +
            `ServiceEntry, or keep one ServiceEntry for the host`,
        });
      }
    }
    yield* reports;
  },
};

export default rule;

/** Where a ServiceEntry's hosts are visible: `*` (every namespace: no exportTo, or `*` among it), else the namespaces named. */
function scopesOf(exportTo: readonly unknown[], namespace: string): string[] {
  const values = exportTo.filter((e): e is string => typeof e === "string");
  if (values.length === 0 || values.includes("*")) return ["*"];
  return [...new Set(values.map((e) => (e === "." ? namespace : e)))];
}
