import { readdir, readFile, symlink, truncate, writeFile } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { aliasBomb, repositoryAndOutside, SERVICE_ACCOUNT, TempTree } from "../../test/helpers/hostile-input.js";
import { DEFAULT_LIMITS, type Limits } from "../util/limits.js";
import { checkKustomizationFiles } from "./check-kustomizations.js";
import { RenderFailure, renderEnvironment, type RenderOptions } from "./render-environment.js";

const limits = (overrides: Partial<Limits>): Limits => ({ ...DEFAULT_LIMITS, ...overrides });

let repo: TempTree;
let outside: TempTree;

beforeEach(async () => {
  ({ repo, outside } = await repositoryAndOutside());
});

afterEach(async () => {
  await repo.remove();
  await outside.remove();
});

const render = (options: RenderOptions = {}) => renderEnvironment(repo.root, "prod", { cacheDir: false, ...options });
const failure = (options: RenderOptions = {}) => render(options).then(
  () => {
    throw new Error("expected the render to fail");
  },
  (error: unknown) => {
    expect(error).toBeInstanceOf(RenderFailure);
    return error as RenderFailure;
  },
);

/** A TCP server that accepts connections and never answers: what a hostile remote resource does. */
async function silentServer(): Promise<{ url: string; sockets: Set<Socket>; server: Server }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    // Read (and drop) the request, so that the client's close is seen.
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/policy.yaml`, sockets, server };
}

async function allClosed(sockets: Set<Socket>): Promise<void> {
  await Promise.all([...sockets].map((socket) => new Promise((resolve) => (socket.closed ? resolve(undefined) : socket.once("close", resolve)))));
}

describe("kustomize runs bounded", () => {
  it("refuses an input whose YAML aliases would make kustomize expand without bound, naming its file and line, before kustomize runs", async () => {
    await repo.write({ "base/kustomization.yaml": "resources:\n- service-account.yaml\n- bomb.yaml\n", "base/bomb.yaml": aliasBomb(7, 10) });
    const error = await failure();
    expect(error.detail).toMatchObject({ file: "base/bomb.yaml", line: 7, reason: expect.stringMatching(/^document contains excessive aliasing/) });
    expect(error.message).toMatch(/^cannot render prod: base\/bomb\.yaml:7: document contains excessive aliasing/);
  });

  it("refuses an input that is not UTF-8 at its line", async () => {
    await repo.write({ "base/service-account.yaml": Buffer.concat([Buffer.from(SERVICE_ACCOUNT.replace("name: api", "name: caf")), Buffer.from([0xff, 0x0a])]) });
    expect((await failure()).detail).toMatchObject({ file: "base/service-account.yaml", line: 6, reason: expect.stringMatching(/^not valid UTF-8/) });
  });

  it("stops kustomize past its time limit and kills its whole process group (a remote resource that never answers)", async () => {
    const { url, sockets, server } = await silentServer();
    try {
      await repo.write({ "environments/prod/kustomization.yaml": `resources:\n- ../../base\n- ${url}\n` });
      const error = await failure({ limits: limits({ remoteResources: true, kustomizeTimeMs: 2_000 }) });
      expect(error.message).toMatch(/^kustomize did not finish within 2 s and was stopped \(--limit kustomize-time\) while rendering prod/);
      expect(error.detail).toMatchObject({ file: "environments/prod/kustomization.yaml", line: 1 });
      // kustomize held the connection open; it is closed because kustomize is gone.
      await allClosed(sockets);
    } finally {
      server.close();
    }
  });

  it("stops kustomize past its memory limit", async () => {
    const { url, server } = await silentServer();
    try {
      await repo.write({ "environments/prod/kustomization.yaml": `resources:\n- ../../base\n- ${url}\n` });
      const error = await failure({ limits: limits({ remoteResources: true, kustomizeMemoryBytes: 4 * 1024 * 1024 }) });
      expect(error.message).toMatch(/^kustomize used more than 4 MiB of memory and was stopped \(--limit kustomize-memory\) while rendering prod/);
    } finally {
      server.close();
    }
  });

  it("stops kustomize past its output limit", async () => {
    const error = await failure({ limits: limits({ kustomizeOutputBytes: 16 }) });
    expect(error.message).toMatch(/^kustomize printed more than 16 bytes and was stopped \(--limit kustomize-output\)/);
  });
});

describe("remote resources and paths out of the repository are refused before kustomize runs", () => {
  it.each([
    ["resources", "resources:\n- ../../base\n- http://127.0.0.1:9/x.yaml\n", 3, "http://127.0.0.1:9/x.yaml"],
    ["components (a git repository)", "resources:\n- ../../base\ncomponents:\n- github.com/example/policy//overlays/x?ref=v1\n", 4, "github.com/example/policy//overlays/x?ref=v1"],
    ["a patch file", "resources:\n- ../../base\npatches:\n- path: https://example.com/patch.yaml\n", 4, "https://example.com/patch.yaml"],
    ["an scp-style git remote", "resources:\n- ../../base\n- git@example.com:org/policy.git\n", 3, "git@example.com:org/policy.git"],
  ])("%s", async (_what, kustomization, line, entry) => {
    await repo.write({ "environments/prod/kustomization.yaml": kustomization });
    const error = await failure();
    expect(error.detail).toEqual({
      file: "environments/prod/kustomization.yaml",
      line,
      reason: expect.stringContaining(`${JSON.stringify(entry)} is a remote resource, which kustomize would fetch while rendering: refused`),
    });
    expect(error.message).toContain("--allow-remote-resources");
  });

  it("a folder that is a symbolic link out of the repository", async () => {
    await symlink(outside.root, repo.path("base/vendor"));
    await repo.write({ "base/kustomization.yaml": "resources:\n- service-account.yaml\n- vendor\n" });
    expect((await failure()).detail).toEqual({
      file: "base/kustomization.yaml",
      line: 3,
      reason: expect.stringMatching(/^"vendor" is a symbolic link that leads outside the repository: refused/),
    });
  });

  it("a file that is a symbolic link out of the repository, and a path that climbs out with ..", async () => {
    await symlink(path.join(outside.root, "leaked.yaml"), repo.path("base/leaked.yaml"));
    await repo.write({ "base/kustomization.yaml": "resources:\n- service-account.yaml\n- leaked.yaml\n" });
    expect((await failure()).detail.reason).toMatch(/^"leaked\.yaml" is a symbolic link that leads outside the repository/);
    const climb = path.relative(repo.path("environments/prod"), outside.root);
    await repo.write({ "base/kustomization.yaml": "resources:\n- service-account.yaml\n", "environments/prod/kustomization.yaml": `resources:\n- ../../base\n- ${climb}\n` });
    expect((await failure()).detail).toMatchObject({ line: 3, reason: expect.stringMatching(/lies outside the repository: refused/) });
  });

  it("check's loading of every kustomization refuses them too", async () => {
    await repo.write({ "base/kustomization.yaml": "resources:\n- service-account.yaml\n- https://example.com/x.yaml\n" });
    const findings = await checkKustomizationFiles(repo.root, [repo.path("base/kustomization.yaml")]);
    expect(findings).toEqual([
      { ruleId: "kustomization", severity: "error", message: expect.stringMatching(/^"https:\/\/example\.com\/x\.yaml" is a remote resource/), location: { file: "base/kustomization.yaml", line: 3 } },
    ]);
  });
});

describe("the render cache covers every file kustomize reads, and trusts only entries that verify", () => {
  const cacheDir = () => repo.path(".cache");
  /** The cached renders (the cache keeps kustomize's version too, apart). */
  const renders = async () => (await readdir(cacheDir()).catch(() => [])).filter((f) => f.endsWith(".yaml"));
  const cached = (options: RenderOptions = {}) => renderEnvironment(repo.root, "prod", { cacheDir: cacheDir(), ...options });

  beforeEach(async () => {
    await repo.write({
      "base/kustomization.yaml": [
        "resources:",
        "- service-account.yaml",
        "- settings.yaml",
        "transformers:",
        "- team-label.yaml",
        "- patch-transformer.yaml",
        "replacements:",
        "- path: replacement.yaml",
        "configMapGenerator:",
        "- name: generated",
        "  files:",
        "  - config.txt",
        "generatorOptions:",
        "  disableNameSuffixHash: true",
        "",
      ].join("\n"),
      "base/settings.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\ndata:\n  owner: payments\n",
      "base/team-label.yaml": "apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: team\nlabels:\n  team: a\nfieldSpecs:\n- path: metadata/labels\n  create: true\n",
      "base/patch-transformer.yaml":
        "apiVersion: builtin\nkind: PatchTransformer\nmetadata:\n  name: annotate\npath: annotation-patch.yaml\ntarget:\n  kind: ServiceAccount\n",
      "base/annotation-patch.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  annotations:\n    tier: gold\n",
      "base/replacement.yaml":
        "source:\n  kind: ConfigMap\n  name: settings\n  fieldPath: data.owner\ntargets:\n- select:\n    kind: ServiceAccount\n  fieldPaths:\n  - metadata.annotations.owner\n  options:\n    create: true\n",
      "base/config.txt": "level=info\n",
    });
  });

  it.each([
    ["a transformer's configuration", "base/team-label.yaml", (text: string) => text.replace("team: a", "team: b"), "team: b"],
    ["a file a transformer's configuration names", "base/annotation-patch.yaml", (text: string) => text.replace("gold", "silver"), "tier: silver"],
    ["a replacement", "base/replacement.yaml", (text: string) => text.replace("metadata.annotations.owner", "metadata.annotations.team-owner"), "team-owner: payments"],
    ["a generator's file", "base/config.txt", () => "level=debug\n", "level=debug"],
  ])("editing %s renders again", async (_what, file, edit, expected) => {
    expect((await cached()).fromCache).toBe(false);
    expect((await cached()).fromCache).toBe(true);
    await writeFile(repo.path(file), edit(await readFile(repo.path(file), "utf8")));
    const again = await cached();
    expect(again.fromCache).toBe(false);
    expect(again.yaml).toContain(expected);
  });

  it.each([
    ["emptied", (file: string) => truncate(file, 0)],
    ["truncated", async (file: string) => truncate(file, Math.floor((await readFile(file)).length / 2))],
    ["edited", async (file: string) => writeFile(file, (await readFile(file, "utf8")).replace("name: api", "name: forged"))],
  ])("an %s cache entry is not trusted: it is rendered again", async (_what, damage) => {
    const first = await cached();
    const [entry] = await renders();
    await damage(path.join(cacheDir(), entry ?? ""));
    const again = await cached();
    expect(again.fromCache).toBe(false);
    expect(again.yaml).toBe(first.yaml);
    expect(again.resources.map((r) => r.name)).toEqual(first.resources.map((r) => r.name));
    expect((await cached()).fromCache).toBe(true);
  });

  it("never caches a render with remote resources", async () => {
    const { url, server } = await silentServer();
    try {
      await repo.write({ "environments/prod/kustomization.yaml": `resources:\n- ../../base\n- ${url}\n` });
      await expect(cached({ limits: limits({ remoteResources: true, kustomizeTimeMs: 1_000 }) })).rejects.toBeInstanceOf(RenderFailure);
      expect(await renders()).toEqual([]);
    } finally {
      server.close();
    }
  });
});
