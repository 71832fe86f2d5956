import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { COMMIT_SHA, firstLine, runGit } from "../util/git.js";
import { UserError } from "../model/errors.js";
import type { Resource } from "../model/resource.js";
import { ENVIRONMENTS_DIR, listEnvironments } from "../render/environments.js";
import { defaultCacheDir, renderEnvironment } from "../render/render-environment.js";

/** The rendered environments of one tree: a git revision, or the working tree. */
export interface RenderedTree {
  /** The revision as the caller named it; null for the working tree. */
  ref: string | null;
  /** The commit it resolved to; null for the working tree. */
  commit: string | null;
  /** Every environment the tree has (a folder of environments/ with a kustomization), sorted. */
  available: string[];
  /** The rendered objects of each environment that exists in the tree and was asked for, by name, sorted. */
  environments: Map<string, Resource[]>;
}

export interface RenderTreeOptions {
  /** The checkout (the user's repository root, where environments/ is). */
  repoRoot: string;
  /** Environments to render; those the tree does not have are left out. Every one when absent or empty. */
  environments?: readonly string[];
  /** The render cache; the same folder for both sides of a diff, so an unchanged environment renders once. */
  cacheDir?: string | false;
  /** The checkout whose .tools/bin has the pinned kustomize; defaults to `repoRoot`. */
  toolsRoot?: string;
}

export interface RenderAtRevisionOptions extends RenderTreeOptions {
  /** Anything `git rev-parse` understands as a commit: a branch, tag, SHA, `HEAD~1`, `origin/main`. */
  ref: string;
}

/**
 * Renders the environments of a git revision without touching the working tree, the index or any
 * ref: the revision's tree is checked out through a throw-away index file into a temporary
 * folder (as `git checkout` would write it, so attributes such as `eol` apply as they do for
 * Argo CD), rendered with the checkout's pinned kustomize, and removed.
 */
export async function renderAtRevision(options: RenderAtRevisionOptions): Promise<RenderedTree> {
  const { repoRoot, ref } = options;
  const repository = await locateRepository(repoRoot);
  const commit = await resolveCommit(repoRoot, ref);
  const scratch = await mkdtemp(path.join(tmpdir(), "mesh-policy-revision-"));
  try {
    const tree = path.join(scratch, "tree");
    await extractTree(repository.topLevel, commit, tree, path.join(scratch, "index"), ref);
    const treeRoot = path.join(tree, repository.prefix);
    const available = (await isDirectory(path.join(treeRoot, ENVIRONMENTS_DIR))) ? await listEnvironments(treeRoot) : [];
    const environments = await renderEnvironments(treeRoot, selectEnvironments(available, options.environments), {
      cacheDir: options.cacheDir ?? defaultCacheDir(repoRoot),
      toolsRoot: options.toolsRoot ?? repoRoot,
    }).catch((error: unknown) => {
      // kustomize's message names the temporary folder; name the revision instead.
      if (!(error instanceof UserError)) throw error;
      const named = (text: string) => text.replaceAll(treeRoot, `<${ref}>`).replaceAll(tree, `<${ref}>`);
      throw new UserError(named(error.message), error.details === undefined ? undefined : named(error.details));
    });
    return { ref, commit, available, environments };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Renders the environments of the working tree as it is on disk, uncommitted edits included. */
export async function renderWorkingTree(options: RenderTreeOptions): Promise<RenderedTree> {
  const { repoRoot } = options;
  const available = await listEnvironments(repoRoot);
  const environments = await renderEnvironments(repoRoot, selectEnvironments(available, options.environments), {
    cacheDir: options.cacheDir ?? defaultCacheDir(repoRoot),
    toolsRoot: options.toolsRoot ?? repoRoot,
  });
  return { ref: null, commit: null, available, environments };
}

/** The commit a ref names; a name git does not know is a UserError that names it. */
export async function resolveCommit(repoRoot: string, ref: string): Promise<string> {
  if (ref === "" || ref.startsWith("-") || /[\0\n]/.test(ref)) {
    throw new UserError(`"${ref}" is not a git revision; give a branch, tag or commit, such as main or origin/main`);
  }
  await locateRepository(repoRoot);
  const result = await runGit(repoRoot, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  const commit = result.stdout.trim();
  if (result.exitCode !== 0 || !COMMIT_SHA.test(commit)) {
    throw new UserError(
      `unknown git revision "${ref}": no branch, tag or commit of that name in this repository. ` +
        `Check the name (git branch -a, git log --oneline), or fetch it first (git fetch origin ${ref}; ` +
        `in CI, check out with full history, such as fetch-depth: 0 for actions/checkout)`,
    );
  }
  return commit;
}

interface Repository {
  topLevel: string;
  /** Where repoRoot sits inside the repository, `""` at its top. */
  prefix: string;
}

async function locateRepository(repoRoot: string): Promise<Repository> {
  const result = await runGit(repoRoot, ["rev-parse", "--show-toplevel", "--show-prefix"]);
  const [topLevel, prefix = ""] = result.stdout.split("\n");
  if (result.exitCode !== 0 || topLevel === undefined || topLevel === "") {
    throw new UserError(
      `${repoRoot} is not in a git repository (${firstLine(result.stderr)}); comparing revisions needs the repository's history, ` +
        `so run mesh-policy diff inside a git checkout`,
    );
  }
  return { topLevel, prefix: prefix.trim() };
}

/**
 * Writes the commit's tree to `target`: `git read-tree` into a private index file, then
 * `git checkout-index --prefix`. Neither reads nor writes the repository's own index, working
 * tree, HEAD or refs, and nothing registers with the repository (unlike `git worktree add`).
 */
async function extractTree(topLevel: string, commit: string, target: string, indexFile: string, ref: string): Promise<void> {
  const env = { GIT_INDEX_FILE: indexFile };
  for (const args of [
    ["read-tree", commit],
    ["checkout-index", "--all", "--force", `--prefix=${target}${path.sep}`],
  ]) {
    const result = await runGit(topLevel, args, env);
    if (result.exitCode !== 0) {
      throw new UserError(
        `could not extract ${ref} (${commit.slice(0, 12)}): \`git ${args.join(" ")}\` exited ${result.exitCode ?? "abnormally"}: ` +
          `${firstLine(result.stderr)}`,
      );
    }
  }
}

function selectEnvironments(available: readonly string[], requested: readonly string[] | undefined): string[] {
  if (requested === undefined || requested.length === 0) return [...available];
  const wanted = new Set(requested);
  return available.filter((name) => wanted.has(name));
}

async function renderEnvironments(
  treeRoot: string,
  names: readonly string[],
  options: { cacheDir: string | false; toolsRoot: string },
): Promise<Map<string, Resource[]>> {
  const rendered = await Promise.all(names.map((name) => renderEnvironment(treeRoot, name, options)));
  return new Map(rendered.map((result) => [result.environment, result.resources]));
}

async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then((info) => info.isDirectory(), () => false);
}

