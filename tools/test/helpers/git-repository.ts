import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";

/**
 * A throw-away git repository for tests: fixed identity and dates (so commit SHAs are stable) and
 * no global or system git configuration.
 */
export class GitRepository {
  private commits = 0;

  private constructor(readonly root: string) {}

  static async create(prefix = "mesh-policy-git-"): Promise<GitRepository> {
    const root = await mkdtemp(path.join(tmpdir(), prefix));
    const repository = new GitRepository(root);
    await repository.git("init", "--quiet", "--initial-branch=main");
    return repository;
  }

  async git(...args: string[]): Promise<string> {
    const date = `2024-01-01T00:00:${String(this.commits).padStart(2, "0")}Z`;
    const result = await execa(
      "git",
      ["-c", "user.name=Mesh Policy Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args],
      {
        cwd: this.root,
        env: { GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
      },
    );
    return result.stdout;
  }

  async write(files: Record<string, string>): Promise<void> {
    for (const [file, text] of Object.entries(files)) {
      const absolute = path.join(this.root, file);
      await mkdir(path.dirname(absolute), { recursive: true });
      await writeFile(absolute, text);
    }
  }

  async remove(...files: string[]): Promise<void> {
    for (const file of files) await rm(path.join(this.root, file), { recursive: true, force: true });
  }

  /** Stages everything and commits; returns the commit's SHA. */
  async commit(message: string): Promise<string> {
    await this.git("add", "--all");
    this.commits++;
    await this.git("commit", "--quiet", "--allow-empty", "-m", message);
    return (await this.git("rev-parse", "HEAD")).trim();
  }

  async dispose(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}
