import { UserError } from "../model/errors.js";
import type { CatalogErrorLocation } from "./jsonnet-error.js";

/** A catalog that does not evaluate (syntax, a failed check, the binding missing), for `check`. */
export const CATALOG_RULE = "catalog";

/**
 * The catalog does not evaluate, or evaluates to something the generator cannot use. The message
 * starts with `file:line:col:` (the CLI prints it and exits 2); nothing has been written.
 */
export class CatalogError extends UserError {
  readonly location: CatalogErrorLocation;
  /** The message without the position. */
  readonly reason: string;

  constructor(location: CatalogErrorLocation, reason: string) {
    super(`${location.file}:${location.line}:${location.column}: ${reason}`);
    this.location = location;
    this.reason = reason;
  }
}
