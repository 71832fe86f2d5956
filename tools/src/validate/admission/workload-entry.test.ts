import { describe, expect, it } from "vitest";
import { check, lines, specYaml } from "./test-helpers.js";

describe("WorkloadEntry admission", () => {
  it("accepts the reference page's example and a DNS name", () => {
    const yaml = `
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata:
  name: details-svc
spec:
  serviceAccount: details-legacy
  address: 2.2.2.2
  labels:
    app: details-legacy
    instance-id: vm1
  ports:
    http: 9080
`;
    expect(lines(check(yaml))).toEqual([]);
    expect(lines(check(specYaml("WorkloadEntry", { address: "vm1.example.com" })))).toEqual([]);
  });

  it("wants an address (or a network), a valid one, and no ports on unix sockets", () => {
    expect(lines(check(specYaml("WorkloadEntry", { network: "vpc-1" })))).toEqual([
      "warning /spec: spec: address is unset with network 'vpc-1'",
    ]);
    expect(lines(check(specYaml("WorkloadEntry", { address: "vm_1.example.com", labels: { app: "a b" } })))).toEqual([
      "error /spec/address: spec.address: endpoint address 'vm_1.example.com' is not a valid FQDN or an IP address",
      "error /spec/labels/app: spec.labels[app]: invalid tag value: 'a b' (a label value is letters, digits, '-', '_' and '.', starting and ending alphanumeric)",
    ]);
    expect(lines(check(specYaml("WorkloadEntry", { address: "unix:///var/run/a.sock", ports: { http: 80 } })))).toEqual([
      "error /spec/ports: spec.ports: UDS may not include ports (unix:///var/run/a.sock is a unix domain socket)",
    ]);
  });
});

describe("WorkloadGroup admission", () => {
  it("accepts the reference page's example", () => {
    const yaml = `
apiVersion: networking.istio.io/v1
kind: WorkloadGroup
metadata:
  name: reviews
spec:
  metadata:
    labels:
      app.kubernetes.io/name: reviews
      app.kubernetes.io/version: "1.3.4"
  template:
    ports:
      grpc: 3550
      http: 8080
    serviceAccount: default
  probe:
    initialDelaySeconds: 5
    timeoutSeconds: 3
    periodSeconds: 4
    successThreshold: 3
    failureThreshold: 3
    httpGet:
      path: /foo/bar
      host: 127.0.0.1
      port: 3100
      scheme: HTTPS
      httpHeaders:
      - name: Lit-Header
        value: Im-The-Best
`;
    expect(lines(check(yaml))).toEqual([]);
  });

  it("checks the template and the probe", () => {
    expect(lines(check(specYaml("WorkloadGroup", { probe: { periodSeconds: -1, exec: {} } })))).toEqual([
      "error /spec/template: spec.template: template is required",
      "error /spec/probe/periodSeconds: spec.probe.periodSeconds: periodSeconds must be non-negative",
      "error /spec/probe/exec/command: spec.probe.exec.command: exec.command is required",
    ]);
    expect(lines(check(specYaml("WorkloadGroup", { template: {}, probe: {} })))).toEqual([
      "error /spec/probe: spec.probe: unknown health check method: set httpGet, tcpSocket or exec",
    ]);
    expect(lines(check(specYaml("WorkloadGroup", { template: {}, probe: { grpc: { port: 3550 } } })))).toEqual([
      "error /spec/probe/grpc: spec.probe.grpc: unknown health check method *v1alpha3.ReadinessProbe_Grpc: istiod's webhook refuses grpc probes; use tcpSocket or httpGet",
    ]);
  });
});
