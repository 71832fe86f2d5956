import { describe, expect, it } from "vitest";
import { check, lines, specYaml } from "./test-helpers.js";

const ra = (jwtRules: unknown[], extra: Record<string, unknown> = {}): string => specYaml("RequestAuthentication", { jwtRules, ...extra });

describe("RequestAuthentication admission", () => {
  it("accepts the reference page's examples", () => {
    const yaml = `
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: httpbin
  namespace: foo
spec:
  selector:
    matchLabels:
      app: httpbin
  jwtRules:
  - issuer: "issuer-foo"
    jwksUri: https://example.com/.well-known/jwks.json
    fromHeaders:
    - name: x-jwt-assertion
      prefix: "Bearer "
    outputClaimToHeaders:
    - header: x-jwt-claim-foo
      claim: foo
    timeout: 5s
  - issuer: "issuer-bar"
    jwks: '{"keys":[{"kty":"RSA","e":"AQAB","n":"xAE7eB6qugXyCAG3yhh7pkDkT65pHymX-P7KfIupjf59vsdo91bSP9C8H07pSAGQO1MV_xFj9VswgsCg4R6otmg5PV2He95lZdHtOcU5DXIg_pbhLdKXbi66GlVeK6ABZOUW3WYtnNHD-91gVuoeJT_DwtGGcp4ignkgXfkiEm4sw-4sfb4qdt5oLbyVpmW6x9cfa7vs2WTfURiCrBoUqgBo_-4WTiULmmHSGZHOjzwa8WtrtOQGsAFjIbno85jp6MnGGGZPYZbDAa_b3y5u-YpW7ypZrvD8BgtKVjgtQgZhLAGezMt0ua3DRrWnKqTZ0BJ_EyxOGuHJrLsn00fnMQ"}]}'
`;
    expect(lines(check(yaml))).toEqual([]);
  });

  it("wants an issuer or a jwksUri with http(s), and not both jwks and jwksUri", () => {
    expect(lines(check(ra([{ audiences: ["a", ""] }, { issuer: "i", jwksUri: "ftp://example.com/jwks" }, { issuer: "i", jwksUri: "https://example.com/jwks", jwks: '{"keys":[]}' }])))).toEqual([
      "error /spec/jwtRules/0/audiences/1: spec.jwtRules[0].audiences[1]: audience must be non-empty string",
      "error /spec/jwtRules/0/issuer: spec.jwtRules[0].issuer: issuer or jwksUri must be non-empty string",
      "error /spec/jwtRules/1/jwksUri: spec.jwtRules[1].jwksUri: url must have scheme http:// or https:// (found 'ftp://example.com/jwks')",
      "error /spec/jwtRules/2: spec.jwtRules[2]: only one of jwks or jwksUri can be set: inline the keys (jwks) or fetch them (jwksUri), not both",
    ]);
    expect(lines(check(ra([{ jwksUri: "https://example.com/jwks" }])))).toEqual([]);
  });

  it("rejects unparseable inline keys, empty locations, bad output headers, short timeouts", () => {
    const rule = {
      issuer: "i",
      jwks: "not json",
      fromHeaders: [{ name: "" }],
      fromParams: [""],
      fromCookies: [""],
      outputClaimToHeaders: [{ header: "x.claim", claim: "sub" }, { header: "", claim: "sub" }, { header: "x_jwt_sub", claim: "sub" }],
      timeout: "500us",
    };
    const out = lines(check(ra([rule])));
    expect(out[0]).toMatch(/^error \/spec\/jwtRules\/0\/jwks: spec\.jwtRules\[0\]\.jwks: jwks parse error: /);
    expect(out.slice(1)).toEqual([
      "error /spec/jwtRules/0/fromHeaders/0/name: spec.jwtRules[0].fromHeaders[0].name: location header name must be non-empty string",
      "error /spec/jwtRules/0/fromParams/0: spec.jwtRules[0].fromParams[0]: location query must be non-empty string",
      "error /spec/jwtRules/0/fromCookies/0: spec.jwtRules[0].fromCookies[0]: cookie name must be non-empty string",
      "error /spec/jwtRules/0/outputClaimToHeaders/0/header: spec.jwtRules[0].outputClaimToHeaders[0].header: header name x.claim is not a valid header name (letters, digits, '-' and '_' only)",
      "error /spec/jwtRules/0/outputClaimToHeaders/1: spec.jwtRules[0].outputClaimToHeaders[1]: outputClaimToHeaders header and claim value must be non-empty string",
      "error /spec/jwtRules/0/timeout: spec.jwtRules[0].timeout: '500us' must be a valid duration greater than 1ms",
    ]);
  });

  it("takes one of selector and targetRefs", () => {
    expect(lines(check(ra([], { selector: { matchLabels: { app: "a" } }, targetRef: { kind: "Service", name: "a" } })))).toEqual([
      "error /spec: spec: only one of targetRefs or selector can be set (found selector and targetRef); keep one",
    ]);
  });

  it("never throws on odd input", () => {
    expect(() => check(ra([null, 1, { fromHeaders: [null], outputClaimToHeaders: [null] }]))).not.toThrow();
  });
});
