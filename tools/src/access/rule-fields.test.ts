import { describe, expect, it } from "vitest";
import { OPERATION_FIELDS, SOURCE_FIELDS, isHttpOperationField, isHttpSourceField } from "../mesh/authorization-policy.js";
import { operationFieldInfo, sourceFieldInfo } from "./rule-fields.js";

describe("AuthorizationPolicy fields", () => {
  it("agrees with the access engine's field kinds", () => {
    for (const field of SOURCE_FIELDS) expect(sourceFieldInfo(field).kind === "request").toBe(isHttpSourceField(field));
    for (const field of OPERATION_FIELDS) expect(operationFieldInfo(field).kind === "request").toBe(isHttpOperationField(field));
  });
});
