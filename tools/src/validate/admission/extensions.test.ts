import { describe, expect, it } from "vitest";
import { requestUriScheme } from "../request-uri.js";
import { check, lines, specYaml } from "./test-helpers.js";

describe("WasmPlugin admission", () => {
  it("accepts the reference page's example", () => {
    const yaml = `
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata:
  name: openid-connect
  namespace: istio-ingress
spec:
  selector:
    matchLabels:
      istio: ingressgateway
  url: oci://private-registry:5000/openid-connect/openid:latest
  imagePullPolicy: IfNotPresent
  imagePullSecret: private-registry-pull-secret
  phase: AUTHN
  pluginConfig:
    openid_server: authn
    openid_realm: ingress
`;
    expect(lines(check(yaml))).toEqual([]);
    expect(lines(check(specYaml("WasmPlugin", { url: "ghcr.io/acme/filter:v1" })))).toEqual([]);
  });

  it("checks the url, sha256 and env", () => {
    expect(lines(check(specYaml("WasmPlugin", { url: "ftp://example.com/f.wasm", sha256: "abc", vmConfig: { env: [{ name: "", valueFrom: "HOST", value: "x" }] } })))).toEqual([
      "error /spec/url: spec.url: url must have schema one of [http, https, file, oci] (found 'ftp://example.com/f.wasm')",
      "error /spec/sha256: spec.sha256: sha256 field must be 64 characters long",
      "error /spec/vmConfig/env/0/value: spec.vmConfig.env[0].value: value may only be set when valueFrom is INLINE (valueFrom HOST reads the variable from the proxy's environment)",
      "error /spec/vmConfig/env/0/name: spec.vmConfig.env[0].name: spec.vmConfig.env invalid: name must be set",
    ]);
    expect(lines(check(specYaml("WasmPlugin", {})))).toEqual(["error /spec/url: spec.url: url field needs to be set"]);
  });

  it("rejects what istiod's webhook rejects: a duplicate env name, a match port out of range", () => {
    const spec = { url: "oci://ghcr.io/a:v1", vmConfig: { env: [{ name: "A" }, { name: "A", value: "x" }] }, match: [{ ports: [{ number: 8080 }, { number: 0 }] }, null] };
    expect(lines(check(specYaml("WasmPlugin", spec)))).toEqual([
      "error /spec/vmConfig/env/1/name: spec.vmConfig.env[1].name: duplicate env 'A': each variable may be set once",
      "error /spec/match/0/ports/1/number: spec.match[0].ports[1].number: port number 0 is out of range: 1..65535",
      "error /spec/match/1: spec.match[1]: spec.Match[1] is nil",
    ]);
  });

  it("reads URL schemes the way Go's url.ParseRequestURI does", () => {
    expect(requestUriScheme("oci://ghcr.io/a:v1")).toBe("oci");
    expect(requestUriScheme("FILE:///opt/a.wasm")).toBe("file");
    expect(requestUriScheme("ghcr.io/a:v1")).toBeUndefined();
    expect(requestUriScheme("localhost:5000/a")).toBe("localhost");
    expect(requestUriScheme("http://[::1]:x/a")).toBeUndefined();
  });
});

describe("TrafficExtension admission", () => {
  it("wants exactly one of wasm and lua", () => {
    expect(lines(check(specYaml("TrafficExtension", {})))).toEqual(["error /spec: spec: exactly one of wasm or lua must be set"]);
    expect(lines(check(specYaml("TrafficExtension", { lua: { inlineCode: "function envoy_on_request(h) end" } })))).toEqual([]);
  });

  it("checks the Lua code and the Wasm module as istiod does", () => {
    expect(lines(check(specYaml("TrafficExtension", { lua: { inlineCode: "" } })))).toEqual(["error /spec/lua/inlineCode: spec.lua.inlineCode: lua.inlineCode cannot be empty"]);
    expect(lines(check(specYaml("TrafficExtension", { wasm: { pluginName: "p" }, match: [{ ports: [{ number: 70000 }] }] })))).toEqual([
      "error /spec/wasm/url: spec.wasm.url: url field needs to be set",
      "error /spec/match/0/ports/0/number: spec.match[0].ports[0].number: port number 70000 is out of range: 1..65535",
    ]);
  });
});

describe("ProxyConfig admission", () => {
  it("rejects negative concurrency", () => {
    expect(lines(check(specYaml("ProxyConfig", { concurrency: -1 })))).toEqual([
      "error /spec/concurrency: spec.concurrency: concurrency must be greater than or equal to 0 (found -1; 0 means one worker per CPU)",
    ]);
  });
});
