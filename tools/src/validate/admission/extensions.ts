import type { JsonObject, Resource } from "../../model/resource.js";
import { checkMatchLabelsSelector, checkOneSelector, checkTargetRefs } from "./selectors.js";
import { arr, FieldPath, has, num, objects, obj, text, type Problems } from "./report.js";
import { requestUriScheme } from "../request-uri.js";

const WASM_SCHEMES = new Set(["", "http", "https", "file", "oci"]);

/** The CRD rule on Wasm module URLs: a URL, or a registry path, with scheme http, https, file or oci. */
function checkWasmUrl(problems: Problems, owner: JsonObject, at: FieldPath): void {
  if (!has(owner, "url")) return;
  const url = text(owner, "url");
  const direct = requestUriScheme(url);
  const ok = direct !== undefined ? WASM_SCHEMES.has(direct) : WASM_SCHEMES.has(requestUriScheme(`http://${url}`) ?? "invalid");
  if (!ok) problems.error(at.field("url"), `url must have schema one of [http, https, file, oci] (found '${url}')`);
}

/**
 * vmConfig.env: the CRD rule on HOST values, and istiod validateWasmPluginVMConfig (a name, at most 256
 * characters, no duplicate; istiod stops at the first problem of the list, every one is reported here).
 */
function checkVmEnv(problems: Problems, owner: JsonObject, at: FieldPath): void {
  const seen = new Set<string>();
  for (const [env, i] of objects(obj(owner["vmConfig"])?.["env"])) {
    const ep = at.field("vmConfig").field("env").index(i);
    const name = text(env, "name");
    if (text(env, "valueFrom") === "HOST" && has(env, "value")) {
      problems.error(ep.field("value"), "value may only be set when valueFrom is INLINE (valueFrom HOST reads the variable from the proxy's environment)");
    }
    if (name === "") problems.error(ep.field("name"), "spec.vmConfig.env invalid: name must be set");
    else if (name.length > 256) problems.error(ep.field("name"), "env.name field must be less than 255 characters long");
    else if (seen.has(name)) problems.error(ep.field("name"), `duplicate env '${name}': each variable may be set once`);
    seen.add(name);
  }
}

/** The module fields WasmPlugin's spec and TrafficExtension's `wasm` share (istiod validateWasmPlugin* / validateWasmConfig*). */
function checkWasmModule(problems: Problems, owner: JsonObject, at: FieldPath): void {
  if (text(owner, "url") === "") problems.error(at.field("url"), "url field needs to be set");
  else checkWasmUrl(problems, owner, at);
  const sha = text(owner, "sha256");
  if (sha !== "" && sha.length !== 64) problems.error(at.field("sha256"), "sha256 field must be 64 characters long");
  else if (sha !== "" && !/^[a-f0-9]{64}$/.test(sha)) problems.error(at.field("sha256"), "sha256 field must match [a-f0-9]{64} pattern");
  if (text(owner, "imagePullSecret").length > 253) problems.error(at.field("imagePullSecret"), "imagePullSecret field must be less than 253 characters long");
  if (text(owner, "pluginName").length > 256) problems.error(at.field("pluginName"), "pluginName field must be less than 256 characters long");
  checkVmEnv(problems, owner, at);
}

/** istiod validateWasmPluginMatch / validateTrafficExtensionMatch: no null selector or port, port numbers 1..65535. */
function checkMatchPorts(problems: Problems, spec: JsonObject, at: FieldPath): void {
  arr(spec["match"]).forEach((item, i) => {
    const mp = at.field("match").index(i);
    const selector = obj(item);
    if (selector === undefined) {
      problems.error(mp, `spec.Match[${i}] is nil`);
      return;
    }
    arr(selector["ports"]).forEach((p, j) => {
      const port = obj(p);
      const number = num(port?.["number"]) ?? 0;
      if (port === undefined) problems.error(mp.field("ports").index(j), `spec.Match[${i}].Ports[${j}] is nil`);
      else if (!(number > 0 && number <= 65535)) problems.error(mp.field("ports").index(j).field("number"), `port number ${number} is out of range: 1..65535`);
    });
  });
}

export function checkWasmPlugin(resource: Resource, problems: Problems): void {
  const spec = obj(resource.object["spec"]);
  if (spec === undefined) return;
  const at = FieldPath.root.field("spec");
  checkOneSelector(problems, spec, at, "selector", true, "only one of targetRefs or selector can be set");
  checkMatchLabelsSelector(problems, spec, "selector", at);
  checkTargetRefs(problems, spec, at, true);
  checkWasmModule(problems, spec, at);
  checkMatchPorts(problems, spec, at);
}

export function checkTrafficExtension(resource: Resource, problems: Problems): void {
  const spec = obj(resource.object["spec"]);
  if (spec === undefined) return;
  const at = FieldPath.root.field("spec");
  checkOneSelector(problems, spec, at, "selector", false, "only one of targetRefs or selector can be set");
  if (has(spec, "wasm") === has(spec, "lua")) problems.error(at, "exactly one of wasm or lua must be set");
  checkMatchLabelsSelector(problems, spec, "selector", at);
  checkTargetRefs(problems, spec, at, true);
  const wasm = obj(spec["wasm"]);
  if (wasm !== undefined) checkWasmModule(problems, wasm, at.field("wasm"));
  const lua = obj(spec["lua"]);
  if (lua !== undefined) {
    const code = text(lua, "inlineCode");
    if (code === "") problems.error(at.field("lua").field("inlineCode"), "lua.inlineCode cannot be empty");
    else if (new TextEncoder().encode(code).length > 65536) problems.error(at.field("lua").field("inlineCode"), "lua.inlineCode exceeds maximum size of 64KB");
  }
  checkMatchPorts(problems, spec, at);
}
