import type { ErrorObject, ValidateFunction } from "ajv";
import { likelyMeant } from "../util/did-you-mean.js";
import { isSensitivePointer, MASK } from "../mask/mask-secrets.js";
import type { Finding } from "../model/finding.js";
import { refOf, type Resource } from "../model/resource.js";
import { LIST_MAP_KEYS } from "../schemas/list-map.js";
import { loadSchemaIndex, type SchemaEntry } from "../schemas/schema-catalog.js";
import { fieldName } from "./field-name.js";
import { compiledValidator } from "./compiled-validators.js";
import type { SchemaCompiler } from "./schema-ajv.js";
import { SCHEMA_RULE } from "./schema-rules.js";

/**
 * Validates objects against the JSON schema of their apiVersion/kind: with the validator compiled
 * at build time (compile-validators) where there is a current one, else compiling the schema, once.
 * ajv's compiler is loaded only for such a schema: by `prepare`, or given to the constructor.
 */
export class SchemaValidator {
  private readonly compiled = new Map<SchemaEntry, ValidateFunction>();

  constructor(private compileSchema?: SchemaCompiler) {}

  /** Makes ready the validators of these objects' kinds, loading ajv's compiler if one has no build-time validator. */
  async prepare(resources: readonly Resource[], skipKinds: ReadonlySet<string> = new Set()): Promise<void> {
    for (const resource of resources) {
      const entry = skipped(resource, skipKinds) ? undefined : loadSchemaIndex().find(resource.apiVersion, resource.kind);
      if (entry === undefined || this.compiled.has(entry)) continue;
      const fn = compiledValidator(entry) ?? (this.compileSchema ??= (await import("./schema-ajv.js")).runtimeSchemaCompiler())(entry);
      this.compiled.set(entry, fn);
    }
  }

  validate(resource: Resource, skipKinds: ReadonlySet<string> = new Set()): Finding[] {
    if (skipped(resource, skipKinds)) return [];
    const entry = loadSchemaIndex().find(resource.apiVersion, resource.kind);
    if (entry === undefined) {
      return [
        this.finding(
          resource,
          `no schema for ${resource.apiVersion} ${resource.kind}: it cannot be checked. Check the apiVersion ` +
            `(for example networking.istio.io/v1), or skip the kind with --skip-kind ${resource.kind}`,
          "/apiVersion",
        ),
      ];
    }
    const validateFn = this.validatorFor(entry);
    if (validateFn(withoutNulls(resource.object))) return [];
    // A message shows the offending value, except where the value is a secret.
    const secret = (pointer: string) => isSensitivePointer(resource.kind, resource.object, pointer);
    return describeErrors(validateFn.errors ?? [], secret).map(({ pointer, message }) => this.finding(resource, message, pointer));
  }

  private validatorFor(entry: SchemaEntry): ValidateFunction {
    let fn = this.compiled.get(entry);
    if (fn === undefined) {
      fn = compiledValidator(entry) ?? this.compileSchema?.(entry);
      if (fn === undefined) throw new Error(`no validator for ${entry.file}: prepare() the objects first, or give the SchemaValidator a compiler`);
      this.compiled.set(entry, fn);
    }
    return fn;
  }

  private finding(resource: Resource, message: string, pointer: string): Finding {
    return {
      ruleId: SCHEMA_RULE,
      severity: "error",
      message,
      resource: refOf(resource),
      location: resource.origin.locate(pointer),
    };
  }
}

function skipped(resource: Resource, skipKinds: ReadonlySet<string>): boolean {
  return skipKinds.has(resource.kind) || skipKinds.has(`${resource.apiVersion}/${resource.kind}`);
}

/** The API server treats a field set to null as absent (kustomize writes `creationTimestamp: null`). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.some(hasNull) ? value.map(withoutNulls) : value;
  if (typeof value !== "object" || value === null || !hasNull(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) if (child !== null) copy[key] = withoutNulls(child);
  return copy;
}

function hasNull(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value !== "object") return false;
  return Object.values(value).some(hasNull);
}

interface Problem {
  pointer: string;
  message: string;
}

/** Turns ajv's errors into one message per field, in the words of a Kubernetes user; values at `secret` pointers are not shown. */
export function describeErrors(errors: readonly ErrorObject[], secret: (pointer: string) => boolean = () => false): Problem[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    const list = byPath.get(error.instancePath) ?? [];
    list.push(error);
    byPath.set(error.instancePath, list);
  }
  const problems: Problem[] = [];
  for (const [pointer, list] of byPath) {
    const specific = list.filter((e) => !["anyOf", "oneOf", "if", "not"].includes(e.keyword));
    const relevant = specific.length > 0 ? specific : list;
    const types = relevant.filter((e) => e.keyword === "type").map((e) => String(e.params["type"]));
    const show = secret(pointer) ? () => MASK : shown;
    if (types.length > 0) {
      problems.push({ pointer, message: `${fieldName(pointer)}: ${show(relevant[0]?.data)} must be ${[...new Set(types)].join(" or ")}` });
    }
    for (const error of relevant) {
      if (error.keyword === "type") continue;
      problems.push(describeOne(pointer, error, show));
    }
  }
  return dedupe(problems);
}

function describeOne(pointer: string, error: ErrorObject, showValue: (value: unknown) => string): Problem {
  const field = fieldName(pointer);
  switch (error.keyword) {
    case "additionalProperties": {
      const extra = String(error.params["additionalProperty"]);
      const child = `${pointer}/${extra.replaceAll("~", "~0").replaceAll("/", "~1")}`;
      const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
      const guess = likelyMeant(extra, Object.keys(properties ?? {}));
      const fix = guess === undefined ? "remove it or correct its spelling" : `did you mean "${guess}"?`;
      return { pointer: child, message: `${fieldName(child)}: unknown field "${extra}"; ${fix} (the API server rejects unknown fields)` };
    }
    case "required":
      return { pointer, message: `${field}: missing required field "${String(error.params["missingProperty"])}"` };
    case "enum":
      return { pointer, message: `${field}: ${showValue(error.data)} is not one of ${(error.params["allowedValues"] as unknown[]).map(shown).join(", ")}` };
    case "const":
      return { pointer, message: `${field}: must be ${shown(error.params["allowedValue"])}` };
    case "pattern":
      if (pointer === "/metadata/name") {
        return {
          pointer,
          message: `${field}: ${shown(error.data)} is not a valid name: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (a DNS-1123 subdomain, as the API server requires)`,
        };
      }
      return { pointer, message: `${field}: ${shown(error.data)} does not match ${String(error.params["pattern"])}` };
    case "maxLength":
      return { pointer, message: `${field}: longer than ${String(error.params["limit"])} characters` };
    case LIST_MAP_KEYS: {
      const values = (error.params["values"] as Array<[string, unknown]>).map(([key, value]) => `${key} ${value === undefined ? "(unset)" : shown(value)}`);
      const first = pointer.replace(/\/\d+$/, `/${String(error.params["duplicateOf"])}`);
      return { pointer, message: `${field}: duplicate entry: ${values.join(", ")} is already used by ${fieldName(first)}; each entry of this list needs its own ${(error.params["keys"] as string[]).join(", ")} (the API server rejects duplicates)` };
    }
    default:
      return { pointer, message: `${field}: ${error.message ?? "is invalid"}` };
  }
}

function shown(value: unknown): string {
  if (typeof value === "string") return `'${value}'`;
  if (value === null || typeof value !== "object") return String(value);
  return Array.isArray(value) ? "a list" : "an object";
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.pointer}\0${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
