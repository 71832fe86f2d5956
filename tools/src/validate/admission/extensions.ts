import type { JsonObject, Resource } from "../../model/resource.js";
import { checkMatchLabelsSelector, checkOneSelector, checkTargetRefs } from "./selectors.js";
import { FieldPath, has, objects, obj, text, type Problems } from "./report.js";

const WASM_SCHEMES = new Set(["", "http", "https", "file", "oci"]);

/**
 * The scheme of `raw` as Go's url.ParseRequestURI (Kubernetes CEL isURL/url()) finds it, lower-cased;
 * undefined when it does not parse as a request URI.
 */
export function requestUriScheme(raw: string): string | undefined {
  if (raw === "" || /[\u0000-\u001f\u007f]/.test(raw)) return undefined;
  let scheme = "";
  let rest = raw;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? "";
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+.-]/.test(c)) {
      if (i === 0) break;
      continue;
    }
    if (c === ":") {
      if (i === 0) return undefined; // missing protocol scheme
      scheme = raw.slice(0, i);
      rest = raw.slice(i + 1);
    }
    break;
  }
  rest = rest.split("?")[0] ?? "";
  if (!rest.startsWith("/")) return scheme !== "" ? scheme.toLowerCase() : undefined;
  if (scheme !== "" && rest.startsWith("//")) {
    const authority = rest.slice(2).split("/")[0] ?? "";
    const host = authority.slice(authority.lastIndexOf("@") + 1);
    if (host.startsWith("[")) {
      if (!/^\[[^\]]*\](?::\d*)?$/.test(host)) return undefined;
    } else if (host.includes(":") && !/^[^:]*:\d*$/.test(host)) return undefined;
  }
  if (/%(?![0-9a-fA-F]{2})/.test(rest)) return undefined;
  return scheme.toLowerCase();
}

/** The CRD rule on Wasm module URLs: a URL, or a registry path, with scheme http, https, file or oci. */
function checkWasmUrl(problems: Problems, owner: JsonObject, at: FieldPath): void {
  if (!has(owner, "url")) return;
  const url = text(owner, "url");
  const direct = requestUriScheme(url);
  const ok = direct !== undefined ? WASM_SCHEMES.has(direct) : WASM_SCHEMES.has(requestUriScheme(`http://${url}`) ?? "invalid");
  if (!ok) problems.error(at.field("url"), `url must have schema one of [http, https, file, oci] (found '${url}')`);
}

function checkVmEnv(problems: Problems, owner: JsonObject | undefined, at: FieldPath, webhook: boolean): void {
  const vm = obj(owner?.["vmConfig"]);
  for (const [env, i] of objects(vm?.["env"])) {
    const ep = at.field("vmConfig").field("env").index(i);
    if (text(env, "valueFrom") === "HOST" && has(env, "value")) {
      problems.error(ep.field("value"), "value may only be set when valueFrom is INLINE (valueFrom HOST reads the variable from the proxy's environment)");
    }
    if (webhook && text(env, "name") === "") problems.error(ep.field("name"), "spec.vmConfig.env invalid: name must be set");
    if (webhook && text(env, "name").length > 256) problems.error(ep.field("name"), "env.name field must be less than 255 characters long");
  }
}

export function checkWasmPlugin(resource: Resource, problems: Problems): void {
  const spec = obj(resource.object["spec"]);
  if (spec === undefined) return;
  const at = FieldPath.root.field("spec");
  checkOneSelector(problems, spec, at, "selector", true, "only one of targetRefs or selector can be set");
  checkMatchLabelsSelector(problems, spec, "selector", at);
  checkTargetRefs(problems, spec, at, true);
  if (text(spec, "url") === "") problems.error(at.field("url"), "url field needs to be set");
  else checkWasmUrl(problems, spec, at);
  const sha = text(spec, "sha256");
  if (sha !== "" && sha.length !== 64) problems.error(at.field("sha256"), "sha256 field must be 64 characters long");
  else if (sha !== "" && !/^[a-f0-9]{64}$/.test(sha)) problems.error(at.field("sha256"), "sha256 field must match [a-f0-9]{64} pattern");
  if (text(spec, "imagePullSecret").length > 253) problems.error(at.field("imagePullSecret"), "imagePullSecret field must be less than 253 characters long");
  if (text(spec, "pluginName").length > 256) problems.error(at.field("pluginName"), "pluginName field must be less than 255 characters long");
  checkVmEnv(problems, spec, at, true);
}

export function checkTrafficExtension(resource: Resource, problems: Problems): void {
  const spec = obj(resource.object["spec"]);
  if (spec === undefined) return;
  const at = FieldPath.root.field("spec");
  checkOneSelector(problems, spec, at, "selector", false, "only one of targetRefs or selector can be set");
  if (has(spec, "wasm") === has(spec, "lua")) problems.error(at, "exactly one of wasm or lua must be set");
  checkMatchLabelsSelector(problems, spec, "selector", at);
  checkTargetRefs(problems, spec, at, false);
  const wasm = obj(spec["wasm"]);
  if (wasm !== undefined) {
    checkWasmUrl(problems, wasm, at.field("wasm"));
    checkVmEnv(problems, wasm, at.field("wasm"), false);
  }
}
