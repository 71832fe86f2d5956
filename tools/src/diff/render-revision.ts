import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { COMMIT_SHA, firstLine, runGit } from "../util/git.js";
import { UserError } from "../model/errors.js";
import type { Resource } from "../model/resource.js";
import { ENVIRONMENTS_DIR, listEnvironments } from "../render/environments.js";
import { findKustomizationFile } from "../render/kustomize-inputs.js";
import { defaultCacheDir, renderKustomization } from "../render/render-environment.js";

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
  const checkouts = await Checkouts.create(options.repoRoot);
  try {
    return await renderTree(checkouts, await checkouts.revision(options.ref), options);
  } finally {
    await checkouts.dispose();
  }
}

/** Renders the environments of the working tree as it is on disk, uncommitted edits included. */
export async function renderWorkingTree(options: RenderTreeOptions): Promise<RenderedTree> {
  const checkouts = await Checkouts.create(options.repoRoot);
  try {
    return await renderTree(checkouts, await checkouts.workingTree(), options);
  } finally {
    await checkouts.dispose();
  }
}

async function renderTree(checkouts: Checkouts, tree: CheckedOutTree, options: RenderTreeOptions): Promise<RenderedTree> {
  const names = selectEnvironments(tree.available, options.environments);
  const rendered = await checkouts.render(
    tree,
    names.map((name) => ({ name, path: `${ENVIRONMENTS_DIR}/${name}` })),
    options,
  );
  const environments = new Map<string, Resource[]>();
  for (const name of names) {
    const resources = rendered.get(`${ENVIRONMENTS_DIR}/${name}`);
    if (resources !== undefined) environments.set(name, resources);
  }
  return { ref: tree.ref, commit: tree.commit, available: tree.available, environments };
}

/** One revision's files on disk: a checkout in a temporary folder, or the working tree. */
export interface CheckedOutTree {
  /** The revision as the caller named it; null for the working tree. */
  ref: string | null;
  commit: string | null;
  /** Where the repository root (the folder that has environments/) is in this tree. */
  root: string;
  /** Every environment the tree has (a folder of environments/ with a kustomization), sorted. */
  available: string[];
}

/**
 * The revisions one comparison needs, each commit checked out once into a temporary folder
 * (reused when several refs name it), all removed by dispose().
 */
export class Checkouts {
  private readonly trees = new Map<string, Promise<CheckedOutTree>>();
  private readonly commits = new Map<string, Promise<string>>();
  private count = 0;

  private constructor(
    private readonly repoRoot: string,
    private readonly repository: Repository,
    private readonly scratch: string,
  ) {}

  static async create(repoRoot: string): Promise<Checkouts> {
    const repository = await locateRepository(repoRoot);
    return new Checkouts(repoRoot, repository, await mkdtemp(path.join(tmpdir(), "mesh-policy-revision-")));
  }

  /** The commit a ref names (resolved once per comparison); see {@link resolveCommit}. */
  resolve(ref: string): Promise<string> {
    let commit = this.commits.get(ref);
    if (commit === undefined) {
      commit = resolveInRepository(this.repoRoot, ref);
      this.commits.set(ref, commit);
    }
    return commit;
  }

  /** The tree of a revision; anything `git rev-parse` understands as a commit. */
  async revision(ref: string): Promise<CheckedOutTree> {
    const commit = await this.resolve(ref);
    let tree = this.trees.get(commit);
    if (tree === undefined) {
      tree = this.checkOut(ref, commit);
      this.trees.set(commit, tree);
    }
    const checkedOut = await tree;
    return { ...checkedOut, ref };
  }

  async workingTree(): Promise<CheckedOutTree> {
    return { ref: null, commit: null, root: this.repoRoot, available: await listEnvironments(this.repoRoot) };
  }

  /**
   * Renders the kustomizations at the given repository-relative paths of a tree; a path without a
   * kustomization there is left out. Messages name the revision, never the temporary folder.
   */
  async render(
    tree: CheckedOutTree,
    requests: ReadonlyArray<{ name: string; path: string }>,
    options: Pick<RenderTreeOptions, "cacheDir" | "toolsRoot">,
  ): Promise<Map<string, Resource[]>> {
    const renderOptions = { cacheDir: options.cacheDir ?? defaultCacheDir(this.repoRoot), toolsRoot: options.toolsRoot ?? this.repoRoot };
    const unique = [...new Map(requests.map((request) => [request.path, request])).values()];
    const rendered = await Promise.all(
      unique.map(async ({ name, path: folder }) => {
        const buildDir = path.join(tree.root, folder);
        if ((await findKustomizationFile(buildDir)) === undefined) return undefined;
        const result = await renderKustomization(tree.root, buildDir, name, renderOptions).catch((error: unknown) => {
          if (!(error instanceof UserError) || tree.ref === null) throw error;
          // kustomize's message names the temporary folder; name the revision instead.
          const named = (text: string) => text.replaceAll(tree.root, `<${tree.ref}>`).replaceAll(this.scratch, `<${tree.ref}>`);
          throw new UserError(named(error.message), error.details === undefined ? undefined : named(error.details));
        });
        return [folder, result.resources] as const;
      }),
    );
    return new Map(rendered.filter((entry) => entry !== undefined));
  }

  async dispose(): Promise<void> {
    await rm(this.scratch, { recursive: true, force: true });
  }

  private async checkOut(ref: string, commit: string): Promise<CheckedOutTree> {
    const target = path.join(this.scratch, String(this.count++));
    await mkdir(target);
    await extractTree(this.repository.topLevel, commit, path.join(target, "tree"), path.join(target, "index"), ref);
    const root = path.join(target, "tree", this.repository.prefix);
    const available = (await isDirectory(path.join(root, ENVIRONMENTS_DIR))) ? await listEnvironments(root) : [];
    return { ref, commit, root, available };
  }
}

/** The commit a ref names; a name git does not know is a UserError that names it. */
export async function resolveCommit(repoRoot: string, ref: string): Promise<string> {
  await locateRepository(repoRoot);
  return resolveInRepository(repoRoot, ref);
}

async function resolveInRepository(repoRoot: string, ref: string): Promise<string> {
  if (ref === "" || ref.startsWith("-") || /[\0\n]/.test(ref)) {
    throw new UserError(`"${ref}" is not a git revision; give a branch, tag or commit, such as main or origin/main`);
  }
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

async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then((info) => info.isDirectory(), () => false);
}

