import { isJsonObject, type Resource } from "../model/resource.js";

/** Istio's suppression annotation: a comma-separated list of IST codes, or `*`, that `istioctl analyze` does not report on the object. */
export const ISTIO_SUPPRESS_ANNOTATION = "galley.istio.io/analyze-suppress";

/** The IST codes Istio's annotation suppresses on this object (`*` for all). */
export function istioSuppressedCodes(resource: Resource): Set<string> {
  const metadata = resource.object["metadata"];
  const annotations = isJsonObject(metadata) && isJsonObject(metadata["annotations"]) ? metadata["annotations"] : {};
  const value = annotations[ISTIO_SUPPRESS_ANNOTATION];
  return new Set((typeof value === "string" ? value : "").split(",").map((c) => c.trim()).filter((c) => c !== ""));
}

/** True when the annotation suppresses `code`. */
export function suppressesCode(codes: ReadonlySet<string>, code: string | undefined): boolean {
  return code !== undefined && (codes.has(code) || codes.has("*"));
}
