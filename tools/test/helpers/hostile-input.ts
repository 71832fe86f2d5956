import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * A "billion laughs" ConfigMap: `levels` anchors, each a list of `fanout` aliases of the one
 * before, so that `fanout ** levels` strings hide in a few hundred bytes.
 */
export function aliasBomb(levels = 10, fanout = 10, name = "bomb"): string {
  const anchors = "abcdefghijklmnopqrstuvwxyz";
  const lines = ["apiVersion: v1", "kind: ConfigMap", "metadata:", `  name: ${name}`, "data:"];
  lines.push(`  ${anchors[0]}: &${anchors[0]} [${Array(fanout).fill('"lol"').join(",")}]`);
  for (let level = 1; level < levels; level++) {
    const anchor = anchors[level] ?? `x${level}`;
    lines.push(`  ${anchor}: &${anchor} [${Array(fanout).fill(`*${anchors[level - 1] ?? ""}`).join(",")}]`);
  }
  return `${lines.join("\n")}\n`;
}

/** A throw-away folder holding `files` (repository-relative path → text or bytes). */
export class TempTree {
  private constructor(readonly root: string) {}

  static async create(files: Record<string, string | Uint8Array> = {}, prefix = "mesh-policy-hostile-"): Promise<TempTree> {
    const tree = new TempTree(await mkdtemp(path.join(tmpdir(), prefix)));
    await tree.write(files);
    return tree;
  }

  path(file: string): string {
    return path.join(this.root, file);
  }

  async write(files: Record<string, string | Uint8Array>): Promise<void> {
    for (const [file, content] of Object.entries(files)) {
      await mkdir(path.dirname(this.path(file)), { recursive: true });
      await writeFile(this.path(file), content);
    }
  }

  remove(): Promise<void> {
    return rm(this.root, { recursive: true, force: true });
  }
}

export const SERVICE_ACCOUNT = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  namespace: shop\n";

/**
 * A one-environment policy repository (prod renders base/, one ServiceAccount) and, beside it, a
 * folder outside it holding a kustomization and an object (`leaked`) that must never be read.
 */
export async function repositoryAndOutside(): Promise<{ repo: TempTree; outside: TempTree }> {
  const repo = await TempTree.create({
    "base/kustomization.yaml": "resources:\n- service-account.yaml\n",
    "base/service-account.yaml": SERVICE_ACCOUNT,
    "environments/prod/kustomization.yaml": "resources:\n- ../../base\n",
  });
  const outside = await TempTree.create({ "kustomization.yaml": "resources:\n- leaked.yaml\n", "leaked.yaml": SERVICE_ACCOUNT.replace("name: api", "name: leaked") });
  return { repo, outside };
}
