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
