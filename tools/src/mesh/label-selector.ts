import { isJsonObject } from "../model/resource.js";

/**
 * Kubernetes' metav1.LabelSelector (matchLabels and matchExpressions with In, NotIn, Exists,
 * DoesNotExist), as LabelSelectorAsSelector evaluates it: an absent selector matches everything; one
 * that does not convert (an unknown operator, In without values) matches nothing.
 */
export function labelSelectorMatches(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  if (selector === undefined || selector === null) return true;
  if (!isJsonObject(selector)) return false;
  const matchLabels = isJsonObject(selector["matchLabels"]) ? selector["matchLabels"] : {};
  for (const [key, value] of Object.entries(matchLabels)) if (labels[key] !== value) return false;
  const expressions = Array.isArray(selector["matchExpressions"]) ? selector["matchExpressions"] : [];
  for (const expression of expressions) {
    if (!isJsonObject(expression) || typeof expression["key"] !== "string") return false;
    const key = expression["key"];
    const values = Array.isArray(expression["values"]) ? expression["values"].filter((v): v is string => typeof v === "string") : [];
    const has = Object.hasOwn(labels, key);
    switch (expression["operator"]) {
      case "In":
        if (values.length === 0 || !has || !values.includes(labels[key] ?? "")) return false;
        break;
      case "NotIn":
        if (values.length === 0) return false;
        if (has && values.includes(labels[key] ?? "")) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
