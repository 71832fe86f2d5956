/** Every `mesh-policy` command; the CLI's command table is typed by this list. */
export const COMMAND_NAMES = ["check", "render", "validate", "lint", "diff", "explain", "graph", "promote", "drift", "generate", "new", "rules", "schemas", "completion"] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];
