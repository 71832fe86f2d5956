import { describe, expect, it } from "vitest";
import { hoistRepeatedSubschemas } from "./hoist-repeated.js";
import { type JsonObject } from "./json-value.js";

function bigObject(): JsonObject {
  const properties: JsonObject = {};
  for (let i = 0; i < 40; i += 1) properties[`field${i}`] = { type: "string", maxLength: 253 };
  return { type: "object", properties, additionalProperties: false };
}

describe("hoistRepeatedSubschemas", () => {
  it("shares large subschemas that occur more than once", () => {
    const body: JsonObject = {
      type: "object",
      properties: {
        a: { type: "object", properties: { template: bigObject() } },
        b: { type: "array", items: { type: "object", properties: { name: { type: "string" }, template: bigObject() } } },
        small: { type: "string" },
      },
    };
    const { body: hoisted, definitions } = hoistRepeatedSubschemas(body);
    expect([...definitions.keys()]).toEqual([expect.stringMatching(/^template\.[0-9a-f]{8}$/)]);
    const name = [...definitions.keys()][0] ?? "";
    expect(definitions.get(name)).toEqual(bigObject());
    expect(hoisted).toEqual({
      type: "object",
      properties: {
        a: { type: "object", properties: { template: { $ref: `#/definitions/${name}` } } },
        b: {
          type: "array",
          items: { type: "object", properties: { name: { type: "string" }, template: { $ref: `#/definitions/${name}` } } },
        },
        small: { type: "string" },
      },
    });
  });

  it("leaves unique and small subschemas inline", () => {
    const body: JsonObject = { type: "object", properties: { a: bigObject(), b: { type: "string" }, c: { type: "string" } } };
    const { body: hoisted, definitions } = hoistRepeatedSubschemas(body);
    expect(definitions.size).toBe(0);
    expect(hoisted).toEqual(body);
  });
});
