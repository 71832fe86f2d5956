import { describe, expect, it } from "vitest";
import { pointerForField } from "./dry-run-findings.js";

describe("pointerForField: the API server's field paths as JSON pointers into the object", () => {
  const object = { metadata: { labels: { "app.kubernetes.io/name": "api", "0": "zero" } }, spec: { http: [{ route: [{ weight: 1 }, { weight: 2 }] }], portLevelMtls: { "8080": { mode: "STRICT" } } } };

  it("reads [n] as a list index where the object has a list, and as a map key where it has a map", () => {
    expect(pointerForField(object, "spec.http[0].route[1].weight")).toBe("/spec/http/0/route/1/weight");
    expect(pointerForField(object, "spec.portLevelMtls[8080].mode")).toBe("/spec/portLevelMtls/8080/mode");
    expect(pointerForField(object, "metadata.labels[app.kubernetes.io/name]")).toBe("/metadata/labels/app.kubernetes.io~1name");
    expect(pointerForField(object, "metadata.labels[0]")).toBe("/metadata/labels/0");
  });

  it("accepts the leading dot of decoding errors, and fields the object does not have", () => {
    expect(pointerForField(object, ".spec.hostz")).toBe("/spec/hostz");
    expect(pointerForField(object, "spec.http[3].timeout")).toBe("/spec/http/3/timeout");
  });
});
