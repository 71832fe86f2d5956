import type { CommandName } from "../model/command-names.js";
import type { CommandContext } from "./commands.js";
import type { Completion, Format, OptionName } from "./option-table.js";

/**
 * Every command of `mesh-policy`: what `--help` says about it, the options it takes, and where its
 * implementation is. An implementation is imported only when its command runs (`load`), so that
 * `--help`, `--version` and `completion` load nothing of the pipeline.
 */

export type CommandRun = (context: CommandContext) => Promise<number>;

export interface CommandArgument {
  /** The argument as the usage line writes it: ENV, PATH, NAME. */
  name: string;
  /** Fixed words (a sub-command) or how a shell completes it. */
  complete: Completion | readonly string[];
}

export interface CommandSpec {
  name: CommandName;
  /** One line in `mesh-policy --help`. */
  summary: string;
  /** The synopsis lines, after `mesh-policy `. */
  usage: readonly string[];
  /** What the command does, for `mesh-policy COMMAND --help`. */
  description: string;
  options: readonly OptionName[];
  /** The --format values the command has a formatter for (the first is the default). */
  formats?: readonly Format[];
  /** The positional arguments, in order; the last one repeats when `repeats` is set. */
  arguments: readonly CommandArgument[];
  repeats?: true;
  examples: ReadonlyArray<{ command: string; says: string }>;
  load: () => Promise<CommandRun>;
}

const REPORT_FORMATS = ["text", "json", "sarif", "markdown", "github", "junit"] as const satisfies readonly Format[];
/** What every command that renders an environment takes. */
const RENDERING: readonly OptionName[] = ["cache", "limits", "allowRemoteResources", "verbose", "quiet"];

/** Formats of the commands that choose their formatter by them (the option parser refuses any other). */
export const EXPLAIN_FORMATS = ["text", "json"] as const satisfies readonly Format[];
export const GRAPH_FORMATS = ["text", "mermaid", "json", "html"] as const satisfies readonly Format[];

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "check",
    summary: "render + validate + lint every (or the named) environment, argocd/, the catalog and the workflows",
    usage: ["check [ENV...]", "check [ENV...] --server-dry-run [--kubeconfig FILE] [--context NAME]"],
    description:
      "Renders each environment with kustomize as Argo CD does, checks every object against its schema and Istio's\n" +
      "admission rules, runs the lint rules, and checks argocd/, the files generated from the service catalog\n" +
      "(and that every workload is deployed, with its connection pools where the others have theirs) and the\n" +
      "GitHub workflows. --server-dry-run also sends every rendered object to the cluster of the kubeconfig as a\n" +
      "server-side dry-run: its API server and admission webhooks (Istio's) judge it, nothing is persisted.\n" +
      "Exit 1 on findings at or above --fail-on.",
    options: ["format", "output", "failOn", "environments", "skipKinds", "kubeconform", "serverDryRun", "kubeconfig", "context", ...RENDERING],
    formats: REPORT_FORMATS,
    arguments: [{ name: "ENV", complete: "environment" }],
    repeats: true,
    examples: [
      { command: "mesh-policy check", says: "every environment, as CI checks it" },
      { command: "mesh-policy check prod -q", says: "prod only; print nothing but findings" },
      { command: "mesh-policy check -f junit -o report.xml", says: "JUnit XML for a CI system's test view" },
      { command: "mesh-policy check prod --server-dry-run --context staging-cluster", says: "and ask a real API server" },
    ],
    load: async () => (await import("./commands.js")).runCheckCommand,
  },
  {
    name: "render",
    summary: "print what kustomize, and so Argo CD, renders for ENV",
    usage: ["render ENV [-o FILE]"],
    description: "Prints the rendered YAML of one environment: the same bytes Argo CD applies.",
    options: ["output", ...RENDERING],
    arguments: [{ name: "ENV", complete: "environment" }],
    examples: [{ command: "mesh-policy render prod -o prod.yaml", says: "what Argo CD applies to prod" }],
    load: async () => (await import("./commands.js")).runRenderCommand,
  },
  {
    name: "validate",
    summary: "schema-check YAML files, folders or environments (- reads standard input)",
    usage: ["validate [PATH...] [--env ENV]... [--kubeconform]"],
    description:
      "Checks each object against the JSON schema of its apiVersion and kind (unknown fields rejected), the\n" +
      "API server's own validation and Istio's admission rules. A folder that holds a kustomization is rendered.\n" +
      "- reads YAML from standard input.",
    options: ["format", "output", "failOn", "environments", "skipKinds", "kubeconform", ...RENDERING],
    formats: REPORT_FORMATS,
    arguments: [{ name: "PATH", complete: "file" }],
    repeats: true,
    examples: [
      { command: "mesh-policy validate environments/prod", says: "what prod renders" },
      { command: "kustomize build environments/dev | mesh-policy validate -", says: "YAML from standard input" },
    ],
    load: async () => (await import("./commands.js")).runValidateCommand,
  },
  {
    name: "lint",
    summary: "Istio semantic rules on files, folders or environments (- reads standard input)",
    usage: ["lint [PATH...] [--env ENV]..."],
    description:
      "Runs the lint rules (mesh-policy rules lists them) on what was given. Lint an environment, not one\n" +
      "workload's folder, to judge references between workloads. - reads YAML from standard input.",
    options: ["format", "output", "failOn", "environments", ...RENDERING],
    formats: REPORT_FORMATS,
    arguments: [{ name: "PATH", complete: "file" }],
    repeats: true,
    examples: [
      { command: "mesh-policy lint --env prod", says: "the rules on what prod renders" },
      { command: "mesh-policy lint my-virtual-service.yaml -f github", says: "workflow annotations for one file" },
    ],
    load: async () => (await import("./commands.js")).runLintCommand,
  },
  {
    name: "diff",
    summary: "what Argo CD changes in each environment when HEAD is merged, and who can newly reach whom",
    usage: ["diff --base REF [--head REF] [ENV...] [--exit-code]", "diff --env A --against-env B [--head REF]"],
    description:
      "Reads each environment's Application at both revisions: one that follows main changes by the head's\n" +
      "rendering, a pinned one (prod) only when its pin moves; what a pinned one receives at its next promotion\n" +
      "is shown apart, as pending. No --head: the working tree, uncommitted edits included. --base pinned: against\n" +
      "what ENV's Application deploys. --env A --against-env B: what B would change if it rendered what A renders.",
    options: ["base", "head", "environments", "againstEnv", "exitCode", "format", "output", "skipKinds", ...RENDERING],
    formats: ["text", "json", "markdown"],
    arguments: [{ name: "ENV", complete: "environment" }],
    repeats: true,
    examples: [
      { command: "mesh-policy diff --base origin/main", says: "what your branch changes, edits included" },
      { command: "mesh-policy diff --env staging --against-env prod", says: "what promoting staging would change in prod" },
      { command: "mesh-policy diff --base origin/main -f markdown -o comment.md", says: "the sticky pull-request comment" },
    ],
    load: async () => (await import("./diff-command.js")).runDiffCommand,
  },
  {
    name: "explain",
    summary: "would this request be routed and allowed, by which policy (file:line), and why",
    usage: ["explain --env ENV --from SOURCE --to SERVICE:PORT [--method M] [--path P] [--header k=v]... [--jwt-claims FILE]"],
    description:
      "Evaluates one request on the rendered environment with Istio's semantics: the route, mTLS of the hop,\n" +
      "the JWT, and the AuthorizationPolicy rule that decides (or the nearest miss). Exits 0 whatever the verdict.",
    options: ["environments", "from", "to", "method", "path", "headers", "jwtClaims", "format", "output", ...RENDERING],
    formats: EXPLAIN_FORMATS,
    arguments: [],
    examples: [
      { command: "mesh-policy explain --env prod --from vapora-frontend --to vapora-backend:8001 --path /api/tasks", says: "allowed, and by which rule" },
      { command: "mesh-policy explain --env prod --from plaintext --to vapora-backend:8001", says: "what a client without a sidecar gets" },
    ],
    load: async () => (await import("./access-commands.js")).runExplainCommand,
  },
  {
    name: "graph",
    summary: "who can reach whom: the access matrix and graph",
    usage: ["graph --env ENV [--format text|mermaid|json|html]"],
    description: "The access matrix of one environment as text, a Mermaid graph, JSON, or one self-contained HTML page.",
    options: ["environments", "format", "output", ...RENDERING],
    formats: GRAPH_FORMATS,
    arguments: [],
    examples: [{ command: "mesh-policy graph --env prod -f html -o prod-access.html", says: "graph and matrix in a browser" }],
    load: async () => (await import("./access-commands.js")).runGraphCommand,
  },
  {
    name: "promote",
    summary: "prepare a promotion: pin TO's Application to FROM's commit",
    usage: ["promote FROM TO [--revision SHA] [--dry-run] [--allow-rollback] [--pr-body FILE] [--min-soak-hours N] [--force-gates soak,window]"],
    description:
      "Takes the commit FROM runs, checks the gates (checks on TO's rendering, descendant of the pin, soak time,\n" +
      "TO's sync window), rewrites the one targetRevision line and writes the pull-request body. --dry-run writes\n" +
      "nothing but the --pr-body preview. Exit 1 when a gate refuses.",
    options: ["revision", "allowRollback", "dryRun", "prBody", "minSoakHours", "forceGates", "format", "output", ...RENDERING],
    formats: ["text", "json"],
    arguments: [
      { name: "FROM", complete: "environment" },
      { name: "TO", complete: "environment" },
    ],
    examples: [
      { command: "mesh-policy promote staging prod --dry-run --pr-body -", says: "preview the promotion's pull-request body" },
      { command: "mesh-policy promote staging prod --pr-body body.md", says: "pin prod to staging's commit" },
    ],
    load: async () => (await import("./promote-command.js")).runPromoteCommand,
  },
  {
    name: "drift",
    summary: "compare the rendered environment with the live cluster",
    usage: ["drift ENV [--kubeconfig FILE] [--context NAME]"],
    description: "Does the cluster of the kubeconfig's current (or --context) context hold what the repository renders for ENV? Exit 1 on drift.",
    options: ["kubeconfig", "context", "format", "output", ...RENDERING],
    formats: ["text", "json"],
    arguments: [{ name: "ENV", complete: "environment" }],
    examples: [{ command: "mesh-policy drift prod --kubeconfig ~/.kube/prod", says: "missing, extra and changed objects" }],
    load: async () => (await import("./drift-command.js")).runDriftCommand,
  },
  {
    name: "generate",
    summary: "Jsonnet service catalog -> policy YAML in base/<workload>/ (--check: stale files, exit 1)",
    usage: ["generate [--check]"],
    description:
      "Evaluates base/catalog/catalog.jsonnet in a bounded child process and writes base/<workload>/ whole, or\n" +
      "nothing. --check writes nothing and names every stale, missing or extra generated file.",
    options: ["check", "format", "output", "failOn", "limits", "verbose", "quiet"],
    formats: REPORT_FORMATS,
    arguments: [],
    examples: [
      { command: "mesh-policy generate", says: "after editing the catalog" },
      { command: "mesh-policy generate --check", says: "what CI checks" },
    ],
    load: async () => (await import("./generate-command.js")).runGenerateCommand,
  },
  {
    name: "new",
    summary: "add a workload or an allowed call: edit the catalog, generate, wire kustomize and the environments",
    usage: ["new workload NAME --port PORT [--called-by WORKLOAD]...", "new call FROM TO [--port P] [--methods M,M] [--paths P,P] [--require-jwt]"],
    description:
      "new workload adds NAME (the workload vapora-NAME, folder base/NAME/) to base/catalog/catalog.jsonnet with one\n" +
      "HTTP port, and a call from each --called-by workload; new call adds one allowed call. Both generate the\n" +
      "policy YAML, list a new folder in base/kustomization.yaml, add connection-pool sizes to each environment's\n" +
      "limits.yaml where the other workloads have them, add the rows to docs/policy.md, and print the next step.\n" +
      "Every file is edited in place (the rest byte for byte) and written all or nothing; a file in a shape that\n" +
      "cannot be edited safely is refused at its file:line.",
    options: ["port", "calledBy", "methods", "paths", "requireJwt", "limits", "verbose", "quiet"],
    arguments: [
      { name: "KIND", complete: ["workload", "call"] },
      { name: "NAME", complete: "workload" },
      { name: "TO", complete: "workload" },
    ],
    examples: [
      { command: "mesh-policy new workload search --port 8004 --called-by vapora-backend", says: "a workload and who may call it" },
      { command: "mesh-policy new call vapora-frontend vapora-search --methods GET --paths '/search/*'", says: "one more allowed call" },
    ],
    load: async () => (await import("./new-command.js")).runNewCommand,
  },
  {
    name: "rules",
    summary: "the checks (markdown: docs/rules.md)",
    usage: ["rules [--format text|json|markdown]"],
    description: "Lists every check: the built-in stages and the lint rules, with their ids, codes and severities.",
    options: ["format", "output"],
    formats: ["text", "json", "markdown"],
    arguments: [],
    examples: [{ command: "mesh-policy rules -f markdown -o docs/rules.md", says: "regenerate docs/rules.md" }],
    load: async () => (await import("./commands.js")).runRulesCommand,
  },
  {
    name: "schemas",
    summary: "our schemas for other tools: kubeconform's layout, or YAML editors (VS Code)",
    usage: ["schemas export --kubeconform DIR", "schemas editor [--check]"],
    description:
      "export --kubeconform DIR writes our schemas in kubeconform's layout, for offline use. editor writes the\n" +
      "schema that yaml-language-server (VS Code's YAML extension) reads, keyed by apiVersion and kind, and\n" +
      ".vscode/settings.json that maps it to base/ and argocd/; --check writes nothing and exits 1 when they drift.",
    options: ["kubeconform", "check", "quiet"],
    arguments: [
      { name: "ACTION", complete: ["export", "editor"] },
      { name: "DIR", complete: "folder" },
    ],
    examples: [
      { command: "mesh-policy schemas export --kubeconform /tmp/schemas", says: "then kubeconform -schema-location …" },
      { command: "mesh-policy schemas editor", says: "refresh the editor mapping after schemas:update" },
    ],
    load: async () => (await import("./schemas-command.js")).runSchemasCommand,
  },
  {
    name: "completion",
    summary: "print a completion script for bash, zsh or fish",
    usage: ["completion bash|zsh|fish"],
    description: "Prints a script that completes commands, options, formats and environment names.",
    options: [],
    arguments: [{ name: "SHELL", complete: ["bash", "zsh", "fish"] }],
    examples: [
      { command: "source <(mesh-policy completion bash)", says: "bash, this shell" },
      { command: "mesh-policy completion fish > ~/.config/fish/completions/mesh-policy.fish", says: "fish, for good" },
    ],
    load: async () => (await import("./completion-command.js")).runCompletionCommand,
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((command) => command.name === name);
}
