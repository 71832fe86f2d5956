/**
 * The rule ids of validation, apart from the validators: the check catalog and the pipeline name
 * them without loading ajv, Istio's admission rules or the kubeconform runner.
 */
export const SCHEMA_RULE = "schema";
export const KUBECONFORM_RULE = "kubeconform";
export const ADMISSION_RULE = "admission";
