import { execa } from "execa";

/** A full commit SHA, as Argo CD needs for a pin (SHA-1; 64 hex digits in a SHA-256 repository). */
export const COMMIT_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs git in `cwd` without throwing; the caller decides what a failure means. */
export async function runGit(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<GitResult> {
  const result = await execa("git", [...args], { cwd, env, reject: false, stripFinalNewline: true, maxBuffer: 64 * 1024 * 1024 });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

export type CommitPresence = "present" | "missing" | "no-repository" | "shallow-missing";

/**
 * Whether the repository has the commit (`git cat-file -e SHA^{commit}`). A commit missing from a
 * shallow clone may exist upstream, so that case is told apart.
 */
export async function commitPresence(repoRoot: string, sha: string): Promise<CommitPresence> {
  const inside = await runGit(repoRoot, ["rev-parse", "--is-inside-work-tree"]);
  if (inside.exitCode !== 0) return "no-repository";
  const found = await runGit(repoRoot, ["cat-file", "-e", `${sha}^{commit}`]);
  if (found.exitCode === 0) return "present";
  const shallow = await runGit(repoRoot, ["rev-parse", "--is-shallow-repository"]);
  return shallow.stdout.trim() === "true" ? "shallow-missing" : "missing";
}

export function firstLine(text: string | undefined): string {
  return (text ?? "").trim().split("\n")[0] ?? "";
}
