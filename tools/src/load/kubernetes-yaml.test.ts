import { mkdir, symlink } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { aliasBomb, SERVICE_ACCOUNT, TempTree } from "../../test/helpers/hostile-input.js";
import { allowedAliasRatio } from "./alias-budget.js";
import { resolvePlainScalar } from "./kubernetes-yaml-schema.js";
import { loadPaths } from "./load-paths.js";
import { resourcesFromYaml } from "./resources-from-yaml.js";
import { parseYamlDocuments } from "./yaml-documents.js";


describe("YAML read as kubectl and kubeconform read it (sigs.k8s.io/yaml, go-yaml v2)", () => {
  it.each([
    ["0755", 493],
    ["0o755", 493],
    ["-0755", -493],
    ["0x1F", 31],
    ["0b101", 5],
    ["1_000", 1000],
    ["+12", 12],
    ["08", 8], // not octal: go-yaml falls back to a float
    ["1e3", 1000],
    [".5", 0.5],
    ["yes", true],
    ["On", true],
    ["n", false],
    ["OFF", false],
    ["~", null],
    ["Null", null],
    ["2024-01-01", "2024-01-01"], // timestamps stay strings
    ["12:30", "12:30"], // no sexagesimal numbers
    ["1e400", "1e400"], // out of float range: kept as text
    ["0x", "0x"],
  ])("reads %s as %j", (text, expected) => {
    expect(resolvePlainScalar(text).value).toEqual(expected);
    expect(parseYamlDocuments(`v: ${text}\n`).documents[0]?.value).toEqual({ v: expected });
  });

  it("keeps quoted scalars as strings", () => {
    expect(parseYamlDocuments("a: '0755'\nb: \"yes\"\n").documents[0]?.value).toEqual({ a: "0755", b: "yes" });
  });

  it("merges `<<` keys, an explicit key winning over a merged one, earlier merges over later", () => {
    const { documents, problems } = parseYamlDocuments(
      "defaults: &d { timeout: 5s, retries: 2 }\nother: &o { retries: 9, tls: true }\nroute:\n  <<: [*d, *o]\n  timeout: 9s\n",
    );
    expect(problems).toEqual([]);
    expect((documents[0]?.value as { route: unknown }).route).toEqual({ timeout: "9s", retries: 2, tls: true });
    // No false "unknown field <<" for a Kubernetes object that uses them.
    const { resources, findings } = resourcesFromYaml("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  <<: { name: a, namespace: shop }\n", "m.yaml");
    expect(findings).toEqual([]);
    expect(resources.map((r) => [r.name, r.namespace])).toEqual([["a", "shop"]]);
  });

  it("refuses a merge of something that is not a mapping", () => {
    expect(parseYamlDocuments("a:\n  <<: 1\n").problems[0]?.message).toMatch(/cannot merge mappings/);
  });

  it("refuses .inf and .nan, which JSON cannot hold", () => {
    expect(parseYamlDocuments("a: .inf\n").problems[0]?.message).toMatch(/not a number JSON can hold/);
  });
});

describe("YAML aliases are bounded as Kubernetes' decoders bound them", () => {
  it("refuses a 10 x 10 alias bomb of a few hundred bytes at once, with its file and line", () => {
    const bomb = aliasBomb(10, 10);
    expect(bomb.length).toBeLessThan(700);
    const { resources, findings } = resourcesFromYaml(bomb, "bomb.yaml");
    expect(resources).toEqual([]);
    expect(findings).toEqual([
      expect.objectContaining({ ruleId: "yaml-syntax", location: { file: "bomb.yaml", line: 7 }, message: expect.stringMatching(/^document contains excessive aliasing: \d+ of the first \d+ values come from aliases; Kubernetes refuses/) }),
    ]);
  });

  it("refuses an anchor inside its own value (js-yaml would build a cycle)", () => {
    expect(parseYamlDocuments("a: &a [1, *a]\n").problems).toEqual([{ line: 1, kind: "aliasing", message: expect.stringMatching(/^anchor 'a' value contains itself/) }]);
    expect(parseYamlDocuments("a: &a\n  b: *a\n").problems[0]?.kind).toBe("aliasing");
  });

  it("accepts ordinary reuse: aliases below go-yaml's floors (100 aliases, 1000 values) and in proportion above them", () => {
    const defaults = "defaults: &d { timeout: 5s, retries: 2, tls: true }\n";
    const routes = Array.from({ length: 150 }, (_, i) => `r${i}: { name: r${i}, path: /p${i}, settings: *d }`).join("\n");
    expect(parseYamlDocuments(`${defaults}${routes}\n`).problems).toEqual([]);
    expect(parseYamlDocuments(aliasBomb(3, 10)).problems).toEqual([]);
  });

  it("allows 99% of values from aliases up to 400,000, falling linearly to 10% at 4,000,000 (go-yaml's allowedAliasRatio)", () => {
    expect(allowedAliasRatio(1000)).toBe(0.99);
    expect(allowedAliasRatio(400_000)).toBe(0.99);
    expect(allowedAliasRatio(2_200_000)).toBeCloseTo(0.545, 10);
    expect(allowedAliasRatio(4_000_000)).toBe(0.1);
    expect(allowedAliasRatio(9_000_000)).toBe(0.1);
  });
});

describe("loading files: UTF-8 only, symbolic links kept inside the repository", () => {
  let tree: TempTree;
  let outside: TempTree;
  beforeEach(async () => {
    tree = await TempTree.create({ "repo/ok.yaml": SERVICE_ACCOUNT.replace("name: api", "name: a") });
    outside = await TempTree.create({ "secret.yaml": SERVICE_ACCOUNT.replace("name: api", "name: outside") });
  });
  afterEach(async () => {
    await tree.remove();
    await outside.remove();
  });

  it("refuses a file that is not UTF-8 at the line of the first bad byte (kubectl and kustomize refuse it)", async () => {
    await tree.write({ "repo/latin1.yaml": Buffer.concat([Buffer.from("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: caf"), Buffer.from([0xe9]), Buffer.from("\n")]) });
    const { resources, findings } = await loadPaths(["latin1.yaml"], tree.path("repo"));
    expect(resources).toEqual([]);
    expect(findings).toEqual([
      { ruleId: "yaml-syntax", severity: "error", message: expect.stringMatching(/^not valid UTF-8 \(byte 58\); save the file as UTF-8/), location: { file: "latin1.yaml", line: 4 } },
    ]);
  });

  it("refuses a symbolic link found in a folder that leads out of the repository, and follows one that stays inside", async () => {
    await symlink(outside.root, tree.path("repo/vendor"));
    await mkdir(tree.path("repo/inner"));
    await tree.write({ "repo/inner/b.yaml": SERVICE_ACCOUNT.replace("name: api", "name: b") });
    await symlink(tree.path("repo/inner"), tree.path("repo/alias"));
    await symlink(tree.path("repo"), tree.path("repo/inner/loop"));
    const { resources, findings } = await loadPaths(["."], tree.path("repo"));
    expect(resources.map((r) => r.name).sort()).toEqual(["a", "b", "b"]);
    expect(findings).toEqual([
      { ruleId: "input-file", severity: "error", message: expect.stringMatching(/^a symbolic link that leads outside the repository: refused/), location: { file: "vendor", line: 1 } },
    ]);
    expect(resources.some((r) => r.name === "outside")).toBe(false);
  });

  it("loads a file named on the command line wherever it is: the user chose it", async () => {
    const { resources } = await loadPaths([path.join(outside.root, "secret.yaml")], tree.path("repo"));
    expect(resources.map((r) => r.name)).toEqual(["outside"]);
  });
});
