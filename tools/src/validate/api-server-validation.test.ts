import { describe, expect, it } from "vitest";
import { resourcesFromYaml } from "../load/resources-from-yaml.js";
import { runCli } from "../../test/helpers/run-cli.js";
import { TempTree } from "../../test/helpers/hostile-input.js";
import { apiServerFindings } from "./api-server-validation.js";

/** The API server's messages for the one object of `yaml`, as `line: message`. */
function problems(yaml: string): string[] {
  const { resources, findings } = resourcesFromYaml(yaml, "object.yaml");
  expect(findings).toEqual([]);
  return resources.flatMap(apiServerFindings).map((f) => `${f.location?.line ?? 0}: ${f.message.replace(/ \(the API server refuses this\)$/, "")}`);
}

const service = (metadata: string, ports: string, extra = "") =>
  `apiVersion: v1\nkind: Service\nmetadata:\n${metadata}\nspec:\n${extra}  ports:\n${ports}`;

describe("what the API server (v1.34) refuses beyond the schema", () => {
  it("a Service named Bad_Name with port 70000 and targetPort 0 (which defaults to the port)", () => {
    expect(problems(service("  name: Bad_Name\n  namespace: shop", "  - port: 70000\n    targetPort: 0\n"))).toEqual([
      `4: metadata.name: Invalid value: "Bad_Name": must be an RFC 1035 label: lower-case letters, digits and '-', starting with a letter and ending with a letter or digit (e.g. 'my-name', 'abc-123')`,
      "8: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
      "9: spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
    ]);
  });

  it("accepts what the API server accepts: targetPort 0 or unset defaults to a valid port, a named target port", () => {
    expect(problems(service("  name: api\n  namespace: shop", "  - name: http\n    port: 80\n    targetPort: 0\n  - name: grpc\n    port: 9090\n    targetPort: grpc-api\n"))).toEqual([]);
  });

  it("a Service name that starts with a digit (RFC 1035, RelaxedServiceNameValidation is off by default in 1.34)", () => {
    expect(problems(service("  name: 1api\n  namespace: shop", "  - port: 80\n"))[0]).toMatch(/^4: metadata\.name: Invalid value: "1api": must be an RFC 1035 label/);
  });

  it("target ports: a number out of range, or a name that is not an IANA service name (`'8080'` as a string is one)", () => {
    expect(problems(service("  name: api\n  namespace: shop", "  - name: a\n    port: 80\n    targetPort: -1\n  - name: b\n    port: 81\n    targetPort: '8080'\n  - name: c\n    port: 82\n    targetPort: http--very-long-name\n"))).toEqual([
      "10: spec.ports[0].targetPort: Invalid value: -1: must be between 1 and 65535, inclusive",
      `13: spec.ports[1].targetPort: Invalid value: "8080": a named target port (IANA_SVC_NAME) must contain at least one letter (a-z)`,
      `16: spec.ports[2].targetPort: Invalid value: "http--very-long-name": a named target port (IANA_SVC_NAME) must be no more than 15 characters`,
      `16: spec.ports[2].targetPort: Invalid value: "http--very-long-name": a named target port (IANA_SVC_NAME) must not contain consecutive hyphens`,
    ]);
  });

  it("port names: required and unique when there are several, each an RFC 1123 label; no duplicate protocol and port", () => {
    expect(problems(service("  name: api\n  namespace: shop", "  - port: 80\n  - name: HTTP\n    port: 81\n  - name: web\n    port: 82\n  - name: web\n    port: 82\n"))).toEqual([
      `8: spec.ports[0].name: Invalid value: "": is required when a Service has more than one port`,
      `9: spec.ports[1].name: Invalid value: "HTTP": must be a lowercase RFC 1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit (e.g. 'my-name', '123-abc')`,
      `13: spec.ports[3].name: Invalid value: "web": is a duplicate: port names must be unique`,
      `13: spec.ports[3]: Invalid value: "TCP/82": is a duplicate: each protocol and port pair may appear once`,
    ]);
  });

  it("labels, selector, annotations and the namespace", () => {
    const yaml = service(
      "  name: api\n  namespace: Shop\n  labels:\n    app.kubernetes.io/name: -api\n    bad/key/parts: x\n  annotations:\n    Example.COM/Owner: team\n    'not ok': x",
      "  - port: 80\n",
      "  selector:\n    app: ok\n    tier: '@front'\n",
    );
    expect(problems(yaml)).toEqual([
      `5: metadata.namespace: Invalid value: "Shop": must be a lowercase RFC 1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit (e.g. 'my-name', '123-abc')`,
      `7: metadata.labels.app.kubernetes.io/name: Invalid value: "-api": must be empty or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
      `8: metadata.labels.bad/key/parts: Invalid value: "bad/key/parts": must be a name with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
      `11: metadata.annotations.not ok: Invalid value: "not ok": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
      `15: spec.selector.tier: Invalid value: "@front": must be empty or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    ]);
  });

  it("custom resources get the metadata checks with DNS-subdomain names (apiextensions); RBAC names are path segments", () => {
    expect(problems("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: API_v1\n  namespace: shop\nspec:\n  hosts: [api]\n")).toEqual([
      `4: metadata.name: Invalid value: "API_v1": must be a lowercase RFC 1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. 'example.com')`,
    ]);
    expect(problems("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: system:mesh-reader\n")).toEqual([]);
  });

  it("a CustomResourceDefinition in a group of the Kubernetes project needs the API approval annotation: a URL or a reason starting with unapproved", () => {
    const crd = (group: string, annotation = "") =>
      `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.${group}\n${annotation}spec:\n  group: ${group}\n`;
    const required = `metadata.annotations.api-approved.kubernetes.io: Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111`;
    expect(problems(crd("x-k8s.io"))).toEqual([]);
    expect(problems(crd("gateway.networking.k8s.io"))).toEqual([`3: ${required}`]);
    expect(problems(crd("kubernetes.io"))).toEqual([`3: ${required}`]);
    expect(problems(crd("policy.kubernetes.io", "  annotations:\n    api-approved.kubernetes.io: https://github.com/kubernetes/enhancements/pull/1111\n"))).toEqual([]);
    expect(problems(crd("policy.kubernetes.io", "  annotations:\n    api-approved.kubernetes.io: unapproved, experimental\n"))).toEqual([]);
    expect(problems(crd("policy.kubernetes.io", "  annotations:\n    api-approved.kubernetes.io: yes please\n"))).toEqual([
      `6: metadata.annotations.api-approved.kubernetes.io: Invalid value: "yes please": protected groups must have approval annotation "api-approved.kubernetes.io" with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111`,
    ]);
  });

  it("ConfigMap keys and a Namespace name", () => {
    expect(problems("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: shop\ndata:\n  ok.key: a\n  ../escape: b\n")).toEqual([
      `8: data.../escape: Invalid value: "../escape": must consist of alphanumeric characters, '-', '_' or '.'`,
      `8: data.../escape: Invalid value: "../escape": must not start with '..'`,
    ]);
    expect(problems("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: my.namespace\n")).toEqual([`4: metadata.name: Invalid value: "my.namespace": must not contain dots`]);
  });

  it("validate and check report them with exit 1, as errors of rule api-validation", async () => {
    const tree = await TempTree.create({ "svc.yaml": service("  name: Bad_Name\n  namespace: shop", "  - port: 70000\n    targetPort: 0\n") });
    try {
      const run = await runCli(["validate", "svc.yaml", "--format", "json"], { cwd: tree.root });
      expect(run.exitCode).toBe(1);
      const report = JSON.parse(run.stdout) as { findings: Array<{ ruleId: string; location: { line: number } }> };
      expect(report.findings.map((f) => [f.ruleId, f.location.line])).toEqual([
        ["api-validation", 4],
        ["api-validation", 8],
        ["api-validation", 9],
      ]);
    } finally {
      await tree.remove();
    }
  });
});
