import type { JsonObject, Resource } from "../../model/resource.js";
import { checkDuration } from "./duration.js";
import { strictHeaderNameError } from "./headers.js";
import { checkMatchLabelsSelector, checkOneSelector, checkTargetRefs } from "./selectors.js";
import { arr, FieldPath, has, obj, str, strings, text, type Problems } from "./report.js";

/** The scheme of a URL as Go's url.Parse / CEL url() would see it, or undefined when it does not parse. */
function urlScheme(value: string): string | undefined {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(value);
  if (m === null) return value.startsWith("/") ? "" : undefined;
  try {
    new URL(value);
  } catch {
    return undefined;
  }
  return (m[1] ?? "").toLowerCase();
}

/** A JWKS document as istiod's jwk.Parse accepts it: a key set ({"keys": [...]}) or one key ({"kty": ...}). */
function jwksError(jwks: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jwks);
  } catch (error) {
    return `jwks parse error: ${error instanceof Error ? error.message : String(error)}`;
  }
  const o = obj(parsed);
  if (o === undefined) return "jwks parse error: not a JSON object";
  if (Array.isArray(o["keys"])) {
    for (const key of o["keys"]) if (typeof obj(key)?.["kty"] !== "string") return "jwks parse error: a key has no kty";
    return undefined;
  }
  return typeof o["kty"] === "string" ? undefined : 'jwks parse error: expected a key set {"keys": [...]} or a key with "kty"';
}

function checkJwtRule(problems: Problems, rule: JsonObject, at: FieldPath): void {
  const uriKeys = ["jwksUri", "jwks_uri"].filter((k) => has(rule, k));
  const sources = uriKeys.length + (has(rule, "jwks") ? 1 : 0);
  if (sources > 1) problems.error(at, "only one of jwks or jwksUri can be set: inline the keys (jwks) or fetch them (jwksUri), not both");
  for (const [audience, i] of strings(rule["audiences"])) {
    if (audience === "") problems.error(at.field("audiences").index(i), "audience must be non-empty string");
  }
  const jwksUri = text(rule, "jwksUri") || text(rule, "jwks_uri");
  if (text(rule, "issuer") === "" && jwksUri === "") problems.error(at.field("issuer"), "issuer or jwksUri must be non-empty string");
  for (const key of uriKeys) {
    const uri = str(rule[key]) ?? "";
    const scheme = urlScheme(uri);
    if (scheme !== "http" && scheme !== "https") {
      problems.error(at.field(key), `url must have scheme http:// or https:// (found '${uri}')`);
    }
  }
  const jwks = text(rule, "jwks");
  if (jwks !== "") {
    const err = jwksError(jwks);
    if (err !== undefined) problems.error(at.field("jwks"), err);
  }
  arr(rule["fromHeaders"]).forEach((h, i) => {
    const header = obj(h);
    if (header === undefined) problems.error(at.field("fromHeaders").index(i), "location header name must be non-null");
    else if (text(header, "name") === "") problems.error(at.field("fromHeaders").index(i).field("name"), "location header name must be non-empty string");
  });
  for (const [param, i] of strings(rule["fromParams"])) {
    if (param === "") problems.error(at.field("fromParams").index(i), "location query must be non-empty string");
  }
  for (const [cookie, i] of strings(rule["fromCookies"])) {
    if (cookie === "") problems.error(at.field("fromCookies").index(i), "cookie name must be non-empty string");
  }
  arr(rule["outputClaimToHeaders"]).forEach((c, i) => {
    const cp = at.field("outputClaimToHeaders").index(i);
    const claim = obj(c);
    if (claim === undefined) {
      problems.error(cp, "outputClaimToHeaders must not be null");
      return;
    }
    if (text(claim, "claim") === "" || text(claim, "header") === "") {
      problems.error(cp, "outputClaimToHeaders header and claim value must be non-empty string");
      return;
    }
    const err = strictHeaderNameError(text(claim, "header"));
    if (err !== undefined) problems.error(cp.field("header"), err);
  });
  checkDuration(problems, rule, "timeout", at, { cel: true, webhook: true });
}

export function checkRequestAuthentication(resource: Resource, problems: Problems): void {
  const spec = obj(resource.object["spec"]);
  if (spec === undefined) return;
  const at = FieldPath.root.field("spec");
  checkOneSelector(problems, spec, at, "selector", true, "only one of targetRefs or selector can be set");
  checkMatchLabelsSelector(problems, spec, "selector", at);
  checkTargetRefs(problems, spec, at, true);
  arr(spec["jwtRules"]).forEach((r, i) => {
    const rule = obj(r);
    if (rule !== undefined) checkJwtRule(problems, rule, at.field("jwtRules").index(i));
  });
}
