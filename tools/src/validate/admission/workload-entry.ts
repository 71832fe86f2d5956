import type { Resource } from "../../model/resource.js";
import { probeHeaderNameError } from "./headers.js";
import { checkLabels } from "./selectors.js";
import { arr, FieldPath, has, num, obj, text, type Problems } from "./report.js";
import { checkEndpointCel, checkEndpointWebhook } from "./service-entry.js";

export function checkWorkloadEntry(resource: Resource, problems: Problems): void {
  const spec = obj(resource.object["spec"]);
  if (spec === undefined) return;
  const at = FieldPath.root.field("spec");
  if (!checkEndpointCel(problems, spec, at)) return;
  checkEndpointWebhook(problems, spec, at, undefined, "ip-or-fqdn");
}

export function checkWorkloadGroup(resource: Resource, problems: Problems): void {
  const spec = obj(resource.object["spec"]);
  if (spec === undefined) return;
  const at = FieldPath.root.field("spec");
  const template = obj(spec["template"]);
  if (template === undefined) problems.error(at.field("template"), "template is required");
  else checkEndpointCel(problems, template, at.field("template"), false);
  checkLabels(problems, obj(spec["metadata"])?.["labels"], at.field("metadata").field("labels"));
  const probe = obj(spec["probe"]);
  if (probe === undefined) return;
  const pp = at.field("probe");
  for (const key of ["periodSeconds", "initialDelaySeconds", "timeoutSeconds", "successThreshold", "failureThreshold"]) {
    const v = num(probe[key]);
    if (v !== undefined && v < 0) problems.error(pp.field(key), `${key} must be non-negative`);
  }
  const port = (method: string): void => {
    const m = obj(probe[method]);
    const p = num(m?.["port"]) ?? 0;
    if (m !== undefined && !(p > 0 && p <= 65535)) problems.error(pp.field(method).field("port"), `port must be between 1-65535 (found ${p})`);
  };
  if (has(probe, "httpGet")) {
    port("httpGet");
    const httpGet = obj(probe["httpGet"]);
    const scheme = text(httpGet, "scheme");
    if (scheme !== "" && scheme !== "HTTP" && scheme !== "HTTPS") problems.error(pp.field("httpGet").field("scheme"), `scheme must be one of [HTTP, HTTPS] (found '${scheme}')`);
    arr(httpGet?.["httpHeaders"]).forEach((h, i) => {
      const header = obj(h);
      const hp = pp.field("httpGet").field("httpHeaders").index(i);
      if (header === undefined) problems.error(hp, "invalid nil header");
      else {
        const err = probeHeaderNameError(text(header, "name"));
        if (err !== undefined) problems.error(hp.field("name"), err);
      }
    });
  } else if (has(probe, "tcpSocket")) {
    port("tcpSocket");
  } else if (has(probe, "grpc")) {
    port("grpc");
    // istiod 1.31's validateReadinessProbe has no case for grpc, so its webhook refuses the probe.
    problems.error(pp.field("grpc"), "unknown health check method *v1alpha3.ReadinessProbe_Grpc: istiod's webhook refuses grpc probes; use tcpSocket or httpGet");
  } else if (has(probe, "exec")) {
    if (arr(obj(probe["exec"])?.["command"]).length === 0) problems.error(pp.field("exec").field("command"), "exec.command is required");
  } else {
    problems.error(pp, "unknown health check method: set httpGet, tcpSocket or exec");
  }

}
