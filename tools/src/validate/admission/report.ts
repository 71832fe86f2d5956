import { isJsonObject, pointerOf, type JsonObject } from "../../model/resource.js";

/** One admission problem: where (JSON pointer), what (message naming the field as kubectl does), how bad. */
export interface AdmissionProblem {
  pointer: string;
  message: string;
  severity: "error" | "warning";
  /**
   * The `istioctl analyze` code of the same message: its schema analyzer runs istiod's validation, so a
   * webhook error is IST0106 and a webhook warning IST0133 (IST0130/IST0131 for unreachable routes).
   * None for what only the CRDs' CEL rules reject (the API server runs them, istioctl does not).
   */
  code?: string;
}

/** istioctl analyze's codes for what istiod's validation reports (schema.ValidationAnalyzer). */
export const WEBHOOK_ERROR_CODE = "IST0106";
export const WEBHOOK_WARNING_CODE = "IST0133";

type Segment = { kind: "field"; name: string } | { kind: "index"; index: number } | { kind: "key"; key: string };

/**
 * A location inside an object, kept both as a JSON pointer (`/spec/http/0/timeout`) and as the
 * field path kubectl prints (`spec.http[0].timeout`; map entries as `spec.portLevelMtls[8080]`).
 */
export class FieldPath {
  private constructor(private readonly segments: readonly Segment[]) {}

  static readonly root = new FieldPath([]);

  field(name: string): FieldPath {
    return new FieldPath([...this.segments, { kind: "field", name }]);
  }

  index(index: number): FieldPath {
    return new FieldPath([...this.segments, { kind: "index", index }]);
  }

  key(key: string): FieldPath {
    return new FieldPath([...this.segments, { kind: "key", key }]);
  }

  /** Several fields in one go: `path.at("spec", "trafficPolicy")`. */
  at(...names: string[]): FieldPath {
    return names.reduce<FieldPath>((path, name) => path.field(name), this);
  }

  get pointer(): string {
    return pointerOf(...this.segments.map((s) => (s.kind === "field" ? s.name : s.kind === "index" ? s.index : s.key)));
  }

  toString(): string {
    let out = "";
    for (const s of this.segments) {
      if (s.kind === "field") out += out === "" ? s.name : `.${s.name}`;
      else if (s.kind === "index") out += `[${s.index}]`;
      else out += `[${s.key}]`;
    }
    return out;
  }
}

/** Collects the problems of one resource. Messages start with the field path. */
export class Problems {
  readonly list: AdmissionProblem[] = [];

  /** istiod's webhook rejects it (possibly a CRD CEL rule too). */
  error(at: FieldPath, message: string): void {
    this.add(at, message, "error", WEBHOOK_ERROR_CODE);
  }

  /** Only a CRD CEL rule rejects it: the API server does, istiod's validation (and so istioctl analyze) does not. */
  celError(at: FieldPath, message: string): void {
    this.add(at, message, "error", undefined);
  }

  /** istiod's webhook accepts it with a warning; `code` where istioctl analyze gives the warning a code of its own. */
  warn(at: FieldPath, message: string, code = WEBHOOK_WARNING_CODE): void {
    this.add(at, message, "warning", code);
  }

  private add(at: FieldPath, message: string, severity: AdmissionProblem["severity"], code: string | undefined): void {
    const field = at.toString();
    this.list.push({ pointer: at.pointer, message: field === "" ? message : `${field}: ${message}`, severity, ...(code === undefined ? {} : { code }) });
  }
}

// ---- defensive accessors: the object passed its schema, but never trust that blindly ----

export function obj(value: unknown): JsonObject | undefined {
  return isJsonObject(value) ? value : undefined;
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function bool(value: unknown): boolean {
  return value === true;
}

/** CEL `has()` / Go "field set": present and not null. */
export function has(o: JsonObject | undefined, key: string): boolean {
  return o !== undefined && Object.hasOwn(o, key) && o[key] !== null && o[key] !== undefined;
}

/** A proto string field as Go sees it: "" when unset. */
export function text(o: JsonObject | undefined, key: string): string {
  return o === undefined ? "" : (str(o[key]) ?? "");
}

/** Go `len(list) > 0` for a repeated field. */
export function nonEmpty(o: JsonObject | undefined, key: string): boolean {
  return o !== undefined && Array.isArray(o[key]) && (o[key] as unknown[]).length > 0;
}

/** Entries of a map field (object), or none. */
export function entries(value: unknown): [string, unknown][] {
  const m = obj(value);
  return m === undefined ? [] : Object.entries(m);
}

/** Items of an array that are objects, with their index (other items are skipped: the schema reports them). */
export function objects(value: unknown): [JsonObject, number][] {
  const out: [JsonObject, number][] = [];
  arr(value).forEach((item, index) => {
    if (isJsonObject(item)) out.push([item, index]);
  });
  return out;
}

/** Strings of an array, with their index. */
export function strings(value: unknown): [string, number][] {
  const out: [string, number][] = [];
  arr(value).forEach((item, index) => {
    if (typeof item === "string") out.push([item, index]);
  });
  return out;
}

/** Quotes a user value the way messages show it. */
export function q(value: unknown): string {
  return typeof value === "string" ? `'${value}'` : JSON.stringify(value) ?? String(value);
}
