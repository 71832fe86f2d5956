/**
 * `raw` as Go's url.ParseRequestURI reads it (Kubernetes CEL isURL/url(), the CRD API approval
 * annotation): its scheme, lower-cased, and its host (with the port, as Go's URL.Host); undefined
 * when it does not parse as a request URI.
 */
export function parseRequestUri(raw: string): { scheme: string; host: string } | undefined {
  if (raw === "" || /[\u0000-\u001f\u007f]/.test(raw)) return undefined;
  let scheme = "";
  let rest = raw;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? "";
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+.-]/.test(c)) {
      if (i === 0) break;
      continue;
    }
    if (c === ":") {
      if (i === 0) return undefined; // missing protocol scheme
      scheme = raw.slice(0, i);
      rest = raw.slice(i + 1);
    }
    break;
  }
  rest = rest.split("?")[0] ?? "";
  if (!rest.startsWith("/")) return scheme !== "" ? { scheme: scheme.toLowerCase(), host: "" } : undefined;
  let host = "";
  if (scheme !== "" && rest.startsWith("//")) {
    const authority = rest.slice(2).split("/")[0] ?? "";
    host = authority.slice(authority.lastIndexOf("@") + 1);
    if (host.startsWith("[")) {
      if (!/^\[[^\]]*\](?::\d*)?$/.test(host)) return undefined;
    } else if (host.includes(":") && !/^[^:]*:\d*$/.test(host)) return undefined;
  }
  if (/%(?![0-9a-fA-F]{2})/.test(rest)) return undefined;
  return { scheme: scheme.toLowerCase(), host };
}

export function requestUriScheme(raw: string): string | undefined {
  return parseRequestUri(raw)?.scheme;
}
