import { isIPv4, isIPv6 } from "node:net";

/** IP addresses and CIDR ranges as Istio parses them (Go net/netip), read by admission and the annotation checks. */

/** Go netip.ParseAddr: a plain IPv4 or IPv6 address (IPv6 may carry a zone). */
export function isIpAddress(value: string): boolean {
  return isIPv4(value) || isIPv6(value);
}

/** Go netip.ParsePrefix: `<address>/<bits>`, bits within the family's size, no zone. */
export function isCidr(value: string): boolean {
  const slash = value.lastIndexOf("/");
  if (slash === -1) return false;
  const address = value.slice(0, slash);
  const bits = value.slice(slash + 1);
  if (!/^(?:0|[1-9]\d{0,2})$/.test(bits)) return false;
  if (isIPv4(address)) return Number(bits) <= 32;
  if (isIPv6(address) && !address.includes("%")) return Number(bits) <= 128;
  return false;
}
