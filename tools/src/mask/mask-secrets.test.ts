import { describe, expect, it } from "vitest";
import { DIFF_REPORT_VERSION, type DiffReport } from "../diff/diff-report.js";
import { diffResources } from "../diff/diff-resources.js";
import { compareEnvironment, summarize } from "../diff/environment-diff.js";
import { formatDiffJson } from "../diff/format-diff-json.js";
import { formatDiffMarkdown } from "../diff/format-diff-markdown.js";
import { formatDiffText } from "../diff/format-diff-text.js";
import { formatDriftText } from "../drift/format-drift.js";
import { resourcesFromYaml } from "../load/resources-from-yaml.js";
import { SchemaValidator } from "../validate/schema-validation.js";
import { runtimeSchemaCompiler } from "../validate/schema-ajv.js";
import { isCredentialKey, maskText, redactObject } from "./mask-secrets.js";

describe("isCredentialKey", () => {
  it.each([
    "password",
    "Password",
    "DB_PASSWORD",
    "passwd",
    "token",
    "accessToken",
    "AUTH_TOKEN",
    "secret",
    "clientSecret",
    "client_secret",
    "apiKey",
    "api_key",
    "x-api-key",
    "APIKey",
    "privateKey",
    "private_key",
    "credential",
    "credentials",
    "awsSecretAccessKey",
  ])("%s looks like a credential", (key) => {
    expect(isCredentialKey(key)).toBe(true);
  });

  it.each([
    "credentialName",
    "secretName",
    "secretRef",
    "tokenPath",
    "token_bucket",
    "max_tokens",
    "tokens_per_fill",
    "imagePullSecrets",
    "key",
    "keyFile",
    "name",
    "forwardOriginalTokenHeader",
  ])("%s does not", (key) => {
    expect(isCredentialKey(key)).toBe(false);
  });
});

describe("redactObject", () => {
  it("masks a Secret's data and stringData, keeping the keys", () => {
    expect(redactObject("Secret", { kind: "Secret", data: { a: "eA==" }, stringData: { b: "y" }, type: "Opaque" })).toEqual({
      kind: "Secret",
      data: { a: "***" },
      stringData: { b: "***" },
      type: "Opaque",
    });
  });

  it("masks credential fields anywhere (a whole subtree), and the value next to a credential's name", () => {
    const object = {
      kind: "Deployment",
      spec: {
        env: [
          { name: "DB_PASSWORD", value: "p" },
          { name: "LOG_LEVEL", value: "info" },
        ],
        auth: { credentials: { user: "u", key: "k", rotate: true }, token: 12345 },
        data: { notes: "visible" },
      },
    };
    expect(redactObject("Deployment", object)).toEqual({
      kind: "Deployment",
      spec: {
        env: [
          { name: "DB_PASSWORD", value: "***" },
          { name: "LOG_LEVEL", value: "info" },
        ],
        auth: { credentials: { user: "***", key: "***", rotate: true }, token: "***" },
        data: { notes: "visible" },
      },
    });
  });

  it("leaves rate-limit token buckets and secret references alone", () => {
    const object = { spec: { tls: { credentialName: "api-cert" }, token_bucket: { max_tokens: 10, tokens_per_fill: 10 } } };
    expect(redactObject("EnvoyFilter", object)).toEqual(object);
  });
});

describe("masking by value: what a credential looks like, wherever it sits", () => {
  it.each([
    ["an Authorization scheme's token", "Bearer eyZ0ok3n-Value.42", "Bearer ***"],
    ["a Basic credential", "Basic dXNlcjpwYXNz", "Basic ***"],
    ["credentials in a URL", "https://deploy:s3cr3t@git.example.com/policy.git", "https://***@git.example.com/policy.git"],
    ["a token as the user of a URL", "https://ghp_abc123def456@github.com/org/repo", "https://***@github.com/org/repo"],
    ["a JWT", "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl", "token ***"],
    ["a password assignment in code", 'local password = "hunter2"', 'local password = "***"'],
    ["a query-string token", "https://api.example.com/v1?access_token=abc123&x=1", "https://api.example.com/v1?access_token=***&x=1"],
    ["a quoted path a tool echoes", "accumulating resources from 'password=hunter2.yaml': lstat /repo/base/password=hunter2.yaml", "accumulating resources from 'password=***': lstat /repo/base/password=***"],
  ])("%s", (_what, text, masked) => {
    expect(maskText(text)).toBe(masked);
  });

  it("masks a PEM block's body, keeping its kind", () => {
    const pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----";
    expect(maskText(`key: |\n${pem}\n`)).toBe("key: |\n-----BEGIN PRIVATE KEY-----\n***\n-----END PRIVATE KEY-----\n");
  });

  it("leaves prose and references alone", () => {
    for (const text of ["use the Bearer scheme", "password: ${DB_PASSWORD}", "token_bucket: max_tokens: 10", "https://example.com/docs#auth"]) {
      expect(maskText(text)).toBe(text);
    }
  });
});

describe("redactObject: the cases of the policy repository", () => {
  it("an Authorization header a VirtualService sets", () => {
    const vs = { kind: "VirtualService", spec: { http: [{ headers: { request: { set: { Authorization: "Bearer abc.def.ghi", "x-trace": "on" } } } }] } };
    expect(redactObject("VirtualService", vs)).toEqual({ kind: "VirtualService", spec: { http: [{ headers: { request: { set: { Authorization: "***", "x-trace": "on" } } } }] } });
  });

  it("a bearer token in an EnvoyFilter header and in inline Lua", () => {
    const lua = 'function envoy_on_request(h)\n  h:headers():add("authorization", "Bearer s3cr3t")\n  local api_key = "k-123456"\nend\n';
    const filter = {
      spec: {
        configPatches: [
          { patch: { value: { request_headers_to_add: [{ header: { key: "authorization", value: "Bearer s3cr3t" } }], typed_config: { inline_code: lua } } } },
        ],
      },
    };
    const masked = JSON.stringify(redactObject("EnvoyFilter", filter));
    expect(masked).not.toContain("s3cr3t");
    expect(masked).not.toContain("k-123456");
    expect(masked).toContain('\\"authorization\\", \\"***\\"');
  });

  it("a password inside an Argo CD Application's Helm values string, read as YAML and masked by key", () => {
    const values = "db:\n  host: postgres\n  password: hunter2\ncredentials:\n  user: admin\n  key: k\n";
    const app = { spec: { source: { repoURL: "https://ci:t0ken@git.example.com/charts.git", helm: { values } } } };
    const masked = redactObject("Application", app) as { spec: { source: { repoURL: string; helm: { values: string } } } };
    expect(masked.spec.source.repoURL).toBe("https://***@git.example.com/charts.git");
    expect(masked.spec.source.helm.values).not.toMatch(/hunter2|admin/);
    expect(masked.spec.source.helm.values).toContain("host: postgres");
    // Nothing secret: the text is kept as written.
    expect(redactObject("Application", { values: "replicas: 2\nimage: nginx\n" })).toEqual({ values: "replicas: 2\nimage: nginx\n" });
  });

  it("private and symmetric members of a JWKS, as an object or a JSON string; public keys stay", () => {
    const jwks = { keys: [{ kty: "oct", kid: "a", k: "c2VjcmV0" }, { kty: "RSA", kid: "b", n: "0vx7", e: "AQAB", d: "X4cT" }] };
    expect(redactObject("RequestAuthentication", { spec: { jwtRules: [{ jwks: JSON.stringify(jwks) }] } })).toEqual({
      spec: { jwtRules: [{ jwks: JSON.stringify({ keys: [{ kty: "oct", kid: "a", k: "***" }, { kty: "RSA", kid: "b", n: "0vx7", e: "AQAB", d: "***" }] }) }] },
    });
    const publicOnly = JSON.stringify({ keys: [{ kty: "RSA", kid: "b", n: "0vx7", e: "AQAB" }] });
    expect(redactObject("RequestAuthentication", { jwks: publicOnly })).toEqual({ jwks: publicOnly });
  });

  it("a URL annotation with credentials", () => {
    expect(redactObject("Service", { metadata: { annotations: { "example.com/webhook": "https://hook:p4ss@hooks.example.com/x" } } })).toEqual({
      metadata: { annotations: { "example.com/webhook": "https://***@hooks.example.com/x" } },
    });
  });
});

describe("every output path masks", () => {
  const before = resourcesFromYaml(
    "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: api, namespace: shop }\nspec:\n  hosts: [api]\n  http:\n  - headers:\n      request:\n        set:\n          Authorization: Bearer old-t0ken\n    route:\n    - destination: { host: api }\n",
    "vs.yaml",
  ).resources;
  const after = resourcesFromYaml(
    "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: api, namespace: shop, annotations: { docs: 'https://u:p4ssw0rd@docs.example.com' } }\nspec:\n  hosts: [api]\n  http:\n  - headers:\n      request:\n        set:\n          Authorization: Bearer new-t0ken\n    route:\n    - destination: { host: api }\n",
    "vs.yaml",
  ).resources;
  const diff = diffResources(before, after);
  const prod = compareEnvironment("prod", before, after);
  if (prod === undefined) throw new Error("the two sides must differ");
  // prod changes on merge (its pin moved) and has more pending for its next promotion.
  const report: DiffReport = {
    version: DIFF_REPORT_VERSION,
    base: { ref: "main", commit: null, environment: null },
    head: { ref: null, commit: null, environment: null },
    deployments: [],
    environments: [prod],
    unchangedEnvironments: [],
    pending: [prod],
    summary: summarize([prod], [prod]),
  };

  it("diff, in text, JSON and Markdown: a masked field still shows that it changed", () => {
    for (const output of [formatDiffText(report), formatDiffJson(report), formatDiffMarkdown(report)]) {
      for (const secret of ["old-t0ken", "new-t0ken", "p4ssw0rd"]) expect(output).not.toContain(secret);
      expect(output).toContain("Authorization");
    }
    expect(diff.changed[0]?.changes.find((c) => c.path.endsWith("Authorization"))).toMatchObject({ op: "changed", old: "***", new: "***", masked: true });
  });

  it("drift", () => {
    const text = formatDriftText({
      version: 1,
      environment: "prod",
      cluster: { context: "c", server: "https://k8s.example.com" },
      application: null,
      revision: null,
      rendered: 1,
      inSync: 0,
      missing: [],
      extra: [],
      changed: diff.changed,
    });
    expect(text).toContain("Authorization");
    for (const secret of ["old-t0ken", "new-t0ken", "p4ssw0rd"]) expect(text).not.toContain(secret);
  });

  it("a schema message never echoes a Secret's value", () => {
    const [secret] = resourcesFromYaml("apiVersion: v1\nkind: Secret\nmetadata: { name: db, namespace: shop }\ndata:\n  db-password: 98765432123\n", "secret.yaml").resources;
    const findings = new SchemaValidator(runtimeSchemaCompiler()).validate(secret as NonNullable<typeof secret>);
    expect(findings.map((f) => f.message)).toEqual(["data.db-password: *** must be string"]);
  });
});
