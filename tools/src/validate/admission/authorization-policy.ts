import type { JsonObject, Resource } from "../../model/resource.js";
import { SOURCE_FIELDS, isHttpSourceField, type OperationField } from "../../mesh/authorization-policy.js";
import { isCidr, isIpAddress } from "../../mesh/addresses.js";
import { checkMatchLabelsSelector, checkOneSelector, checkTargetRefs } from "./selectors.js";
import { arr, FieldPath, has, nonEmpty, obj, strings, text, type Problems } from "./report.js";

/** Source fields that also work on TCP (everything but request principals). */
const TCP_SOURCE_FIELDS = SOURCE_FIELDS.filter((f) => !isHttpSourceField(f));
/** The operation fields (mesh/authorization-policy OPERATION_FIELDS) in the order this check reports them. */
const OPERATION_FIELDS: readonly OperationField[] = ["ports", "notPorts", "methods", "notMethods", "paths", "notPaths", "hosts", "notHosts"];
/** Source fields CUSTOM rules may not use: the ext_authz check runs before identities are known. */
const CUSTOM_FORBIDDEN_SOURCE = [
  "namespaces",
  "notNamespaces",
  "serviceAccounts",
  "notServiceAccounts",
  "trustDomains",
  "notTrustDomains",
  "principals",
  "notPrincipals",
  "requestPrincipals",
  "notRequestPrincipals",
];
// A literal path segment in a path template (RFC 3986 pchar).
const PATH_LITERAL = /^[a-zA-Z0-9\-._~%!$&'()+,;:@=]+$/;

function ipError(value: string): string | undefined {
  if (value.includes("/")) return isCidr(value) ? undefined : `bad CIDR range (${value}): use an IP address or a CIDR such as 10.0.0.0/16`;
  return isIpAddress(value) ? undefined : `bad IP address (${value})`;
}

function portError(value: string): string | undefined {
  return /^\d+$/.test(value) && Number(value) <= 65535 ? undefined : `bad port (${value}): a port is a number in 0..65535`;
}

/** security.CheckServiceAccount: `sa` or `namespace/sa`, no wildcards, at most 16, at most 320 characters. */
function serviceAccountErrors(values: string[]): string | undefined {
  if (values.length > 16) return "may not have more than 16 values";
  for (const value of values) {
    if (value.includes("*")) return `wildcard not allowed ('${value}')`;
    const slashes = value.split("/").length - 1;
    if (slashes > 1) return `expected format 'serviceAccount' or 'namespace/serviceAccount', found '${value}'`;
    if (value.length > 320) return `value cannot exceed 320 characters, found '${value}'`;
    if (slashes === 1) {
      const [ns = "", sa = ""] = value.split("/");
      if (ns === "") return `expected format 'serviceAccount' or 'namespace/serviceAccount', found empty namespace '${value}'`;
      if (sa === "") return `expected format 'serviceAccount' or 'namespace/serviceAccount', found empty serviceAccount '${value}'`;
    }
  }
  return undefined;
}

/** security.CheckWildcardValues for one value: at most one `*`, and only at the start or the end (or `*` alone). */
function wildcardValueError(value: string): string | undefined {
  const count = value.split("*").length - 1;
  if (count > 1) return `at most one wildcard is allowed ('${value}')`;
  if (count === 1 && value !== "*" && !value.startsWith("*") && !value.endsWith("*")) return `wildcard is only allowed at the start or end ('${value}')`;
  return undefined;
}

/** security.CheckValidPathTemplate: `{*}` one segment, `{**}` the rest (last), nothing else with braces. */
export function pathTemplateError(path: string): string | undefined {
  const isTemplate = path.includes("{*}") || path.includes("{**}");
  let foundAny = false;
  const trimmed = path.replace(/^\/+|\/+$/g, "");
  for (const glob of trimmed.split("/")) {
    if (glob === "{*}" && !foundAny) continue;
    if (glob === "{**}" && !foundAny) {
      foundAny = true;
      continue;
    }
    if ((glob === "{**}" || glob === "{*}") && foundAny) return "invalid or unsupported path template: {**} is not the last operator";
    if (glob.includes("{") || glob.includes("}")) {
      return "invalid or unsupported path template: contains '{' or '}' beyond a supported path template ({*} or {**} as a whole segment)";
    }
    if (isTemplate && !PATH_LITERAL.test(glob)) {
      return `invalid or unsupported path template: contains segment '${glob}' with invalid string literal (no * or empty segments in a template)`;
    }
  }
  return undefined;
}

/** security.ValidateAttribute for one list of `when` values. */
function attributeError(key: string, values: string[]): string | undefined {
  if (values.some((v) => v === "")) return `empty value not allowed, found in ${key}`;
  const mapKey = (): string | undefined => {
    const open = key.indexOf("[");
    return key.endsWith("]") && open > 0 && open < key.length - 2 ? undefined : `bad key (${key}): should have format a[b]`;
  };
  const firstOf = (check: (v: string) => string | undefined): string | undefined => {
    for (const v of values) {
      const err = check(v);
      if (err !== undefined) return err;
    }
    return undefined;
  };
  if (key.startsWith("request.headers")) return mapKey();
  if (key.startsWith("request.auth.claims") || key.startsWith("experimental.envoy.filters.")) return mapKey();
  switch (key) {
    case "source.ip":
    case "remote.ip":
    case "destination.ip":
      return firstOf(ipError);
    case "destination.port":
      return firstOf(portError);
    case "source.serviceAccount":
      return serviceAccountErrors(values);
    case "source.trustDomain":
      return firstOf(wildcardValueError);
    case "source.namespace":
    case "source.principal":
    case "request.auth.principal":
    case "request.auth.audiences":
    case "request.auth.presenter":
    case "connection.sni":
      return undefined;
    case "destination.namespace":
      return `attribute ${key} is replaced by the metadata.namespace`;
    case "destination.name":
    case "destination.user":
      return `deprecated attribute ${key}: only supported in v1alpha1`;
  }
  if (key.startsWith("destination.labels")) return `attribute ${key} is replaced by the workload selector`;
  return `unknown attribute: ${key} (see https://istio.io/latest/docs/reference/config/security/conditions/)`;
}

function checkSource(problems: Problems, source: JsonObject, at: FieldPath, action: string): void {
  const set = (f: string): boolean => nonEmpty(source, f);
  if ((has(source, "serviceAccounts") || has(source, "notServiceAccounts")) && ["principals", "notPrincipals", "namespaces", "notNamespaces"].some((f) => has(source, f))) {
    problems.error(
      at,
      "Cannot set serviceAccounts with namespaces or principals: serviceAccounts cannot be combined with principals or namespaces in one source; put them in separate from entries",
    );
  }
  if (!SOURCE_FIELDS.some(set)) problems.error(at, "`from.source` must not be empty: set principals, namespaces, serviceAccounts, ipBlocks or another field, or remove the from");
  for (const field of ["ipBlocks", "notIpBlocks", "remoteIpBlocks", "notRemoteIpBlocks"]) {
    for (const [value, i] of strings(source[field])) {
      const err = value === "" ? undefined : ipError(value);
      if (err !== undefined) problems.error(at.field(field).index(i), err);
    }
  }
  for (const field of SOURCE_FIELDS) {
    const values = strings(source[field]);
    const empty = values.find(([v]) => v === "");
    if (empty !== undefined) {
      problems.error(at.field(field).index(empty[1]), `empty value not allowed, found in ${field}`);
      continue;
    }
    if (field === "serviceAccounts" || field === "notServiceAccounts") {
      const err = serviceAccountErrors(values.map(([v]) => v));
      if (err !== undefined) problems.error(at.field(field), `${err}, found in ${field}`);
    }
    if (field === "trustDomains" || field === "notTrustDomains") {
      for (const [v, i] of values) {
        const err = wildcardValueError(v) ?? (v.includes("/") ? `trust domain '${v}' must not contain '/'` : undefined);
        if (err !== undefined) problems.error(at.field(field).index(i), err);
      }
    }
  }
  if (action === "CUSTOM") {
    for (const field of CUSTOM_FORBIDDEN_SOURCE) {
      if (set(field)) problems.error(at.field(field), `${field} is currently not supported with CUSTOM action; use an ALLOW or DENY policy for identities`);
    }
  }
}

function checkOperation(problems: Problems, operation: JsonObject, at: FieldPath): void {
  if (!OPERATION_FIELDS.some((f) => nonEmpty(operation, f))) {
    problems.error(at, "`to.operation` must not be empty: set ports, methods, paths or hosts, or remove the to");
  }
  for (const field of OPERATION_FIELDS) {
    const values = strings(operation[field]);
    const empty = values.find(([v]) => v === "");
    if (empty !== undefined) {
      problems.error(at.field(field).index(empty[1]), `empty value not allowed, found in ${field}`);
      continue;
    }
    if (field === "ports" || field === "notPorts") {
      for (const [v, i] of values) {
        const err = portError(v);
        if (err !== undefined) problems.error(at.field(field).index(i), err);
      }
    }
    if (field === "paths" || field === "notPaths") {
      for (const [v, i] of values) {
        const err = pathTemplateError(v);
        if (err !== undefined) problems.error(at.field(field).index(i), `'${v}': ${err}`);
      }
    }
  }
}

function checkCondition(problems: Problems, condition: JsonObject, at: FieldPath, action: string): void {
  const key = text(condition, "key");
  if (key === "") {
    problems.error(at.field("key"), "`key` must not be empty");
    return;
  }
  const values = strings(condition["values"]).map(([v]) => v);
  const notValues = strings(condition["notValues"]).map(([v]) => v);
  if (values.length === 0 && notValues.length === 0) {
    problems.error(at, `at least one of \`values\` or \`notValues\` must be set for key ${key}`);
  } else {
    const valueErr = values.length > 0 ? attributeError(key, values) : undefined;
    if (valueErr !== undefined) problems.error(at.field("values"), `invalid \`value\` for \`key\` ${key}: ${valueErr}`);
    const notValueErr = notValues.length > 0 ? attributeError(key, notValues) : undefined;
    if (notValueErr !== undefined) problems.error(at.field("notValues"), `invalid \`notValue\` for \`key\` ${key}: ${notValueErr}`);
  }
  if (action === "CUSTOM") {
    const identityKeys = ["source.namespace", "source.serviceAccount", "source.principal", "source.trustDomain"];
    if (identityKeys.includes(key) || key.startsWith("request.auth.")) {
      problems.error(at.field("key"), `${key} is currently not supported with CUSTOM action`);
    }
  }
}

export function checkAuthorizationPolicy(resource: Resource, problems: Problems): void {
  const spec = obj(resource.object["spec"]);
  if (spec === undefined) return;
  const at = FieldPath.root.field("spec");
  const action = text(spec, "action") === "" ? "ALLOW" : text(spec, "action");
  checkOneSelector(problems, spec, at, "selector", true, "only one of targetRefs or selector can be set");
  checkMatchLabelsSelector(problems, spec, "selector", at);
  checkTargetRefs(problems, spec, at, true);
  const rules = arr(spec["rules"]);
  if (action === "CUSTOM") {
    if (rules.length === 0) {
      problems.error(at, "CUSTOM action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request");
    } else if (text(obj(spec["provider"]), "name") === "") {
      problems.error(at.field("provider"), "`provider.name` must not be empty: name an extension provider from meshConfig.extensionProviders");
    }
  }
  if (has(spec, "provider") && action !== "CUSTOM") {
    problems.error(at.field("provider"), `\`provider\` must not be with non CUSTOM action, found ${action}`);
  }
  if (action === "DENY" && rules.length === 0) {
    problems.error(at, "DENY action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request");
  }
  rules.forEach((item, i) => {
    const rp = at.field("rules").index(i);
    const rule = obj(item);
    if (rule === undefined) {
      problems.error(rp, `\`rule\` must not be nil, found at rule ${i}`);
      return;
    }
    // istiod rejects a `from`/`to` that is set but empty, yet decoding cannot tell `[]` from an absent
    // list, so the webhook accepts `from: []` and `to: []` (they mean "any source/operation").
    let fromExists = false;
    let tcpInFrom = false;
    arr(rule["from"]).forEach((f, j) => {
      const fp = rp.field("from").index(j);
      const from = obj(f);
      if (from === undefined) {
        problems.error(fp, `\`from\` must not be nil, found at rule ${i}`);
        return;
      }
      const source = obj(from["source"]);
      if (source === undefined) {
        problems.error(fp.field("source"), `\`from.source\` must not be nil, found at rule ${i}`);
        return;
      }
      fromExists = true;
      if (TCP_SOURCE_FIELDS.some((field) => nonEmpty(source, field))) tcpInFrom = true;
      checkSource(problems, source, fp.field("source"), action);
    });
    let toExists = false;
    let tcpInTo = false;
    arr(rule["to"]).forEach((t, j) => {
      const tp = rp.field("to").index(j);
      const to = obj(t);
      if (to === undefined) {
        problems.error(tp, `\`to\` must not be nil, found at rule ${i}`);
        return;
      }
      const operation = obj(to["operation"]);
      if (operation === undefined) {
        problems.error(tp.field("operation"), `\`to.operation\` must not be nil, found at rule ${i}`);
        return;
      }
      toExists = true;
      if (nonEmpty(operation, "ports") || nonEmpty(operation, "notPorts")) tcpInTo = true;
      checkOperation(problems, operation, tp.field("operation"));
    });
    arr(rule["when"]).forEach((w, j) => {
      const condition = obj(w);
      if (condition === undefined) problems.error(rp.field("when").index(j), "when field cannot be nil");
      else checkCondition(problems, condition, rp.field("when").index(j), action);
    });
    if (action === "DENY" && ((fromExists && !toExists && !tcpInFrom) || (toExists && !tcpInTo))) {
      problems.warn(
        rp,
        "configured AuthorizationPolicy will deny all traffic to TCP ports under its scope due to the use of only HTTP attributes in a DENY rule; it is recommended to explicitly specify the port",
      );
    }
  });
}
