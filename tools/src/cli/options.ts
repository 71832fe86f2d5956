import { parseArgs } from "node:util";
import { UserError } from "../model/errors.js";
import { FAIL_ON, type FailOn } from "./exit-codes.js";

export const FORMATS = ["text", "json", "sarif", "markdown", "github", "mermaid", "html"] as const;
export type Format = (typeof FORMATS)[number];

export interface CommonOptions {
  format: Format;
  output: string | undefined;
  failOn: FailOn;
  environments: string[];
  skipKinds: string[];
  cache: boolean;
  kubeconform: boolean;
  base: string | undefined;
  head: string | undefined;
  againstEnv: string | undefined;
  from: string | undefined;
  to: string | undefined;
  method: string | undefined;
  path: string | undefined;
  headers: string[];
  jwtClaims: string | undefined;
  revision: string | undefined;
  allowRollback: boolean;
  dryRun: boolean;
  prBody: string | undefined;
  minSoakHours: string | undefined;
  forceGates: string[];
  kubeconfig: string | undefined;
  context: string | undefined;
  serverDryRun: boolean;
  check: boolean;
  exitCode: boolean;
  verbose: boolean;
  /** `--limit NAME=VALUE` as given (util/limits parses them). */
  limits: string[];
  allowRemoteResources: boolean;
  positionals: string[];
}

/** Parses the options every command shares; unknown options are usage errors. */
export function parseCommonOptions(args: readonly string[]): CommonOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: "string", default: "text" },
        output: { type: "string" },
        "fail-on": { type: "string", default: "error" },
        env: { type: "string", multiple: true, default: [] },
        "skip-kind": { type: "string", multiple: true, default: [] },
        "no-cache": { type: "boolean", default: false },
        kubeconform: { type: "boolean", default: false },
        base: { type: "string" },
        head: { type: "string" },
        "against-env": { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        method: { type: "string" },
        path: { type: "string" },
        header: { type: "string", multiple: true, default: [] },
        "jwt-claims": { type: "string" },
        revision: { type: "string" },
        "allow-rollback": { type: "boolean", default: false },
        "dry-run": { type: "boolean", default: false },
        "pr-body": { type: "string" },
        "min-soak-hours": { type: "string" },
        "force-gates": { type: "string", multiple: true, default: [] },
        kubeconfig: { type: "string" },
        context: { type: "string" },
        "server-dry-run": { type: "boolean", default: false },
        check: { type: "boolean", default: false },
        "exit-code": { type: "boolean", default: false },
        verbose: { type: "boolean", default: false },
        limit: { type: "string", multiple: true, default: [] },
        "allow-remote-resources": { type: "boolean", default: false },
      },
    });
  } catch (error) {
    throw new UserError(`${(error as Error).message}; see mesh-policy --help`);
  }
  const { values, positionals } = parsed;
  const format = oneOf(values.format, FORMATS, "--format");
  const failOn = oneOf(values["fail-on"], FAIL_ON, "--fail-on");
  return {
    format,
    output: values.output,
    failOn,
    environments: values.env,
    skipKinds: values["skip-kind"],
    cache: !values["no-cache"],
    kubeconform: values.kubeconform,
    base: values.base,
    head: values.head,
    againstEnv: values["against-env"],
    from: values.from,
    to: values.to,
    method: values.method,
    path: values.path,
    headers: values.header,
    jwtClaims: values["jwt-claims"],
    revision: values.revision,
    allowRollback: values["allow-rollback"],
    dryRun: values["dry-run"],
    prBody: values["pr-body"],
    minSoakHours: values["min-soak-hours"],
    forceGates: values["force-gates"],
    kubeconfig: values.kubeconfig,
    context: values.context,
    serverDryRun: values["server-dry-run"],
    check: values.check,
    exitCode: values["exit-code"],
    verbose: values.verbose,
    limits: values.limit,
    allowRemoteResources: values["allow-remote-resources"],
    positionals,
  };
}

function oneOf<T extends string>(value: string, allowed: readonly T[], option: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UserError(`${option} ${value} is not one of: ${allowed.join(", ")}`);
}

/** Refuses a --format the command has no formatter for, before any work is done. */
export function requireFormat<T extends Format>(format: Format, allowed: readonly T[], command: string): T {
  if ((allowed as readonly Format[]).includes(format)) return format as T;
  throw new UserError(`${command} --format takes ${allowed.join(", ")}, not ${format}`);
}
