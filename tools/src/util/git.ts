import { execa } from "execa";

/** A full commit SHA, as Argo CD needs for a pin (SHA-1; 64 hex digits in a SHA-256 repository). */
export const COMMIT_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Every git command of a run works on a local repository: this bounds one that hangs all the same. */
const GIT_TIMEOUT_MS = 300_000;

/** Runs git in `cwd` without throwing; the caller decides what a failure means. Git never prompts. */
export async function runGit(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<GitResult> {
  const result = await execa("git", [...args], {
    cwd,
    env: { GIT_TERMINAL_PROMPT: "0", ...env },
    reject: false,
    stripFinalNewline: true,
    maxBuffer: 64 * 1024 * 1024,
    timeout: GIT_TIMEOUT_MS,
  });
  const stderr = result.timedOut ? `git ${args[0] ?? ""} did not finish within ${GIT_TIMEOUT_MS / 1000} s and was stopped` : (result.stderr ?? "");
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout ?? "", stderr };
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
