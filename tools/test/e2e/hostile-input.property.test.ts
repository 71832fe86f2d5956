import { cp } from "node:fs/promises";
import path from "node:path";
import fc from "fast-check";
import jsYaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { resourcesFromYaml } from "../../src/load/resources-from-yaml.js";
import { aliasBomb, TempTree } from "../helpers/hostile-input.js";
import { REPO_ROOT, runCli } from "../helpers/run-cli.js";

/**
 * Property: whatever YAML, kustomization or catalog a pull request holds, the loader returns
 * (never throws, never builds a cycle) and `mesh-policy check` ends with an exit code of 0, 1 or
 * 2 and a message, never a stack trace or an internal error. Time is bounded by the tool's own
 * limits (YAML alias budget, --limit kustomize-time and jsonnet-time), not by the test.
 */

/** Fragments that have broken YAML readers: aliases, merges, tags, document markers, control characters. */
const HOSTILE_FRAGMENTS = [
  "&a [x, x, x]",
  "*a",
  "<<: *a",
  "<<: [*a, *a]",
  "<<: 1",
  "&a\n  b: *a",
  "!!binary aGVsbG8=",
  "!foo bar",
  "? [complex, key]\n: value",
  "---",
  "...",
  "%YAML 1.1",
  "\t- tab",
  "0755",
  "yes",
  ".nan",
  "1e999",
  "'unterminated",
  "\"\\u0000\"",
  "{a: [b, {c: d}]}",
  "- - - -",
  "key: value: other",
  "metadata: { name: Bad_Name, namespace: Shop }",
  "apiVersion: v1\nkind: Service\nmetadata: { name: s }\nspec: { ports: [{ port: 70000, targetPort: '8080' }] }",
  "stringData: { password: hunter2 }",
  "Authorization: Bearer abc.def.ghi",
  aliasBomb(6, 10).split("\n").slice(5).join("\n"),
];

const kubernetesObject = fc.record({
  apiVersion: fc.constantFrom("v1", "networking.istio.io/v1", "security.istio.io/v1", "argoproj.io/v1alpha1", "x/y"),
  kind: fc.constantFrom("Service", "ConfigMap", "Secret", "VirtualService", "AuthorizationPolicy", "Application", "List"),
  metadata: fc.record(
    { name: fc.oneof(fc.constantFrom("api", "Bad_Name", "n", "0755", ""), fc.string({ maxLength: 12 })), namespace: fc.constantFrom("shop", "n", "yes", "Shop") },
    { requiredKeys: ["name"] },
  ),
  spec: fc.jsonValue({ maxDepth: 4 }),
});

/** A YAML text: objects dumped, then a few hostile edits (a fragment inserted, lines dropped or repeated). */
const yamlText = fc
  .tuple(
    fc.array(kubernetesObject, { minLength: 1, maxLength: 3 }),
    fc.array(
      fc.record({ kind: fc.constantFrom("insert", "drop", "repeat"), at: fc.nat(), fragment: fc.constantFrom(...HOSTILE_FRAGMENTS), indent: fc.constantFrom("", "  ", "    ") }),
      { maxLength: 4 },
    ),
  )
  .map(([objects, edits]) => {
    const lines = objects.map((object) => jsYaml.dump(object, { lineWidth: -1 })).join("---\n").split("\n");
    for (const edit of edits) {
      const at = lines.length === 0 ? 0 : edit.at % lines.length;
      if (edit.kind === "insert") lines.splice(at, 0, ...edit.fragment.split("\n").map((line) => `${edit.indent}${line}`));
      else if (edit.kind === "drop") lines.splice(at, 1);
      else lines.splice(at, 0, lines[at] ?? "");
    }
    return lines.join("\n");
  });

describe("the loader, on generated and mutated YAML", () => {
  it("always returns: resources without cycles, and findings with a rule and a line", () => {
    fc.assert(
      fc.property(yamlText, (text) => {
        const { resources, findings } = resourcesFromYaml(text, "input.yaml");
        const lines = text.split("\n").length;
        for (const finding of findings) {
          expect(["yaml-syntax", "resource-shape"]).toContain(finding.ruleId);
          expect(finding.location?.line).toBeGreaterThanOrEqual(1);
          expect(finding.location?.line).toBeLessThanOrEqual(lines + 1);
        }
        // Throws on a cycle; the alias budget keeps the expansion small enough to write out.
        expect(() => JSON.stringify(resources.map((r) => r.object))).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});

/** A kustomization entry a pull request might write. */
const kustomizationEntry = fc.constantFrom(
  "objects.yaml",
  "missing.yaml",
  "../../base",
  "../../../..",
  "/etc",
  "http://127.0.0.1:9/x.yaml",
  "github.com/example/policy//base?ref=v1",
  "git@example.com:org/repo.git",
  "objects.yaml\nextra: line",
);

const catalogEdit = fc.constantFrom(
  (text: string) => text,
  (text: string) => text.replace("mesh.catalog {", "mesh.catalog {\n  loop:: (function(n) self.loop(n + 1) tailstrict)(0),\n  spin: self.loop,"),
  (text: string) => text.replace("mesh.catalog {", "mesh.catalog {\n  leak: importstr '/proc/self/environ',"),
  (text: string) => text.replace("mesh.catalog {", "mesh.catalog {\n  leak: import '../../package.json',"),
  (text: string) => text.replace("ports:", "portz:"),
  (text: string) => text.slice(0, Math.floor(text.length / 2)),
  (text: string) => text.replace(/'/g, '"'),
);

const repository = fc.record({
  objects: yamlText,
  resources: fc.array(kustomizationEntry, { minLength: 1, maxLength: 3 }),
  patch: fc.option(yamlText, { nil: undefined }),
  argocd: fc.option(yamlText, { nil: undefined }),
  catalog: fc.option(catalogEdit, { nil: undefined }),
});

describe("mesh-policy check, on generated and mutated repositories (the real CLI)", () => {
  it("always ends with exit 0, 1 or 2 and no stack trace, within the tool's own limits", async () => {
    const catalogText = await import("node:fs/promises").then((fs) => fs.readFile(path.join(REPO_ROOT, "base/catalog/catalog.jsonnet"), "utf8"));
    await fc.assert(
      fc.asyncProperty(repository, async (input) => {
        const kustomization = [
          "resources:",
          ...input.resources.map((entry) => `- ${JSON.stringify(entry)}`),
          ...(input.patch === undefined ? [] : ["patches:", "- path: patch.yaml"]),
          "",
        ].join("\n");
        const tree = await TempTree.create({
          "environments/prod/kustomization.yaml": kustomization,
          "environments/prod/objects.yaml": input.objects,
          ...(input.patch === undefined ? {} : { "environments/prod/patch.yaml": input.patch }),
          ...(input.argocd === undefined ? {} : { "argocd/application.yaml": input.argocd }),
          "base/kustomization.yaml": "resources: []\n",
        });
        try {
          if (input.catalog !== undefined) {
            await cp(path.join(REPO_ROOT, "base/catalog/lib"), tree.path("base/catalog/lib"), { recursive: true });
            await tree.write({ "base/catalog/catalog.jsonnet": input.catalog(catalogText) });
          }
          const run = await runCli(["check", "--no-cache", "--limit", "kustomize-time=30s", "--limit", "jsonnet-time=10s"], { cwd: tree.root });
          expect([0, 1, 2], run.stderr).toContain(run.exitCode);
          expect(run.stderr).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/);
          if (run.exitCode === 2) expect(run.stdout + run.stderr).toMatch(/\S/);
        } finally {
          await tree.remove();
        }
      }),
      { numRuns: 12 },
    );
  }, 600_000);
});
