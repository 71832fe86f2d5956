import { describe, expect, it } from "vitest";
import {
  HTTP_OPERATION_FIELDS,
  HTTP_SOURCE_FIELDS,
  OPERATION_FIELDS,
  SOURCE_FIELDS,
  authorizationActionOf,
  isHttpOperationField,
  isHttpSourceField,
} from "./authorization-policy.js";
import { hasTargetRefs } from "./policy-scope.js";

describe("AuthorizationPolicy fields", () => {
  it("lists the HTTP-only fields: request principals, hosts, methods and paths", () => {
    expect(SOURCE_FIELDS.filter(isHttpSourceField)).toEqual([...HTTP_SOURCE_FIELDS]);
    expect(OPERATION_FIELDS.filter(isHttpOperationField)).toEqual([...HTTP_OPERATION_FIELDS]);
    expect(isHttpOperationField("ports")).toBe(false);
    expect(isHttpSourceField("principals")).toBe(false);
  });
});

describe("authorizationActionOf / hasTargetRefs", () => {
  it("defaults the action to ALLOW", () => {
    expect(authorizationActionOf({})).toBe("ALLOW");
    expect(authorizationActionOf({ action: "DENY" })).toBe("DENY");
    expect(authorizationActionOf({ action: "deny" })).toBe("ALLOW");
  });

  it("sees targetRef and non-empty targetRefs", () => {
    expect(hasTargetRefs({ targetRef: { kind: "Gateway", name: "g" } })).toBe(true);
    expect(hasTargetRefs({ targetRefs: [{ kind: "Service", name: "s" }] })).toBe(true);
    expect(hasTargetRefs({ targetRefs: [] })).toBe(false);
    expect(hasTargetRefs({})).toBe(false);
  });
});
