import { LIMIT_OPTIONS, DEFAULT_LIMITS, formatLimit } from "../util/limits.js";

/**
 * Every option of `mesh-policy`, once: the parser, `--help`, the README test and the completion
 * scripts all read this table. A command accepts the options its entry in command-table.ts lists.
 * Adding an option is one entry here (its parsed value is typed from the entry) plus its name in
 * the commands that take it.
 */

export const FORMATS = ["text", "json", "sarif", "markdown", "github", "junit", "mermaid", "html"] as const;
export type Format = (typeof FORMATS)[number];

export const FAIL_ON = ["error", "warning", "info", "never"] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** How a shell completes the value of an option or argument. */
export type Completion = "file" | "folder" | "environment" | "workload" | "none";

interface OptionBase {
  /** The long flag without its dashes: `fail-on`. */
  flag: string;
  /** A one-letter alias: `-o`. */
  short?: string;
  summary: string;
}

export interface BooleanOption extends OptionBase {
  type: "boolean";
  /** `--no-cache` sets `cache` to false. */
  negated?: true;
}

export interface StringOption extends OptionBase {
  type: "string";
  /** The value's placeholder in help: FILE, ENV, REF. */
  value: string;
  multiple?: true;
  default?: string;
  choices?: readonly string[];
  complete?: Completion;
}

export type OptionSpec = BooleanOption | StringOption;

const LIMIT_LIST = LIMIT_OPTIONS.map((limit) => `${limit.name} (${formatLimit(DEFAULT_LIMITS[limit.field], limit.unit).replace(" ", "")})`).join(", ");

export const OPTIONS = {
  format: { flag: "format", short: "f", type: "string", value: "FORMAT", default: "text", choices: FORMATS, summary: "report format (default text)" },
  output: { flag: "output", short: "o", type: "string", value: "FILE", complete: "file", summary: "write the report to FILE (whole or not at all) instead of stdout" },
  failOn: { flag: "fail-on", type: "string", value: "LEVEL", default: "error", choices: FAIL_ON, summary: "lowest severity that makes the exit code 1 (default error)" },
  environments: { flag: "env", type: "string", value: "ENV", multiple: true, complete: "environment", summary: "an environment to render and check (repeatable)" },
  skipKinds: { flag: "skip-kind", type: "string", value: "KIND", multiple: true, summary: "do not schema-check objects of this kind (repeatable)" },
  cache: { flag: "no-cache", type: "boolean", negated: true, summary: "render again even when the inputs did not change" },
  kubeconform: { flag: "kubeconform", type: "boolean", summary: "also run the real kubeconform binary on the same objects" },
  base: { flag: "base", type: "string", value: "REF", summary: "the revision the change is merged into (origin/main), or pinned" },
  head: { flag: "head", type: "string", value: "REF", summary: "the revision to compare (default: the working tree, edits included)" },
  againstEnv: { flag: "against-env", type: "string", value: "ENV", complete: "environment", summary: "the environment that would render what --env renders" },
  exitCode: { flag: "exit-code", type: "boolean", summary: "exit 1 when anything changes on merge" },
  from: { flag: "from", type: "string", value: "SOURCE", complete: "workload", summary: "the caller: a workload, istio-ingressgateway, plaintext or other-namespace" },
  to: { flag: "to", type: "string", value: "SERVICE:PORT", complete: "workload", summary: "the Service and Service port called" },
  method: { flag: "method", type: "string", value: "M", summary: "the HTTP method (default GET)" },
  path: { flag: "path", type: "string", value: "P", summary: "the request path (default /)" },
  headers: { flag: "header", type: "string", value: "k=v", multiple: true, summary: "a request header (repeatable)" },
  jwtClaims: { flag: "jwt-claims", type: "string", value: "FILE", complete: "file", summary: "the claims of a JWT sent with the request (JSON)" },
  revision: { flag: "revision", type: "string", value: "SHA", summary: "promote this commit instead of the one FROM runs" },
  allowRollback: { flag: "allow-rollback", type: "boolean", summary: "allow a candidate that is older than TO's pin" },
  dryRun: { flag: "dry-run", type: "boolean", summary: "print the plan (and the --pr-body preview); change nothing else" },
  prBody: { flag: "pr-body", type: "string", value: "FILE", complete: "file", summary: "write the pull-request body to FILE (- for stdout)" },
  minSoakHours: { flag: "min-soak-hours", type: "string", value: "N", summary: "hours the candidate must have been on main (default 24)" },
  forceGates: { flag: "force-gates", type: "string", value: "GATES", multiple: true, choices: ["soak", "window", "soak,window"], summary: "override the soak and/or window gates (comma-separated)" },
  kubeconfig: { flag: "kubeconfig", type: "string", value: "FILE", complete: "file", summary: "the cluster's kubeconfig (default $KUBECONFIG, then ~/.kube/config)" },
  context: { flag: "context", type: "string", value: "NAME", summary: "the kubeconfig context to use (default its current context)" },
  serverDryRun: { flag: "server-dry-run", type: "boolean", summary: "also send every rendered object to the cluster as a server-side dry-run (nothing is persisted)" },
  check: { flag: "check", type: "boolean", summary: "write nothing; exit 1 naming every file that is not up to date" },
  port: { flag: "port", type: "string", value: "PORT", summary: "a port: a number (new workload), or the callee's port name or Service port (new call)" },
  calledBy: { flag: "called-by", type: "string", value: "WORKLOAD", multiple: true, complete: "workload", summary: "a caller allowed on the new workload's port (repeatable)" },
  methods: { flag: "methods", type: "string", value: "M,M", multiple: true, summary: "HTTP methods the call may use (comma-separated; default any)" },
  paths: { flag: "paths", type: "string", value: "P,P", multiple: true, summary: "request paths the call may use, exact, prefix* or *suffix (default any)" },
  requireJwt: { flag: "require-jwt", type: "boolean", summary: "the call must carry a valid JWT" },
  verbose: { flag: "verbose", short: "v", type: "boolean", summary: "also print a failing tool's own output (kustomize's error text)" },
  quiet: { flag: "quiet", short: "q", type: "boolean", summary: "print only findings and errors: no progress, no summary line" },
  limits: { flag: "limit", type: "string", value: "NAME=VALUE", multiple: true, summary: `change a bound of the run (repeatable): ${LIMIT_LIST}` },
  allowRemoteResources: { flag: "allow-remote-resources", type: "boolean", summary: "let kustomize fetch remote resources (URLs, git repositories; never cached)" },
  help: { flag: "help", short: "h", type: "boolean", summary: "print this help" },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

type OptionValue<S> = S extends { type: "boolean" }
  ? boolean
  : S extends { multiple: true }
    ? string[]
    : S extends { choices: ReadonlyArray<infer C>; default: string }
      ? C
      : S extends { default: string }
        ? string
        : string | undefined;

/** What the command line said: every option (with its default when not given) and the arguments. */
export type CommonOptions = { -readonly [K in OptionName]: OptionValue<(typeof OPTIONS)[K]> } & { positionals: string[] };
