import { describe, expect, it } from "vitest";
import { convertProtocol, isHttpProtocol, isTcpProtocol, isTlsProtocol, parseProtocol } from "./protocol.js";

describe("parseProtocol (Istio protocol.Parse)", () => {
  it("knows Istio's protocols, case-insensitively", () => {
    expect(parseProtocol("HTTP")).toBe("HTTP");
    expect(parseProtocol("grpc-web")).toBe("GRPC-Web");
    expect(parseProtocol("Http_Proxy")).toBe("HTTP_PROXY");
    expect(parseProtocol("mysql")).toBe("MySQL");
    expect(parseProtocol("h2c")).toBe("Unsupported");
    expect(parseProtocol("")).toBe("Unsupported");
  });

  it("classifies protocols like Instance.IsHTTP / IsTCP / IsTLS", () => {
    expect(isHttpProtocol("GRPC-Web")).toBe(true);
    expect(isHttpProtocol("HTTPS")).toBe(false);
    expect(isTcpProtocol("HTTPS")).toBe(true);
    expect(isTcpProtocol("UDP")).toBe(false);
    expect(isTlsProtocol("TLS")).toBe(true);
  });
});

describe("convertProtocol (Istio kube.ConvertProtocol)", () => {
  it("reads <protocol> or <protocol>-suffix from the name", () => {
    expect(convertProtocol({ name: "http" })).toBe("HTTP");
    expect(convertProtocol({ name: "http-api" })).toBe("HTTP");
    expect(convertProtocol({ name: "HTTP2" })).toBe("HTTP2");
    expect(convertProtocol({ name: "grpc-web-ui" })).toBe("GRPC-Web");
    expect(convertProtocol({ name: "tcp-db" })).toBe("TCP");
    expect(convertProtocol({ name: "https-admin" })).toBe("HTTPS");
    expect(convertProtocol({ name: "httpapi" })).toBe("Unsupported");
    expect(convertProtocol({ name: "api" })).toBe("Unsupported");
    expect(convertProtocol({})).toBe("Unsupported");
  });

  it("lets appProtocol win over the name", () => {
    expect(convertProtocol({ name: "http-db", appProtocol: "tcp" })).toBe("TCP");
    expect(convertProtocol({ name: "tcp", appProtocol: "grpc" })).toBe("GRPC");
    expect(convertProtocol({ name: "http", appProtocol: "custom" })).toBe("Unsupported");
  });

  it("maps Kubernetes' standard appProtocols, only as appProtocol", () => {
    expect(convertProtocol({ appProtocol: "kubernetes.io/h2c" })).toBe("HTTP2");
    expect(convertProtocol({ appProtocol: "kubernetes.io/ws" })).toBe("HTTP");
    expect(convertProtocol({ appProtocol: "kubernetes.io/wss" })).toBe("HTTPS");
    expect(convertProtocol({ name: "h2c" })).toBe("Unsupported");
  });

  it("treats UDP ports as UDP and unnamed well-known ports as TCP", () => {
    expect(convertProtocol({ name: "http", protocol: "UDP" })).toBe("UDP");
    expect(convertProtocol({ port: 3306 })).toBe("TCP");
    expect(convertProtocol({ port: 53, name: "dns" })).toBe("TCP");
    expect(convertProtocol({ port: 3306, name: "http" })).toBe("HTTP");
    expect(convertProtocol({ port: 8080 })).toBe("Unsupported");
  });
});
