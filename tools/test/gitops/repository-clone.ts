import { copyFile, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { REPO_ROOT } from "../helpers/run-cli.js";

/** The repoURL of the Applications and AppProjects under argocd/. */
export const UPSTREAM_REPO_URL = "https://github.com/vapora/mesh-policy.git";

const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_AUTHOR_NAME: "Mesh Policy Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Mesh Policy Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
};

/**
 * This repository as Argo CD will see it: a bare clone (`file://…/mesh-policy.git`, with the whole
 * history, so that prod's pinned commit exists) whose `main` is this checkout as it is now
 * (uncommitted edits included) plus one commit that points argocd/ at the clone. `work` is a
 * checkout of it where the tests change things and push them: a push to main is a merged pull request.
 */
export class RepositoryClone {
  private constructor(
    readonly bare: string,
    readonly work: string,
  ) {}

  get url(): string {
    return `file://${this.bare}`;
  }

  /** Clones into `dir`; `adjust` edits argocd/ files (given their text) in the setup commit, beyond the repoURL. */
  static async create(dir: string, adjust: (file: string, text: string) => string = (_file, text) => text): Promise<RepositoryClone> {
    const bare = path.join(dir, "mesh-policy.git");
    const work = path.join(dir, "mesh-policy");
    const git = (cwd: string, ...args: string[]) => execa("git", args, { cwd, env: GIT_ENV });
    if ((await git(REPO_ROOT, "rev-parse", "--is-shallow-repository")).stdout.trim() === "true") {
      throw new Error("this checkout is shallow: prod's pinned commit may be missing; fetch the history first (git fetch --unshallow)");
    }
    await git(dir, "clone", "--quiet", "--no-hardlinks", REPO_ROOT, work);
    await git(work, "checkout", "--quiet", "-B", "main", (await git(REPO_ROOT, "rev-parse", "HEAD")).stdout.trim());
    await copyWorkingTree(work);
    const clone = new RepositoryClone(bare, work);
    for (const file of await yamlFiles(path.join(work, "argocd"))) {
      const text = await readFile(file, "utf8");
      await writeFile(file, adjust(path.relative(work, file), text.replaceAll(UPSTREAM_REPO_URL, clone.url)));
    }
    await git(work, "add", "--all");
    await git(work, "commit", "--quiet", "--allow-empty", "-m", "test: this checkout, with argocd/ pointed at the local clone");
    await git(dir, "init", "--quiet", "--bare", "--initial-branch=main", bare);
    await git(work, "remote", "set-url", "origin", bare);
    await git(work, "push", "--quiet", "origin", "main");
    await git(work, "fetch", "--quiet", "origin");
    await git(work, "branch", "--quiet", "--set-upstream-to=origin/main", "main");
    return clone;
  }

  async git(...args: string[]): Promise<string> {
    return (await execa("git", args, { cwd: this.work, env: GIT_ENV })).stdout.trim();
  }

  /** Writes (or with null removes) files, commits everything and pushes to main: a merged change. Returns the commit. */
  async merge(message: string, files: Record<string, string | null> = {}): Promise<string> {
    for (const [file, text] of Object.entries(files)) {
      const absolute = path.join(this.work, file);
      if (text === null) await rm(absolute, { force: true });
      else {
        await mkdir(path.dirname(absolute), { recursive: true });
        await writeFile(absolute, text);
      }
    }
    await this.git("add", "--all");
    await this.git("commit", "--quiet", "-m", message);
    await this.git("push", "--quiet", "origin", "main");
    return this.git("rev-parse", "HEAD");
  }

  /** Reverts commits of main in one commit and pushes it: the revert pull request, merged. */
  async revert(...commits: string[]): Promise<string> {
    await this.git("revert", "--no-commit", ...commits);
    await this.git("commit", "--quiet", "-m", `Revert ${commits.map((c) => c.slice(0, 12)).join(", ")}`);
    await this.git("push", "--quiet", "origin", "main");
    return this.git("rev-parse", "HEAD");
  }

  async read(file: string): Promise<string> {
    return readFile(path.join(this.work, file), "utf8");
  }
}

/** Tracked files as they are in this checkout, and files not yet added (unless ignored); deleted ones removed. */
async function copyWorkingTree(work: string): Promise<void> {
  const list = async (...args: string[]) => (await execa("git", ["ls-files", "-z", ...args], { cwd: REPO_ROOT, env: GIT_ENV })).stdout.split("\0").filter((f) => f !== "");
  const deleted = new Set(await list("--deleted"));
  for (const file of await list("--cached", "--others", "--exclude-standard")) {
    const target = path.join(work, file);
    if (deleted.has(file)) {
      await rm(target, { force: true });
      continue;
    }
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(path.join(REPO_ROOT, file), target);
  }
}

async function yamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith(".yaml")).map((e) => path.join(e.parentPath, e.name)).sort();
}
