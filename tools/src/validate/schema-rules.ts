/**
 * The rule ids of schema validation, apart from the validators: the check catalog (loaded by
 * every command) names them without loading ajv or the kubeconform runner.
 */
export const SCHEMA_RULE = "schema";
export const KUBECONFORM_RULE = "kubeconform";
