import { createHash } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../util/atomic-write.js";

/**
 * Renders cached on disk by a key over everything a build depends on: the kustomize binary and
 * its options, and the path and bytes of every file the build reads (collectKustomizeInputs).
 * Each entry carries the hash and size of the render it holds and is trusted only when both
 * match: an emptied, truncated or edited entry is a miss, removed and rendered again. The same
 * store keeps, verified alike, the kustomization checks' verdicts (keyed by their inputs too) and
 * kustomize's version by the binary's identity (`.kustomize-version` entries).
 */
const FORMAT = "mesh-policy-render-cache/2";
const HEADER = /^# (\S+) sha256=([0-9a-f]{64}) bytes=(\d+)\n/;

export interface CacheKeyParts {
  repoRoot: string;
  /** The kustomize command, version and build options. */
  tool: readonly string[];
  /** Absolute paths of every file the build reads. */
  files: readonly string[];
}

export async function renderCacheKey(parts: CacheKeyParts): Promise<string> {
  const hash = createHash("sha256");
  hash.update(`${FORMAT}\0`);
  for (const part of parts.tool) hash.update(`${part}\0`);
  const contents = await Promise.all(parts.files.map((file) => readFile(file).catch(() => undefined)));
  parts.files.forEach((file, index) => {
    hash.update(`${path.relative(parts.repoRoot, file)}\0`);
    const content = contents[index];
    // A file that cannot be read is part of the key as such: it renders differently once it can.
    hash.update(content === undefined ? "\0missing\0" : content);
    hash.update("\0");
  });
  return hash.digest("hex").slice(0, 32);
}

/**
 * The cached render for `key`, or undefined when there is none or it does not verify. Entries
 * other than renders (the kustomization checks' verdicts, kustomize's version) are kept and
 * verified the same way; `suffix` keeps a kind of entry apart from the renders.
 */
export async function readCachedRender(cacheDir: string, key: string, suffix = RENDER_SUFFIX): Promise<string | undefined> {
  const file = path.join(cacheDir, `${key}${suffix}`);
  const bytes = await readFile(file).catch(() => undefined);
  if (bytes === undefined) return undefined;
  const text = bytes.toString("utf8");
  const header = HEADER.exec(text);
  const body = header === null ? undefined : bytes.subarray(Buffer.byteLength(header[0]));
  if (header === null || body === undefined || header[1] !== FORMAT || Number(header[3]) !== body.length || sha256(body) !== header[2]) {
    await rm(file, { force: true }).catch(() => undefined);
    return undefined;
  }
  return body.toString("utf8");
}

/** Stores an entry; a cache that cannot be written only costs the work again next time. */
export async function writeCachedRender(cacheDir: string, key: string, yaml: string, suffix = RENDER_SUFFIX): Promise<void> {
  const body = Buffer.from(yaml, "utf8");
  const entry = `# ${FORMAT} sha256=${sha256(body)} bytes=${body.length}\n${yaml}`;
  await writeFileAtomic(path.join(cacheDir, `${key}${suffix}`), entry).catch(() => undefined);
}

const RENDER_SUFFIX = ".yaml";

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
