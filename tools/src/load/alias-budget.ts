import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";

/**
 * YAML aliases let a few hundred bytes stand for gigabytes (a "billion laughs" document). The
 * Kubernetes YAML decoders (go-yaml v2 under sigs.k8s.io/yaml, go-yaml v3) refuse a document
 * once, after more than 100 values came from aliases and more than 1000 were decoded, the share
 * of values that came from aliases exceeds 99% (up to 400,000 decoded values), falling linearly
 * to 10% at 4,000,000. An alias inside the value it refers to is refused too. This replays that
 * count on the document, in decoding order, without expanding anything.
 */
export interface AliasProblem {
  /** 0-based offset in the document's text of the alias where decoding stopped. */
  offset: number;
  message: string;
}

const ALIAS_FLOOR = 100;
const DECODE_FLOOR = 1000;
const RANGE_LOW = 400_000;
const RANGE_HIGH = 4_000_000;

export function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= RANGE_LOW) return 0.99;
  if (decodeCount >= RANGE_HIGH) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - RANGE_LOW) / (RANGE_HIGH - RANGE_LOW));
}

/** `&name` and `*name` where YAML can have them; a cheap test before anything is parsed. */
const ANCHOR = /(?:^|[\s[{,])&[^\s[\]{},]/m;
const ALIAS = /(?:^|[\s[{,])\*[^\s[\]{},]/m;

function mayHaveAliases(text: string): boolean {
  return ANCHOR.test(text) && ALIAS.test(text);
}

class Stop extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * The alias problem of one YAML document, if the Kubernetes decoders would refuse it. `value` is
 * the document as js-yaml loaded it (aliased collections shared, not copied): where the positional
 * parse disagrees with js-yaml, the shared graph is measured instead.
 */
export function checkAliasBudget(text: string, value: unknown): AliasProblem | undefined {
  if (!mayHaveAliases(text)) return undefined;
  const doc = parseDocument(text, { uniqueKeys: false, strict: false, lineCounter: new LineCounter() });
  if (doc.errors.length > 0) {
    const message = measureSharedGraph(value);
    return message === undefined ? undefined : { offset: 0, message };
  }
  const targets = resolveAliases(doc.contents);
  let decodeCount = 0;
  let aliasCount = 0;
  let aliasDepth = 0;
  const inProgress = new Set<Node>();

  const decode = (node: unknown, at: number): void => {
    decodeCount++;
    if (aliasDepth > 0) aliasCount++;
    if (aliasCount > ALIAS_FLOOR && decodeCount > DECODE_FLOOR && aliasCount / decodeCount > allowedAliasRatio(decodeCount)) {
      throw new Stop(at, `document contains excessive aliasing: ${aliasCount} of the first ${decodeCount} values come from aliases`);
    }
    if (isAlias(node)) {
      const offset = node.range?.[0] ?? at;
      const target = targets.get(node);
      if (target === undefined) return;
      if (inProgress.has(node)) throw new Stop(offset, `anchor '${node.source}' value contains itself`);
      inProgress.add(node);
      aliasDepth++;
      decode(target, offset);
      aliasDepth--;
      inProgress.delete(node);
    } else if (isMap(node)) {
      for (const pair of node.items) {
        if (isScalar(pair.key) && pair.key.value === "<<" && pair.key.type === "PLAIN") decodeMerge(pair.value, at);
        else {
          decode(pair.key, at);
          decode(pair.value, at);
        }
      }
    } else if (isSeq(node)) {
      for (const item of node.items) decode(item, at);
    }
  };
  // Merging decodes the merged mappings (in reverse order) into the mapping, without the `<<` key.
  const decodeMerge = (node: unknown, at: number): void => {
    if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) decode(node.items[i], at);
    } else {
      decode(node, at);
    }
  };

  try {
    // The document node itself counts once.
    decodeCount++;
    decode(doc.contents, 0);
    return undefined;
  } catch (error) {
    if (error instanceof Stop) return { offset: error.offset, message: error.reason };
    throw error;
  }
}

/** Each alias's target: the node most recently anchored with its name before it, in document order. */
function resolveAliases(root: unknown): Map<Node, Node> {
  const anchors = new Map<string, Node>();
  const targets = new Map<Node, Node>();
  const visit = (node: unknown): void => {
    if (isPair(node)) {
      visit(node.key);
      visit(node.value);
      return;
    }
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target !== undefined) targets.set(node, target);
      return;
    }
    if (!isMap(node) && !isSeq(node) && !isScalar(node)) return;
    if (node.anchor !== undefined) anchors.set(node.anchor, node);
    if (isMap(node) || isSeq(node)) for (const item of node.items) visit(item);
  };
  visit(root);
  return targets;
}

/**
 * The same budget over js-yaml's value, where an aliased collection is one shared object: every
 * visit of an object after its first is alias expansion. A cycle is an anchor that contains itself.
 */
function measureSharedGraph(root: unknown): string | undefined {
  const sizes = new Map<object, number>();
  const inProgress = new Set<object>();
  let distinct = 0;
  const size = (value: unknown): number => {
    if (typeof value !== "object" || value === null) return 1;
    const known = sizes.get(value);
    if (known !== undefined) return known;
    if (inProgress.has(value)) throw new Stop(0, "an anchor's value contains itself");
    inProgress.add(value);
    const children = Array.isArray(value) ? value : Object.values(value);
    const keys = Array.isArray(value) ? 0 : children.length;
    let total = 1 + keys;
    distinct += 1 + keys;
    for (const child of children) {
      if (typeof child !== "object" || child === null) distinct++;
      total += size(child);
    }
    inProgress.delete(value);
    sizes.set(value, total);
    return total;
  };
  try {
    const decodeCount = size(root) + 1;
    const aliasCount = decodeCount - distinct - 1;
    if (aliasCount > ALIAS_FLOOR && decodeCount > DECODE_FLOOR && aliasCount / decodeCount > allowedAliasRatio(decodeCount)) {
      return `document contains excessive aliasing: ${aliasCount} of ${decodeCount} values come from aliases`;
    }
    return undefined;
  } catch (error) {
    if (error instanceof Stop) return error.reason;
    throw error;
  }
}
