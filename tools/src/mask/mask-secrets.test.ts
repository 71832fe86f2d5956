import { describe, expect, it } from "vitest";
import { isCredentialKey, redactObject } from "./mask-secrets.js";

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
