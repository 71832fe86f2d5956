/** What `mesh-policy` exits with. Loaded by every command, --help and completion included: keep it free of imports. */
export const EXIT = { clean: 0, findings: 1, usage: 2, internal: 3 } as const;
