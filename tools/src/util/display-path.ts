import path from "node:path";

/** Relative to `cwd` when inside it, so reports and messages hold no absolute paths; forward slashes always. */
export function displayPath(absolute: string, cwd: string): string {
  const relative = path.relative(cwd, absolute);
  const shown = relative.startsWith("..") || path.isAbsolute(relative) ? absolute : relative;
  return shown.split(path.sep).join("/");
}
