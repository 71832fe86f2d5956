import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

/** Compares `actual` with a golden file exactly; `UPDATE_GOLDEN=1 npm test` rewrites the file instead. */
export function expectGolden(actual: string, golden: URL): void {
  const file = fileURLToPath(golden);
  if (process.env["UPDATE_GOLDEN"] === "1") {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`golden file ${file} is missing; create it with UPDATE_GOLDEN=1 npm test`);
  expect(actual, `output differs from ${path.basename(file)} (UPDATE_GOLDEN=1 regenerates it)`).toBe(readFileSync(file, "utf8"));
}
