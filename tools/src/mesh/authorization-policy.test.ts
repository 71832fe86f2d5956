import { describe, expect, it } from "vitest";
import { operationFieldInfo, sourceFieldInfo } from "../access/rule-fields.js";
import {
  HTTP_OPERATION_FIELDS,
  HTTP_SOURCE_FIELDS,
  OPERATION_FIELDS,
  SOURCE_FIELDS,
  authorizationActionOf,
  hasTargetRefs,
  isHttpOperationField,
  isHttpSourceField,
} from "./authorization-policy.js";

describe("AuthorizationPolicy fields", () => {
  it("lists the HTTP-only fields: request principals, hosts, methods and paths", () => {
    expect(SOURCE_FIELDS.filter(isHttpSourceField)).toEqual([...HTTP_SOURCE_FIELDS]);
    expect(OPERATION_FIELDS.filter(isHttpOperationField)).toEqual([...HTTP_OPERATION_FIELDS]);
    expect(isHttpOperationField("ports")).toBe(false);
    expect(isHttpSourceField("principals")).toBe(false);
  });

  it("agrees with the access engine's field kinds", () => {
    for (const field of SOURCE_FIELDS) expect(sourceFieldInfo(field).kind === "request").toBe(isHttpSourceField(field));
    for (const field of OPERATION_FIELDS) expect(operationFieldInfo(field).kind === "request").toBe(isHttpOperationField(field));
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
