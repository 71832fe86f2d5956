import { describe, expect, it } from "vitest";
import { selectorMap, labelsMatch, readLabelMap, readMatchLabels } from "./selector.js";

describe("readLabelMap", () => {
  it("reads string maps, and absent as empty", () => {
    expect(readLabelMap({ app: "a" }, "labels")).toEqual({ labels: { app: "a" }, invalid: undefined });
    expect(readLabelMap(undefined, "labels")).toEqual({ labels: {}, invalid: undefined });
    expect(readLabelMap(null, "labels")).toEqual({ labels: {}, invalid: undefined });
  });

  it("rejects non-string values and non-maps, so they select nothing", () => {
    expect(readLabelMap({ app: "a", version: 5 }, "selector.matchLabels").invalid).toBe('selector.matchLabels.version is 5, not a string (quote it)');
    expect(readLabelMap("app=a", "labels").invalid).toBe('labels is "app=a", not a map');
    expect(selectorMap({ version: true })).toBeNull();
    expect(selectorMap(["a"])).toBeNull();
    expect(selectorMap(undefined)).toEqual({});
  });
});

describe("readMatchLabels", () => {
  it("is namespace-wide when absent or empty", () => {
    expect(readMatchLabels(undefined)).toEqual({ labels: undefined, invalid: undefined });
    expect(readMatchLabels({})).toEqual({ labels: undefined, invalid: undefined });
    expect(readMatchLabels({ matchLabels: {} })).toEqual({ labels: undefined, invalid: undefined });
    expect(readMatchLabels({ matchLabels: { app: "a" } })).toEqual({ labels: { app: "a" }, invalid: undefined });
  });

  it("is invalid, not namespace-wide, for wrong types", () => {
    expect(readMatchLabels("app").invalid).toBe('selector is "app", not a map');
    expect(readMatchLabels({ matchLabels: "app=a" }).invalid).toBe('selector.matchLabels is "app=a", not a map');
    expect(readMatchLabels({ matchLabels: { app: 5 } }).invalid).toBe("selector.matchLabels.app is 5, not a string (quote it)");
  });
});

describe("labelsMatch", () => {
  it("needs every selector label among the labels", () => {
    expect(labelsMatch({}, { app: "a" })).toBe(true);
    expect(labelsMatch({ app: "a" }, { app: "a", v: "1" })).toBe(true);
    expect(labelsMatch({ app: "a", v: "2" }, { app: "a", v: "1" })).toBe(false);
    expect(labelsMatch({ constructor: "x" }, {})).toBe(false);
    expect(labelsMatch(null, { app: "a" })).toBe(false);
  });
});
