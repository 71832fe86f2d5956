// Header name syntax as istiod checks it (RFC 7230 token characters).
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/;
// istiod validStrictHeaderNameRegex (kept for backwards compatibility) and validProbeHeaderNameRegex (Kubernetes').
const STRICT_HEADER_NAME = /^[-_A-Za-z0-9]+$/;
const PROBE_HEADER_NAME = /^[-A-Za-z0-9]+$/;
const PSEUDO_HEADERS = new Set([":method", ":scheme", ":authority", ":path", ":status"]);
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000A-\u001F\u007F]/;

/** `@request.auth.claims.<name>` or `@request.auth.claims[<name>]...`: JWT claim routing (gateway only). */
export function isJwtClaimRoute(name: string): boolean {
  const prefix = "@request.auth.claims";
  if (!name.toLowerCase().startsWith(prefix)) return false;
  const rest = name.slice(prefix.length);
  return (rest.startsWith(".") && rest.length > 1) || (rest.startsWith("[") && rest.endsWith("]") && rest.length > 2);
}

/** istiod ValidateHTTPHeaderNameOrJwtClaimRoute (match headers / withoutHeaders keys). */
export function matchHeaderNameError(name: string): string | undefined {
  if (name === "") return "header name cannot be empty";
  if (isJwtClaimRoute(name) || PSEUDO_HEADERS.has(name)) return undefined;
  if (!HEADER_NAME.test(name)) return `header name ${name} is not a valid header name`;
  return undefined;
}

/** istiod ValidateCORSHTTPHeaderName: a header name or `*`. */
export function corsHeaderNameError(name: string): string | undefined {
  if (name === "") return "header name cannot be empty";
  if (name === "*" || HEADER_NAME.test(name)) return undefined;
  return `header name ${name} is not a valid header name`;
}

/** istiod ValidateStrictHTTPHeaderName (letters, digits, '-' and '_'). */
export function strictHeaderNameError(name: string): string | undefined {
  if (name === "") return "header name cannot be empty";
  return STRICT_HEADER_NAME.test(name) ? undefined : `header name ${name} is not a valid header name (letters, digits, '-' and '_' only)`;
}

/** istiod ValidateProbeHeaderName, as Kubernetes checks probe headers (letters, digits and '-'). */
export function probeHeaderNameError(name: string): string | undefined {
  if (name === "") return "header name cannot be empty";
  return PROBE_HEADER_NAME.test(name) ? undefined : `header name ${name} is not a valid header name (letters, digits and '-' only)`;
}

const isInternalHeader = (name: string): boolean => name.startsWith(":") || name.toLowerCase() === "host";
export const isAuthorityHeader = (name: string): boolean => name.toLowerCase() === ":authority" || name.toLowerCase() === "host";

/** istiod ValidateHTTPHeaderWithAuthorityOperationName: request headers set/added. */
export function requestSetHeaderNameError(name: string): string | undefined {
  if (name === "") return "header name cannot be empty";
  if (isInternalHeader(name) && !isAuthorityHeader(name)) return `invalid header '${name}': header cannot have ":" prefix`;
  return undefined;
}

/** istiod ValidateHTTPHeaderOperationName: request headers removed, response headers changed. */
export function headerOperationNameError(name: string): string | undefined {
  if (name === "") return "header name cannot be empty";
  if (name.toLowerCase() === "host") return `invalid header '${name}': cannot set Host header`;
  if (isInternalHeader(name)) return `invalid header '${name}': header cannot have ":" prefix`;
  return undefined;
}

/**
 * istiod ValidateHTTPHeaderValue: no control characters, and Envoy's `%VARIABLE%` syntax well formed
 * (`%%` for a literal percent).
 */
export function headerValueError(value: string): string | undefined {
  if (CONTROL_CHARS.test(value)) return `header value configuration ${value} is invalid (control characters)`;
  const problem = envoyFormatError(value);
  return problem === undefined ? undefined : `header value configuration: ${problem}`;
}

type State = "literal" | "name" | "expectArray" | "expectString" | "string" | "expectDelimiterOrEnd" | "expectArgsEnd" | "expectVariableEnd";

/** A port of Envoy's header formatter parser, as istiod runs it (header_value_validator.go). */
function envoyFormatError(value: string): string | undefined {
  let state: State = "literal";
  for (let pos = 0; pos < value.length; pos++) {
    const ch = value[pos];
    const hasNext = pos + 1 < value.length;
    switch (state) {
      case "literal":
        if (ch !== "%") break;
        if (!hasNext) return "invalid header configuration. Un-escaped % (write %% for a literal percent)";
        if (value[pos + 1] === "%") {
          pos++;
          break;
        }
        state = "name";
        break;
      case "name":
        if (ch === "%") state = "literal";
        else if (ch === "(") state = "expectArray";
        break;
      case "expectArray":
        if (ch === "[") state = "expectString";
        else if (ch !== " ") state = "string";
        break;
      case "expectDelimiterOrEnd":
        if (ch === ",") state = "expectString";
        else if (ch === "]") state = "expectArgsEnd";
        else if (ch !== " ") return "invalid header configuration. Expecting ',', ']', or whitespace";
        break;
      case "expectString":
        if (ch === '"') state = "string";
        else if (ch !== " ") return "invalid header configuration. Expecting '\"'";
        break;
      case "string":
        if (ch === "\\") {
          if (!hasNext) return "invalid header configuration. Un-terminated backslash in JSON string";
          pos++;
        } else if (ch === ")") state = "expectVariableEnd";
        else if (ch === '"') state = "expectDelimiterOrEnd";
        break;
      case "expectArgsEnd":
        if (ch === ")") state = "expectVariableEnd";
        else if (ch !== " ") return "invalid header configuration. Expecting ')' or whitespace";
        break;
      case "expectVariableEnd":
        if (ch === "%") state = "literal";
        else if (ch !== " ") return "invalid header configuration. Expecting '%' or whitespace after";
        break;
    }
  }
  return state === "literal" ? undefined : `invalid header configuration. Un-terminated variable expression '${value}' (write %% for a literal percent)`;
}
