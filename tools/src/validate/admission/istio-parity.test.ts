import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { REPO_ROOT } from "../../../test/helpers/run-cli.js";
import { resourcesFromYaml } from "../../load/resources-from-yaml.js";
import type { Resource } from "../../model/resource.js";
import { admissionFindings } from "../admission-findings.js";
import { SchemaValidator } from "../schema-validation.js";
import { runtimeSchemaCompiler } from "../schema-ajv.js";

/**
 * Admission parity with Istio 1.31, measured against Istio itself: `istioctl validate -f` runs istiod's
 * webhook validation offline. The istioctl binary comes from $MESH_POLICY_ISTIOCTL, .tools/bin/istioctl
 * or PATH (build it with `go install istio.io/istio/istioctl/cmd/istioctl@<ISTIO_MODULE_VERSION>`);
 * Istio's own test documents from that module in the Go module cache. Without them those tests are
 * skipped, and their names say why; the corpus of our parity fixes is checked against our validator always.
 */

/** The Istio module the 1.31 line pins (istioctl and the test documents come from it). */
const ISTIO_MODULE_VERSION = "v0.0.0-20260827124520-eed52ebb66ad";

const CORPUS = new URL("./fixtures/istio-parity.yaml", import.meta.url);

/** Istio's documents: the CRD/webhook agreement tests' (with `_err` where the API server rejects) and its valid sample configs. */
const ISTIO_DOCUMENT_DIRS = ["pkg/config/validation/testdata/crds", "tests/testdata/config"];

/**
 * Where we knowingly differ from the API server + webhook on Istio's own test documents, and why
 * (`file/name` of the document).
 */
const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  "crds/serviceentry-valid.yaml/full":
    "`addresses: [1.2.3.4, 001:db8::]` — YAML 1.2 (our loader) reads the flow scalar `001:db8::` as a map key, Go's YAML 1.1 as a string",
};

const validator = new SchemaValidator(runtimeSchemaCompiler());

/** Our verdict: the schema, then (on a well-typed object) the admission checks, as `validate` runs them. */
function ourErrors(resource: Resource): string[] {
  const problems = validator.validate(resource);
  const findings = problems.length > 0 ? problems : admissionFindings(resource).findings;
  return findings.filter((f) => f.severity === "error").map((f) => f.message);
}

function findIstioctl(): { binary: string | undefined; reason: string } {
  const candidates = [process.env["MESH_POLICY_ISTIOCTL"], path.join(REPO_ROOT, ".tools/bin/istioctl"), "istioctl"].filter(
    (c): c is string => c !== undefined && c !== "",
  );
  for (const candidate of candidates) {
    try {
      execFileSync(candidate, ["version", "--remote=false"], { stdio: "ignore", timeout: 30_000 });
      return { binary: candidate, reason: "" };
    } catch {
      // try the next one
    }
  }
  return { binary: undefined, reason: "no istioctl binary (set MESH_POLICY_ISTIOCTL, or put istioctl in .tools/bin or on PATH)" };
}

function findIstioModule(): { dir: string | undefined; reason: string } {
  let modCache = process.env["GOMODCACHE"];
  if (modCache === undefined || modCache === "") {
    try {
      modCache = execFileSync("go", ["env", "GOMODCACHE"], { encoding: "utf8", timeout: 30_000 }).trim();
    } catch {
      return { dir: undefined, reason: "no Go toolchain to locate the Istio module" };
    }
  }
  const dir = path.join(modCache, `istio.io/istio@${ISTIO_MODULE_VERSION}`);
  return existsSync(dir) ? { dir, reason: "" } : { dir: undefined, reason: `Istio module ${ISTIO_MODULE_VERSION} is not in the Go module cache (${modCache})` };
}

interface Document {
  /** `file/name`. */
  id: string;
  /** The API server's rejection, as Istio's test document records it (`_err`); undefined for a document it accepts. */
  apiServerError: string | undefined;
  /** The document as written, without its `_err` line. */
  yaml: string;
}

/** Istio's own documents: every YAML document of ISTIO_DOCUMENT_DIRS, `_err` taken out. */
function istioDocuments(moduleDir: string): Document[] {
  const documents: Document[] = [];
  for (const relative of ISTIO_DOCUMENT_DIRS) {
    const dir = path.join(moduleDir, relative);
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort()) documents.push(...documentsOf(dir, file));
  }
  return documents;
}

/**
 * The documents of one file as written (both sides read the same bytes: istioctl through Go's YAML
 * parser, we through ours), with the `_err` line taken out.
 */
function documentsOf(dir: string, file: string): Document[] {
  const documents: Document[] = [];
  for (const chunk of readFileSync(path.join(dir, file), "utf8").split(/^---[ \t]*$/m)) {
    const apiServerError = /^_err:[ \t]*(.*)$/m.exec(chunk)?.[1];
    const yaml = chunk.replace(/^_err:.*\n?/m, "").replace(/^\n+/, "");
    const object: unknown = parseDocument(yaml).toJS();
    if (typeof object !== "object" || object === null || Array.isArray(object)) continue;
    const name = String(((object as Record<string, unknown>)["metadata"] as Record<string, unknown> | undefined)?.["name"] ?? "");
    documents.push({ id: `${path.basename(dir)}/${file}/${name}`, apiServerError, yaml });
  }
  return documents;
}

function resourceOf(document: Pick<Document, "id" | "yaml">): Resource {
  const loaded = resourcesFromYaml(document.yaml, `${document.id}.yaml`);
  const resource = loaded.resources[0];
  if (resource === undefined) throw new Error(`${document.id} does not load: ${loaded.findings.map((f) => f.message).join("; ")}`);
  return resource;
}

const workDir = mkdtempSync(path.join(tmpdir(), "mesh-policy-istioctl-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** istioctl validate's verdict on one document: undefined when it accepts it, else its message. */
async function istioctlError(binary: string, document: Pick<Document, "id" | "yaml">, index: number): Promise<string | undefined> {
  const file = path.join(workDir, `${index}.yaml`);
  writeFileSync(file, document.yaml);
  const run = await execa(binary, ["validate", "-f", file], { reject: false, timeout: 60_000, env: { KUBECONFIG: path.join(workDir, "none") } });
  if (run.timedOut) throw new Error(`istioctl validate timed out on ${document.id}`);
  return run.exitCode === 0 ? undefined : (run.stderr || run.stdout).trim().replace(file, document.id);
}

const corpus = readFileSync(CORPUS, "utf8")
  .split(/^---\n/m)
  .map((yaml) => ({ yaml, resource: resourcesFromYaml(yaml, "istio-parity.yaml").resources[0] }))
  .filter((entry): entry is { yaml: string; resource: Resource } => entry.resource !== undefined)
  .map(({ yaml, resource }) => ({ id: resource.name, yaml, resource, valid: resource.name.startsWith("valid-") }));

describe("admission parity corpus (our verdicts)", () => {
  it("holds a document per parity fix, each named for Istio's verdict", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(20);
    expect(corpus.every((d) => d.id.startsWith("valid-") || d.id.startsWith("invalid-"))).toBe(true);
  });

  for (const document of corpus) {
    it(`${document.valid ? "accepts" : "rejects"} ${document.id}`, () => {
      const errors = ourErrors(document.resource);
      if (document.valid) expect(errors).toEqual([]);
      else expect(errors.length, "an error").toBeGreaterThan(0);
    });
  }
});

const istioctl = findIstioctl();
const istioModule = findIstioModule();

describe("admission parity with istioctl validate", () => {
  const title = `istioctl agrees with every verdict of the parity corpus${istioctl.binary === undefined ? ` — skipped: ${istioctl.reason}` : ""}`;
  it.skipIf(istioctl.binary === undefined)(title, async () => {
    const disagreements: string[] = [];
    for (const [i, document] of corpus.entries()) {
      const theirs = await istioctlError(istioctl.binary as string, document, i);
      // istioctl runs the webhook only: a document only the CRD rules reject (none here) would pass it.
      if ((theirs === undefined) !== document.valid) disagreements.push(`${document.id}: istioctl ${theirs === undefined ? "accepts it" : `rejects it: ${theirs}`}`);
    }
    expect(disagreements).toEqual([]);
  });

  const kustomize = process.env["MESH_POLICY_KUSTOMIZE"] ?? path.join(REPO_ROOT, ".tools/bin/kustomize");
  const renderReason = istioctl.binary === undefined ? istioctl.reason : existsSync(kustomize) ? "" : "no pinned kustomize in .tools/bin";
  for (const environment of ["dev", "staging", "prod"]) {
    it.skipIf(renderReason !== "")(`istioctl accepts the VAPORA ${environment} environment, as we do${renderReason !== "" ? ` — skipped: ${renderReason}` : ""}`, async () => {
      const { stdout } = await execa(kustomize, ["build", path.join(REPO_ROOT, "environments", environment)], { timeout: 120_000 });
      const rejected = await istioctlError(istioctl.binary as string, { id: environment, yaml: stdout }, 10_000);
      expect(rejected).toBeUndefined();
    });
  }

  const reason = istioctl.binary === undefined ? istioctl.reason : istioModule.reason;
  const ownTitle = `gives Istio's verdict (API server rules + istioctl validate) on Istio's own test documents${reason !== "" ? ` — skipped: ${reason}` : ""}`;
  it.skipIf(reason !== "")(ownTitle, async () => {
    const documents = istioDocuments(istioModule.dir as string);
    expect(documents.length).toBeGreaterThan(50);
    const disagreements: string[] = [];
    for (const [i, document] of documents.entries()) {
      const webhook = await istioctlError(istioctl.binary as string, document, corpus.length + i);
      const istioRejects = document.apiServerError !== undefined || webhook !== undefined;
      const ours = ourErrors(resourceOf(document));
      const known = KNOWN_DIFFERENCES[document.id];
      if ((ours.length > 0) === istioRejects) {
        if (known !== undefined) disagreements.push(`${document.id}: listed as a known difference, but we now agree: remove it`);
        continue;
      }
      if (known !== undefined) continue;
      disagreements.push(
        istioRejects
          ? `${document.id}: Istio rejects it (${document.apiServerError ?? webhook}), we accept it`
          : `${document.id}: Istio accepts it, we reject it: ${ours.join("; ")}`,
      );
    }
    expect(disagreements).toEqual([]);
  });
});
