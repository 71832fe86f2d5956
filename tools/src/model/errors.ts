/**
 * An error the user can fix: bad input, missing tool, unknown environment. The CLI prints its
 * message (which says what to do) and exits 2, without a stack trace; `details` (such as a
 * failing tool's own output) only with --verbose.
 */
export class UserError extends Error {
  override readonly name = "UserError";

  constructor(
    message: string,
    readonly details?: string,
  ) {
    super(message);
  }
}
