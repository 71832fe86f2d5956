/** `/spec/http/0/retries` → `spec.http[0].retries`, the way kubectl names fields. */
export function fieldName(pointer: string): string {
  if (pointer === "") return "(object)";
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce((name, segment) => (/^\d+$/.test(segment) ? `${name}[${segment}]` : name === "" ? segment : `${name}.${segment}`), "");
}
