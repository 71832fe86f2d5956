/**
 * The string formats the Kubernetes API server checks names, labels and ports against
 * (k8s.io/apimachinery/pkg/util/validation and pkg/api/validate/content, v1.34). Each returns
 * what is wrong, empty when the value is valid.
 */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A DNS-1123 subdomain, as the pattern of a JSON schema too (the schemas of custom resources' names). */
export const DNS1123_SUBDOMAIN_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
const DNS1123_SUBDOMAIN = new RegExp(DNS1123_SUBDOMAIN_PATTERN);
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_KEY_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

const LABEL_MAX = 63;
export const SUBDOMAIN_MAX = 253;

function tooLong(value: string, max: number): string[] {
  return value.length > max ? [`must be no more than ${max} characters`] : [];
}

/** RFC 1123 label: a Namespace name, a Service port name. */
export function dns1123LabelProblems(value: string): string[] {
  if (DNS1123_LABEL.test(value)) return tooLong(value, LABEL_MAX);
  if (DNS1123_SUBDOMAIN.test(value)) return [...tooLong(value, LABEL_MAX), "must not contain dots"];
  return [...tooLong(value, LABEL_MAX), "must be a lowercase RFC 1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit (e.g. 'my-name', '123-abc')"];
}

/** RFC 1123 subdomain: most object names. */
export function dns1123SubdomainProblems(value: string): string[] {
  return [
    ...tooLong(value, SUBDOMAIN_MAX),
    ...(DNS1123_SUBDOMAIN.test(value) ? [] : ["must be a lowercase RFC 1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. 'example.com')"]),
  ];
}

/** RFC 1035 label: a Service name (it becomes a DNS label that must not start with a digit). */
export function dns1035LabelProblems(value: string): string[] {
  return [
    ...tooLong(value, LABEL_MAX),
    ...(DNS1035_LABEL.test(value) ? [] : ["must be an RFC 1035 label: lower-case letters, digits and '-', starting with a letter and ending with a letter or digit (e.g. 'my-name', 'abc-123')"]),
  ];
}

/** A path segment name (RBAC objects): anything but `.`, `..` and names holding `/` or `%`. */
export function pathSegmentNameProblems(value: string): string[] {
  if (value === "." || value === "..") return [`may not be '${value}'`];
  return /[/%]/.test(value) ? ["may not contain '/' or '%'"] : [];
}

/** A label key, annotation key or finalizer: `[prefix/]name`, the prefix a DNS subdomain. */
export function qualifiedNameProblems(value: string): string[] {
  const parts = value.split("/");
  const problems: string[] = [];
  let name: string;
  if (parts.length === 1) name = parts[0] ?? "";
  else if (parts.length === 2) {
    const prefix = parts[0] ?? "";
    name = parts[1] ?? "";
    if (prefix === "") problems.push("prefix part must be non-empty");
    else problems.push(...dns1123SubdomainProblems(prefix).map((problem) => `prefix part ${problem}`));
  } else {
    return ["must be a name with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
  }
  if (name === "") problems.push("name part must be non-empty");
  else if (name.length > LABEL_MAX) problems.push(`name part must be no more than ${LABEL_MAX} characters`);
  if (!LABEL_KEY_NAME.test(name)) problems.push("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
  return problems;
}

/** A label value: empty, or up to 63 alphanumerics, '-', '_' and '.', starting and ending alphanumeric. */
export function labelValueProblems(value: string): string[] {
  return [
    ...tooLong(value, LABEL_MAX),
    ...(LABEL_VALUE.test(value) ? [] : ["must be empty or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"]),
  ];
}

/** IANA_SVC_NAME: a named target port (at most 15 of a-z, 0-9, '-', at least one letter, no '--', no '-' at either end). */
export function portNameProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > 15) problems.push("must be no more than 15 characters");
  if (!/^[-a-z0-9]+$/.test(value)) problems.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!/[a-z]/.test(value)) problems.push("must contain at least one letter (a-z)");
  if (value.includes("--")) problems.push("must not contain consecutive hyphens");
  if (value.startsWith("-") || value.endsWith("-")) problems.push("must not begin or end with a hyphen");
  return problems;
}

export function portNumberProblems(value: number): string[] {
  return Number.isInteger(value) && value >= 1 && value <= 65535 ? [] : ["must be between 1 and 65535, inclusive"];
}

/** A ConfigMap or Secret data key. */
export function configMapKeyProblems(value: string): string[] {
  const problems = [...tooLong(value, SUBDOMAIN_MAX)];
  if (!CONFIG_MAP_KEY.test(value)) problems.push("must consist of alphanumeric characters, '-', '_' or '.'");
  if (value === "." || value === "..") problems.push(`must not be '${value}'`);
  else if (value.startsWith("..")) problems.push("must not start with '..'");
  return problems;
}
