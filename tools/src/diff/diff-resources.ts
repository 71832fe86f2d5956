import { apiGroupOf, isJsonObject, type JsonObject, type Resource } from "../model/resource.js";
import type { FieldChange, ResourceChange, ResourceDiff, ResourceEntry, ResourceId, SourcePosition } from "./diff-report.js";
import { canonicalJson, compareKeys, normalizeObject } from "./normalize.js";
import { isSensitiveField, maskValue, redactObject, redactValue } from "../mask/mask-secrets.js";

/**
 * The semantic difference between two renders of the same environment (or two environments):
 * objects are matched by group, kind, namespace and name; matched objects are compared in their
 * canonical form ({@link normalizeObject}) and, when they differ, field by field. Secret values
 * never leave this function: every value in the result is masked where it is a secret.
 *
 * Work is linear in the size of the objects: both sides are indexed by identity, equal objects
 * are recognised by their canonical JSON, and only objects that differ are walked.
 */
export function diffResources(before: readonly Resource[], after: readonly Resource[]): ResourceDiff {
  const beforeIndex = indexByIdentity(before);
  const afterIndex = indexByIdentity(after);
  const added: ResourceEntry[] = [];
  const removed: ResourceEntry[] = [];
  const changed: ResourceChange[] = [];
  let unchanged = 0;

  for (const [key, newResource] of afterIndex) {
    const oldResource = beforeIndex.get(key);
    if (oldResource === undefined) {
      added.push(entryOf(newResource));
      continue;
    }
    const oldObject = normalizeObject(oldResource.object);
    const newObject = normalizeObject(newResource.object);
    if (canonicalJson(oldObject) === canonicalJson(newObject)) {
      unchanged++;
      continue;
    }
    const changes = diffObjects(oldResource, newResource, oldObject, newObject);
    if (changes.length === 0) {
      unchanged++;
      continue;
    }
    changed.push({ ...idOf(newResource), apiVersion: newResource.apiVersion, ...sourceOf(newResource), changes });
  }
  for (const [key, oldResource] of beforeIndex) {
    if (!afterIndex.has(key)) removed.push(entryOf(oldResource));
  }
  return {
    added: added.sort(compareResourceIds),
    removed: removed.sort(compareResourceIds),
    changed: changed.sort(compareResourceIds),
    unchanged,
  };
}

export function idOf(resource: Resource): ResourceId {
  return {
    group: apiGroupOf(resource.apiVersion),
    kind: resource.kind,
    ...(resource.namespace === undefined ? {} : { namespace: resource.namespace }),
    name: resource.name,
  };
}

/** Kind, then namespace, then name, then group; code-point order so every machine agrees. */
export function compareResourceIds(a: ResourceId, b: ResourceId): number {
  return (
    compareKeys(a.kind, b.kind) ||
    compareKeys(a.namespace ?? "", b.namespace ?? "") ||
    compareKeys(a.name, b.name) ||
    compareKeys(a.group, b.group)
  );
}

function identityKey(resource: Resource): string {
  return `${apiGroupOf(resource.apiVersion)}\0${resource.kind}\0${resource.namespace ?? ""}\0${resource.name}`;
}

/**
 * Objects by identity. Two objects of one identity on one side (the same kind and name under two
 * versions of a group) stay apart, told apart by apiVersion.
 */
function indexByIdentity(resources: readonly Resource[]): Map<string, Resource> {
  const index = new Map<string, Resource>();
  for (const resource of resources) {
    let key = identityKey(resource);
    if (index.has(key)) key = `${key}\0${resource.apiVersion}`;
    for (let n = 2; index.has(key); n++) key = `${identityKey(resource)}\0${resource.apiVersion}\0${n}`;
    index.set(key, resource);
  }
  return index;
}

function entryOf(resource: Resource): ResourceEntry {
  return {
    ...idOf(resource),
    apiVersion: resource.apiVersion,
    ...sourceOf(resource),
    object: redactObject(resource.kind, normalizeObject(resource.object)),
  };
}

function sourceOf(resource: Resource): { source?: string } {
  return isRelativePath(resource.origin.file) ? { source: resource.origin.file } : {};
}

/** Absolute paths (a temporary extraction, another machine's checkout) never reach a report. */
function isRelativePath(file: string): boolean {
  return file !== "" && !file.startsWith("/") && !/^[A-Za-z]:[\\/]/.test(file);
}

interface Walk {
  kind: string;
  before: Resource;
  after: Resource;
  out: FieldChange[];
}

/** The field changes between two canonical objects, in key order (lists in item order). */
function diffObjects(before: Resource, after: Resource, oldObject: JsonObject, newObject: JsonObject): FieldChange[] {
  const walk: Walk = { kind: after.kind, before, after, out: [] };
  diffValues(walk, oldObject, newObject, "", "", "", 0, false);
  return walk.out;
}

function diffValues(
  walk: Walk,
  oldValue: unknown,
  newValue: unknown,
  path: string,
  oldPointer: string,
  newPointer: string,
  depth: number,
  sensitive: boolean,
): void {
  if (oldValue === newValue) return;
  if (isJsonObject(oldValue) && isJsonObject(newValue)) {
    diffMaps(walk, oldValue, newValue, path, oldPointer, newPointer, depth, sensitive);
    return;
  }
  if (Array.isArray(oldValue) && Array.isArray(newValue)) {
    diffLists(walk, oldValue, newValue, path, oldPointer, newPointer, depth, sensitive);
    return;
  }
  if (typeof oldValue === "object" || typeof newValue === "object" || !Object.is(oldValue, newValue)) {
    emit(walk, "changed", path, newPointer, depth, sensitive, oldValue, newValue);
  }
}

function diffMaps(
  walk: Walk,
  oldMap: JsonObject,
  newMap: JsonObject,
  path: string,
  oldPointer: string,
  newPointer: string,
  depth: number,
  sensitive: boolean,
): void {
  // Canonical objects have sorted keys: merge the two key lists.
  const oldKeys = Object.keys(oldMap);
  const newKeys = Object.keys(newMap);
  let i = 0;
  let j = 0;
  while (i < oldKeys.length || j < newKeys.length) {
    const oldKey = oldKeys[i];
    const newKey = newKeys[j];
    const order = oldKey === undefined ? 1 : newKey === undefined ? -1 : compareKeys(oldKey, newKey);
    const key = (order <= 0 ? oldKey : newKey) as string;
    const childPath = keyPath(path, key);
    const segment = pointerSegment(key);
    const childSensitive =
      sensitive ||
      (order <= 0 && isSensitiveField(walk.kind, depth, oldMap, key)) ||
      (order >= 0 && isSensitiveField(walk.kind, depth, newMap, key));
    if (order < 0) {
      emit(walk, "removed", childPath, oldPointer + segment, depth + 1, childSensitive, oldMap[key], undefined);
      i++;
    } else if (order > 0) {
      emit(walk, "added", childPath, newPointer + segment, depth + 1, childSensitive, undefined, newMap[key]);
      j++;
    } else {
      diffValues(walk, oldMap[key], newMap[key], childPath, oldPointer + segment, newPointer + segment, depth + 1, childSensitive);
      i++;
      j++;
    }
  }
}

function diffLists(
  walk: Walk,
  oldList: readonly unknown[],
  newList: readonly unknown[],
  path: string,
  oldPointer: string,
  newPointer: string,
  depth: number,
  sensitive: boolean,
): void {
  // A list of plain values (hosts, methods, ports) reads best whole: `[a, b] → [a, x, b]`.
  if (oldList.every(isScalar) && newList.every(isScalar)) {
    if (canonicalJson(oldList) !== canonicalJson(newList)) {
      emit(walk, "changed", path, newPointer, depth, sensitive, oldList, newList);
    }
    return;
  }
  const oldNames = itemNames(oldList);
  const newNames = itemNames(newList);
  if (oldNames !== undefined && newNames !== undefined) {
    diffNamedLists(walk, oldList, newList, oldNames, newNames, path, oldPointer, newPointer, depth, sensitive);
    return;
  }
  const common = Math.min(oldList.length, newList.length);
  for (let index = 0; index < common; index++) {
    diffValues(walk, oldList[index], newList[index], `${path}[${index}]`, `${oldPointer}/${index}`, `${newPointer}/${index}`, depth + 1, sensitive);
  }
  for (let index = common; index < newList.length; index++) {
    emit(walk, "added", `${path}[${index}]`, `${newPointer}/${index}`, depth + 1, sensitive, undefined, newList[index]);
  }
  for (let index = common; index < oldList.length; index++) {
    emit(walk, "removed", `${path}[${index}]`, `${oldPointer}/${index}`, depth + 1, sensitive, oldList[index], undefined);
  }
}

/**
 * Items matched by `name`, so that inserting one item does not make every later item "changed".
 * A change in the order of the items both sides have is reported too: Istio matches routes in order.
 */
function diffNamedLists(
  walk: Walk,
  oldList: readonly unknown[],
  newList: readonly unknown[],
  oldNames: readonly string[],
  newNames: readonly string[],
  path: string,
  oldPointer: string,
  newPointer: string,
  depth: number,
  sensitive: boolean,
): void {
  const oldIndex = new Map(oldNames.map((name, index) => [name, index]));
  const newIndex = new Map(newNames.map((name, index) => [name, index]));
  const commonInOldOrder = oldNames.filter((name) => newIndex.has(name));
  const commonInNewOrder = newNames.filter((name) => oldIndex.has(name));
  if (commonInOldOrder.some((name, index) => commonInNewOrder[index] !== name)) {
    emit(walk, "reordered", path, newPointer, depth, false, oldNames, newNames);
  }
  newNames.forEach((name, index) => {
    const itemPath = `${path}[name=${nameSegment(name)}]`;
    const previous = oldIndex.get(name);
    if (previous === undefined) {
      emit(walk, "added", itemPath, `${newPointer}/${index}`, depth + 1, sensitive, undefined, newList[index]);
    } else {
      diffValues(walk, oldList[previous], newList[index], itemPath, `${oldPointer}/${previous}`, `${newPointer}/${index}`, depth + 1, sensitive);
    }
  });
  oldNames.forEach((name, index) => {
    if (newIndex.has(name)) return;
    emit(walk, "removed", `${path}[name=${nameSegment(name)}]`, `${oldPointer}/${index}`, depth + 1, sensitive, oldList[index], undefined);
  });
}

/** The items' names when every item is an object with a distinct string `name`. */
function itemNames(list: readonly unknown[]): string[] | undefined {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const item of list) {
    const name = isJsonObject(item) ? item["name"] : undefined;
    if (typeof name !== "string" || seen.has(name)) return undefined;
    seen.add(name);
    names.push(name);
  }
  return names.length > 0 ? names : undefined;
}

function emit(
  walk: Walk,
  op: FieldChange["op"],
  path: string,
  pointer: string,
  depth: number,
  sensitive: boolean,
  oldValue: unknown,
  newValue: unknown,
): void {
  const change: FieldChange = { path, pointer, op };
  let masked = false;
  const safe = (value: unknown): unknown => {
    // Strings are masked by what they hold (a bearer token, a values block), whatever their key.
    if (!sensitive && typeof value !== "string" && (typeof value !== "object" || value === null)) return value;
    const redacted = sensitive ? maskValue(value) : redactValue(walk.kind, value, depth, false);
    if (!masked && canonicalJson(redacted) !== canonicalJson(value)) masked = true;
    return redacted;
  };
  if (op !== "added") change.old = safe(oldValue);
  if (op !== "removed") change.new = safe(newValue);
  if (masked) change.masked = true;
  const source = locate(op === "removed" ? walk.before : walk.after, pointer);
  if (source !== undefined) change.source = source;
  walk.out.push(change);
}

function locate(resource: Resource, pointer: string): SourcePosition | undefined {
  const location = resource.origin.locate(pointer);
  return isRelativePath(location.file) ? { file: location.file, line: location.line } : undefined;
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== "object";
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

function keyPath(path: string, key: string): string {
  if (IDENTIFIER.test(key)) return path === "" ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

function nameSegment(name: string): string {
  return /^[A-Za-z0-9_.:/-]+$/.test(name) ? name : JSON.stringify(name);
}

function pointerSegment(key: string): string {
  return `/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;
}
