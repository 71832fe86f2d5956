import { describe, expect, it } from "vitest";
import { closestName, listNames } from "./messages.js";

describe("message helpers", () => {
  it("suggests the nearest name for likely typos only", () => {
    expect(closestName("vapora-backnd", ["vapora-backend", "vapora-agents"])).toBe("vapora-backend");
    expect(closestName("sidecar.istio.io/proxyCpu", ["sidecar.istio.io/proxyCPU"])).toBe("sidecar.istio.io/proxyCPU");
    expect(closestName("monitoring", ["vapora"])).toBeUndefined();
  });

  it("lists a few names and counts the rest", () => {
    expect(listNames(["a", "b", "a"])).toBe("a, b");
    expect(listNames(["a", "b", "c", "d", "e"])).toBe("a, b, c and 2 more");
  });
});
