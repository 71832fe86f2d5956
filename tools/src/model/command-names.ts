/** Every `mesh-policy` command; the CLI's dispatch table is typed by this list. */
export const COMMAND_NAMES = ["check", "render", "validate", "lint", "diff", "explain", "graph", "promote", "drift", "generate", "rules", "schemas"] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];
