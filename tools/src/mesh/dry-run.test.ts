import { describe, expect, it } from "vitest";
import { isDryRunValue, parseGoBool } from "./dry-run.js";

describe("parseGoBool (Go strconv.ParseBool)", () => {
  it("accepts exactly Go's spellings", () => {
    for (const value of ["1", "t", "T", "TRUE", "true", "True"]) expect(parseGoBool(value)).toBe(true);
    for (const value of ["0", "f", "F", "FALSE", "false", "False"]) expect(parseGoBool(value)).toBe(false);
    for (const value of ["", "yes", "tRUE", " true", "2"]) expect(parseGoBool(value)).toBeUndefined();
  });

  it("treats only a true value as dry-run", () => {
    expect(isDryRunValue("true")).toBe(true);
    expect(isDryRunValue("false")).toBe(false);
    expect(isDryRunValue("yes")).toBe(false);
    expect(isDryRunValue(undefined)).toBe(false);
  });
});
