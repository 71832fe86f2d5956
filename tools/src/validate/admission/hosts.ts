import { isIpAddress } from "../../mesh/addresses.js";

// Label syntax as istiod checks it (pkg/config/labels): letters of either case, digits, '-' inside.
const DNS1123_LABEL = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
// A first host label may be '*', or a label with a leading '*' or '*-'.
const WILDCARD_LABEL = /^(?:\*|(?:\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;

export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && DNS1123_LABEL.test(value);
}

export function isWildcardDns1123Label(value: string): boolean {
  return value.length <= 63 && WILDCARD_LABEL.test(value);
}

function dnsPreconditions(name: string): string | undefined {
  if (name.length > 255) return `domain name '${name}' too long (max 255)`;
  if (name.length === 0) return "empty domain name not allowed";
  return undefined;
}

/** `shown` is the whole name, for messages (istiod names only the part after a wildcard label). */
function dnsLabels(domain: string, shown = domain): string | undefined {
  const parts = domain.split(".");
  const top = parts[parts.length - 1] ?? "";
  if (/^[+-]?\d+$/.test(top)) return `domain name '${shown}' invalid (top level domain '${top}' cannot be all-numeric)`;
  for (let i = 0; i < parts.length; i++) {
    const label = parts[i] ?? "";
    if (i === parts.length - 1 && label === "") return undefined; // trailing dot: `istio.io.`
    if (!isDns1123Label(label)) return `domain name '${shown}' invalid (label '${label}' invalid)`;
  }
  return undefined;
}

/** istiod ValidateFQDN: a DNS name without wildcards. Returns the problem, or undefined. */
export function fqdnError(fqdn: string): string | undefined {
  return dnsPreconditions(fqdn) ?? dnsLabels(fqdn);
}

/** istiod ValidateWildcardDomain: a DNS name whose first label may be a wildcard (`*`, `*.x`, `*-x.y`). */
export function wildcardDomainError(domain: string): string | undefined {
  const pre = dnsPreconditions(domain);
  if (pre !== undefined) return pre;
  const dot = domain.indexOf(".");
  const first = dot === -1 ? domain : domain.slice(0, dot);
  if (!isWildcardDns1123Label(first)) return `domain name '${domain}' invalid (label '${first}' invalid)`;
  return dot === -1 ? undefined : dnsLabels(domain.slice(dot + 1), domain);
}

/** istiod ValidatePartialWildCard: `*` alone or `*.` as the first label, never `*foo` or `a.*.b`. */
export function partialWildcardError(host: string): string | undefined {
  if (host.includes("*") && host.length !== 1 && !host.startsWith("*.")) return `partial wildcard '${host}' not allowed`;
  return undefined;
}

/**
 * The host part of a Sidecar egress or Gateway server host (istiod validateSidecarOrGatewayHostnamePart):
 * a FQDN (no short names), `*`, or `*.suffix`; gateways also take an IP address.
 */
function hostPartErrors(hostname: string, isGateway: boolean): string[] {
  const errors: string[] = [];
  if (hostname !== "*" && !hostname.includes(".")) errors.push("short names (non FQDN) are not allowed");
  const err = wildcardDomainError(hostname);
  if (err !== undefined && !(isGateway && isIpAddress(hostname))) errors.push(err);
  const partial = partialWildcardError(hostname);
  if (partial !== undefined) errors.push(partial);
  return errors;
}

/**
 * `namespace/dnsName` hosts (Sidecar egress, Gateway servers). Gateways also take a bare host
 * (the old style); sidecars require the namespace part.
 */
export function namespacedHostErrors(host: string, isGateway: boolean): string[] {
  const slash = host.indexOf("/");
  if (slash === -1) {
    if (isGateway) return hostPartErrors(host, true);
    return ["host must be of form namespace/dnsName"];
  }
  const ns = host.slice(0, slash);
  const name = host.slice(slash + 1);
  const errors: string[] = [];
  if (ns === "" || name === "") errors.push("config namespace and dnsName in host entry cannot be empty");
  // Sidecars may exclude a namespace with a leading `~` (`~kube-system/*`, or `~/*` for none).
  const bare = isGateway ? ns : ns.replace(/^~/, "");
  if (!(isGateway ? ["*", "."] : ["", "*", "."]).includes(bare) && !isDns1123Label(bare)) {
    errors.push(`invalid namespace value '${ns}' in ${isGateway ? "gateway" : "sidecar"}`);
  }
  errors.push(...hostPartErrors(name, isGateway));
  return errors;
}
