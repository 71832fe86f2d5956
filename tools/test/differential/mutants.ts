import { isJsonObject, pointerOf, type JsonObject } from "../../src/model/resource.js";

/** How a valid object was broken. */
export const OPERATORS = ["delete-field", "wrong-type", "out-of-range", "duplicate-list-item", "bad-name", "unknown-field", "bad-enum-string"] as const;
export type Operator = (typeof OPERATORS)[number];

export interface Mutant {
  /** `<seed>/<index>`: regenerate it with the same seed and index. */
  id: string;
  operator: Operator;
  /** JSON pointer of the field that was changed. */
  pointer: string;
  /** What was done, for failure messages. */
  change: string;
  /** The object it was made from (`Kind namespace/name`). */
  origin: string;
  object: JsonObject;
}

/** mulberry32: a small, seedable generator, so that every run of a seed makes the same mutants. */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Location {
  pointer: string;
  segments: Array<string | number>;
  value: unknown;
}

/** Fields a mutation must leave alone: they say which object it is, not what it holds. */
const PINNED = new Set(["", "/apiVersion", "/kind", "/metadata", "/metadata/name", "/metadata/namespace"]);

const WRONG_TYPES: readonly unknown[] = ["a string", 42, 1.5, true, ["a", "list"], { an: "object" }, null];
const OUT_OF_RANGE: readonly number[] = [-1, 0, 65536, 70000, 101, 2147483648, 1e12, -2147483649, 0.5];
const BAD_NAMES: readonly string[] = ["Bad_Name", "-leading-dash", "trailing-dot.", "UPPER", "a..b", "x".repeat(254), "with space", "emoji-\u{1f600}"];

/**
 * Mutants of valid objects: each object is broken in exactly one way by one of {@link OPERATORS},
 * at a field chosen at random among the fields that operator applies to. Deterministic for a
 * given seed, objects and count.
 */
export function makeMutants(objects: ReadonlyArray<{ origin: string; object: JsonObject }>, count: number, seed: number): Mutant[] {
  const random = randomSource(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const mutants: Mutant[] = [];
  for (let attempt = 0; mutants.length < count && attempt < count * 20; attempt++) {
    const source = pick(objects);
    const operator = pick(OPERATORS);
    const mutated = mutate(structuredClone(source.object), operator, pick, random);
    if (mutated === undefined) continue;
    mutants.push({ id: `${seed}/${mutants.length}`, operator, origin: source.origin, ...mutated });
  }
  return mutants;
}

function mutate(
  object: JsonObject,
  operator: Operator,
  pick: <T>(list: readonly T[]) => T,
  random: () => number,
): Omit<Mutant, "id" | "operator" | "origin"> | undefined {
  const locations = walk(object).filter((l) => !PINNED.has(l.pointer) && !l.pointer.startsWith("/metadata/annotations") && !l.pointer.startsWith("/metadata/labels"));
  switch (operator) {
    case "delete-field": {
      const target = pickWhere(locations.filter((l) => typeof l.segments.at(-1) === "string"), pick);
      if (target === undefined) return undefined;
      remove(object, target.segments);
      return { pointer: target.pointer, change: `deleted ${target.pointer}`, object };
    }
    case "wrong-type": {
      const target = pickWhere(locations, pick);
      if (target === undefined) return undefined;
      const replacement = pick(WRONG_TYPES.filter((v) => typeOf(v) !== typeOf(target.value)));
      set(object, target.segments, replacement);
      return { pointer: target.pointer, change: `${target.pointer}: ${JSON.stringify(target.value)?.slice(0, 40)} -> ${JSON.stringify(replacement)}`, object };
    }
    case "out-of-range": {
      const target = pickWhere(locations.filter((l) => typeof l.value === "number"), pick);
      if (target === undefined) return undefined;
      const replacement = pick(OUT_OF_RANGE.filter((v) => v !== target.value));
      set(object, target.segments, replacement);
      return { pointer: target.pointer, change: `${target.pointer}: ${String(target.value)} -> ${replacement}`, object };
    }
    case "duplicate-list-item": {
      const target = pickWhere(locations.filter((l) => Array.isArray(l.value) && l.value.length > 0), pick);
      if (target === undefined || !Array.isArray(target.value)) return undefined;
      const index = Math.floor(random() * target.value.length);
      const copy = structuredClone(target.value[index]);
      // Half the time an exact copy, half the time the same keys with another value somewhere inside.
      const tweaked = random() < 0.5 || !isJsonObject(copy) ? copy : tweak(copy, pick);
      target.value.push(tweaked);
      return { pointer: `${target.pointer}/${target.value.length - 1}`, change: `${target.pointer}: item ${index} appended again${tweaked === copy ? "" : " (one value changed)"}`, object };
    }
    case "bad-name": {
      const name = pick(BAD_NAMES);
      (object["metadata"] as JsonObject)["name"] = name;
      return { pointer: "/metadata/name", change: `metadata.name -> ${JSON.stringify(name.length > 40 ? `${name.slice(0, 10)}…(${name.length})` : name)}`, object };
    }
    case "unknown-field": {
      const target = pickWhere(locations.filter((l) => isJsonObject(l.value)), pick);
      if (target === undefined || !isJsonObject(target.value)) return undefined;
      const field = pick(["extra", "hosts_", "Spec", "timeoutSeconds", "selector2"]);
      if (field in target.value) return undefined;
      target.value[field] = pick(["x", 1, { a: 1 }]);
      return { pointer: `${target.pointer}/${field}`, change: `added ${target.pointer}/${field}`, object };
    }
    case "bad-enum-string": {
      const target = pickWhere(locations.filter((l) => typeof l.value === "string" && /^[A-Z][A-Z_0-9]+$/.test(l.value)), pick);
      if (target === undefined) return undefined;
      const replacement = pick(["NOT_A_VALUE", (target.value as string).toLowerCase(), ""]);
      set(object, target.segments, replacement);
      return { pointer: target.pointer, change: `${target.pointer}: ${String(target.value)} -> ${JSON.stringify(replacement)}`, object };
    }
  }
}

function pickWhere(locations: readonly Location[], pick: <T>(list: readonly T[]) => T): Location | undefined {
  return locations.length === 0 ? undefined : pick(locations);
}

/** The same keys with one scalar changed (a duplicate by key, not by value). */
function tweak(item: JsonObject, pick: <T>(list: readonly T[]) => T): JsonObject {
  const scalars = walk(item).filter((l) => l.segments.length > 0 && l.value !== null && typeof l.value !== "object" && !/name|number|key|port/i.test(String(l.segments.at(-1))));
  const target = scalars.length === 0 ? undefined : pick(scalars);
  if (target === undefined) return item;
  set(item, target.segments, typeof target.value === "number" ? target.value + 1 : typeof target.value === "string" ? `${target.value}-2` : !target.value);
  return item;
}

function walk(value: unknown, segments: Array<string | number> = []): Location[] {
  const here: Location = { pointer: pointerOf(...segments), segments, value };
  if (Array.isArray(value)) return [here, ...value.flatMap((item, index) => walk(item, [...segments, index]))];
  if (isJsonObject(value)) return [here, ...Object.entries(value).flatMap(([key, child]) => walk(child, [...segments, key]))];
  return [here];
}

function parentOf(object: JsonObject, segments: ReadonlyArray<string | number>): unknown {
  let current: unknown = object;
  for (const segment of segments.slice(0, -1)) current = (current as Record<string | number, unknown>)[segment];
  return current;
}

function set(object: JsonObject, segments: ReadonlyArray<string | number>, value: unknown): void {
  (parentOf(object, segments) as Record<string | number, unknown>)[segments.at(-1) as string | number] = value;
}

function remove(object: JsonObject, segments: ReadonlyArray<string | number>): void {
  delete (parentOf(object, segments) as Record<string | number, unknown>)[segments.at(-1) as string | number];
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}
