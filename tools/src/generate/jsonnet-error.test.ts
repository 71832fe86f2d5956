import { describe, expect, it } from "vitest";
import { locateJsonnetError, parseJsonnetError } from "./jsonnet-error.js";

const ROOT = "/repo";
const where = { repoRoot: ROOT, libraryDir: "base/catalog/lib" };

describe("parseJsonnetError (libjsonnet v0.20 error text)", () => {
  it("reads a static error's position and message", () => {
    expect(parseJsonnetError("STATIC ERROR: /repo/base/catalog/catalog.jsonnet:8:7: expected a comma before next field.\n")).toEqual({
      kind: "static",
      message: "expected a comma before next field.",
      frames: [{ file: "/repo/base/catalog/catalog.jsonnet", line: 8, column: 7 }],
    });
    expect(parseJsonnetError("STATIC ERROR: /repo/c.jsonnet:(3:1)-(4:2): unknown variable: x\n").frames).toEqual([{ file: "/repo/c.jsonnet", line: 3, column: 1 }]);
  });

  it("reads a runtime error's message and frames, innermost first, in every position form", () => {
    const text =
      "RUNTIME ERROR: call a -> b: port 1: no\nsecond line\n" +
      "\t/repo/base/catalog/lib/mesh.libsonnet:(340:7)-(342:60)\tfunction <anonymous>\n" +
      "\tstd.jsonnet:1545:21\tfunction <anonymous>\n" +
      "\t/repo/base/catalog/catalog.jsonnet:11:5-48\tthunk <array_element>\n" +
      "\t/repo/base/catalog/lib/mesh.libsonnet:420:16\tobject <anonymous>\n" +
      "\tDuring manifestation\t\n";
    expect(parseJsonnetError(text)).toEqual({
      kind: "runtime",
      message: "call a -> b: port 1: no\nsecond line",
      frames: [
        { file: "/repo/base/catalog/lib/mesh.libsonnet", line: 340, column: 7 },
        { file: "std.jsonnet", line: 1545, column: 21 },
        { file: "/repo/base/catalog/catalog.jsonnet", line: 11, column: 5 },
        { file: "/repo/base/catalog/lib/mesh.libsonnet", line: 420, column: 16 },
      ],
    });
  });

  it("keeps anything else as it is", () => {
    expect(parseJsonnetError("Opening input file: /repo/x.jsonnet: No such file or directory")).toEqual({
      kind: "other",
      message: "Opening input file: /repo/x.jsonnet: No such file or directory",
      frames: [],
    });
  });
});

describe("locateJsonnetError", () => {
  const frame = (file: string, line: number) => ({ file, line, column: 5 });

  it("points at the innermost frame outside the mesh library and std, and keeps the library line", () => {
    const parsed = {
      kind: "runtime" as const,
      message: "m",
      frames: [frame("/repo/base/catalog/lib/mesh.libsonnet", 340), frame("std.jsonnet", 1), frame("/repo/base/catalog/catalog.jsonnet", 11)],
    };
    expect(locateJsonnetError(parsed, where)).toEqual({
      location: { file: "base/catalog/catalog.jsonnet", line: 11, column: 5 },
      raisedAt: { file: "base/catalog/lib/mesh.libsonnet", line: 340, column: 5 },
    });
  });

  it("has no location when every frame is in a library, and keeps a static error where it is", () => {
    expect(locateJsonnetError({ kind: "runtime", message: "m", frames: [frame("/repo/base/catalog/lib/mesh.libsonnet", 9)] }, where)).toEqual({
      location: undefined,
      raisedAt: { file: "base/catalog/lib/mesh.libsonnet", line: 9, column: 5 },
    });
    expect(locateJsonnetError({ kind: "static", message: "m", frames: [frame("/repo/base/catalog/lib/mesh.libsonnet", 9)] }, where)).toEqual({
      location: { file: "base/catalog/lib/mesh.libsonnet", line: 9, column: 5 },
      raisedAt: undefined,
    });
  });
});
