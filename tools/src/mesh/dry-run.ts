/** The annotation that puts an AuthorizationPolicy in dry-run: evaluated and logged, not enforced. */
export const DRY_RUN_ANNOTATION = "istio.io/dry-run";

const GO_TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const GO_FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/** Go's strconv.ParseBool: true or false for the values it accepts, undefined (an error in Go) for anything else. */
export function parseGoBool(value: string): boolean | undefined {
  if (GO_TRUE.has(value)) return true;
  if (GO_FALSE.has(value)) return false;
  return undefined;
}

/** Istio's dry-run test: the annotation parses true; a missing or unparsable value means enforced. */
export function isDryRunValue(value: string | undefined): boolean {
  return value !== undefined && parseGoBool(value) === true;
}
