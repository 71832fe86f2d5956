import { describe, expect, it } from "vitest";
import { isCidr } from "./addresses.js";

describe("addresses", () => {
  it("parses CIDRs like netip.ParsePrefix", () => {
    expect(["10.0.0.0/8", "2001:db8::/32", "10.0.0.1/32"].map(isCidr)).toEqual([true, true, true]);
    expect(["10.0.0.0/33", "10.0.0.0/08", "10.0.0/8", "fe80::1%eth0/64"].map(isCidr)).toEqual([false, false, false, false]);
  });
});
