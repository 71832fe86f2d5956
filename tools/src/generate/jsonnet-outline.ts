/**
 * The shape of a Jsonnet text with the line of every part: object fields, array items and the
 * arguments of calls, enough to find the line of `workloads.backend.timeout` or of `calls[3]` in
 * the service catalog without evaluating it. Expressions are not understood beyond that: a value
 * is a sequence of tokens whose first object, array or argument list is its structure. Never
 * throws; a text it cannot follow yields the parts it found before.
 */

export interface OutlineValue {
  line: number;
  /** Offsets in the text: the value's first token, and just after its last. */
  start: number;
  end: number;
  /** Offsets of the brackets of the first object (`{`, `}`) or array (`[`, `]`); `close` is -1 when the text ends first. */
  objectBrackets?: Brackets;
  arrayBrackets?: Brackets;
  /** The value is one object or array literal and nothing else (no `+ { ... }`, no call). */
  literal?: boolean;
  /** The first `{ ... }` at the value's top level (`mesh.catalog { ... }`), if any. */
  object?: OutlineObject;
  /** The first `[ ... ]` at the value's top level, if any. */
  array?: OutlineValue[];
  /** The arguments of the first call at the value's top level (`$.workload({ ... })`). */
  args?: OutlineArguments;
  /** The value when it is one string literal. */
  string?: string;
}

export interface OutlineField {
  /** The line of the field's name. */
  line: number;
  value: OutlineValue;
}

export type OutlineObject = Map<string, OutlineField>;

export interface Brackets {
  open: number;
  close: number;
}

export interface OutlineArguments {
  positional: OutlineValue[];
  named: Map<string, OutlineValue>;
}

export interface Token {
  kind: "id" | "string" | "number" | "punct";
  text: string;
  line: number;
  /** Where the token starts in the text, and just after where it ends. */
  offset: number;
  endOffset: number;
}

/** The outline of a whole Jsonnet file: its one top-level expression. */
export function outlineJsonnet(text: string): OutlineValue {
  const parser = new Parser(tokenize(text));
  return parser.value();
}

/**
 * The structure a value stands for: an object literal, else the first argument of a call (the
 * spec of `$.workload({ ... })`).
 */
export function objectOf(value: OutlineValue | undefined): OutlineObject | undefined {
  if (value === undefined) return undefined;
  return value.object ?? value.args?.positional[0]?.object;
}

export function arrayOf(value: OutlineValue | undefined): OutlineValue[] | undefined {
  if (value === undefined) return undefined;
  return value.array ?? value.args?.positional[0]?.array;
}

class Parser {
  private at = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  /**
   * One expression, up to a `,` or a closing bracket that is not its own. `local x = e; body` and
   * `assert c; body` stand for their body: a `;` starts the value again.
   */
  value(): OutlineValue {
    const startOf = () => this.peek()?.offset ?? this.textEnd();
    let value: OutlineValue = { line: this.peek()?.line ?? 1, start: startOf(), end: startOf() };
    let tokens = 0;
    for (let token = this.peek(); token !== undefined; token = this.peek()) {
      if (token.kind === "punct" && [",", "}", "]", ")"].includes(token.text)) break;
      this.at++;
      if (token.text === ";") {
        value = { line: this.peek()?.line ?? token.line, start: startOf(), end: startOf() };
        tokens = 0;
        continue;
      }
      tokens++;
      if (token.kind === "string" && tokens === 1) value.string = token.text;
      else if (tokens > 1) delete value.string;
      value.end = token.endOffset;
      if (token.kind !== "punct") continue;
      if (token.text === "{") {
        const object = this.objectBody();
        const close = this.close("}");
        value.end = close?.endOffset ?? this.textEnd();
        if (value.object === undefined) {
          value.object = object;
          value.objectBrackets = { open: token.offset, close: close?.offset ?? -1 };
        }
      } else if (token.text === "[") {
        const items = this.arrayBody();
        const close = this.close("]");
        value.end = close?.endOffset ?? this.textEnd();
        if (value.array === undefined) {
          value.array = items;
          value.arrayBrackets = { open: token.offset, close: close?.offset ?? -1 };
        }
      } else if (token.text === "(") {
        const args = this.argumentsBody();
        value.end = this.close(")")?.endOffset ?? this.textEnd();
        value.args ??= args;
      }
    }
    value.literal = tokens === 1 && (value.objectBrackets !== undefined || value.arrayBrackets !== undefined);
    return value;
  }

  private close(text: string): Token | undefined {
    const token = this.peek();
    if (token?.text !== text) return undefined;
    this.at++;
    return token;
  }

  private textEnd(): number {
    return this.tokens.at(-1)?.endOffset ?? 0;
  }

  private objectBody(): OutlineObject {
    const fields: OutlineObject = new Map();
    for (let token = this.peek(); token !== undefined && token.text !== "}"; token = this.peek()) {
      if (token.text === ",") {
        this.at++;
        continue;
      }
      const before = this.at;
      if (token.kind === "id" && (token.text === "local" || token.text === "assert")) {
        this.value();
        continue;
      }
      const key = this.fieldName();
      if (key === undefined) {
        this.value();
        if (this.at === before) this.at++;
        continue;
      }
      // A method (`f(x):: ...`) has parameters before its colon.
      if (this.peek()?.text === "(") {
        this.at++;
        this.argumentsBody();
        this.close(")");
      }
      this.skipFieldSeparator();
      const value = this.value();
      if (key.name !== undefined && !fields.has(key.name)) fields.set(key.name, { line: key.line, value });
    }
    return fields;
  }

  /** `name`, `'name'`, `"name"` (a name), or `[expr]` (computed: no name). */
  private fieldName(): { name: string | undefined; line: number } | undefined {
    const token = this.peek();
    if (token === undefined) return undefined;
    if (token.kind === "id" || token.kind === "string") {
      this.at++;
      return { name: token.text, line: token.line };
    }
    if (token.text === "[") {
      this.at++;
      this.arrayBody();
      this.close("]");
      return { name: undefined, line: token.line };
    }
    return undefined;
  }

  private skipFieldSeparator(): void {
    const token = this.peek();
    if (token?.kind === "punct" && /^\+?:{1,3}$/.test(token.text)) this.at++;
  }

  private arrayBody(): OutlineValue[] {
    const items: OutlineValue[] = [];
    for (let token = this.peek(); token !== undefined && token.text !== "]"; token = this.peek()) {
      if (token.text === ",") {
        this.at++;
        continue;
      }
      const before = this.at;
      items.push(this.value());
      if (this.at === before) this.at++;
    }
    return items;
  }

  private argumentsBody(): OutlineArguments {
    const args: OutlineArguments = { positional: [], named: new Map() };
    for (let token = this.peek(); token !== undefined && token.text !== ")"; token = this.peek()) {
      if (token.text === ",") {
        this.at++;
        continue;
      }
      const next = this.tokens[this.at + 1];
      if (token.kind === "id" && next?.text === "=") {
        this.at += 2;
        args.named.set(token.text, this.value());
        continue;
      }
      const before = this.at;
      args.positional.push(this.value());
      if (this.at === before) this.at++;
    }
    return args;
  }
}

const PUNCTUATION = ["+:::", "+::", "+:", ":::", "::", "==", "!=", "<=", ">=", "&&", "||", "<<", ">>"];

/** The tokens of a Jsonnet text (comments and white space dropped), with their lines and offsets. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const advance = (to: number) => {
    for (let j = i; j < to && j < text.length; j++) if (text[j] === "\n") line++;
    i = to;
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (c === "\n" || c === " " || c === "\t" || c === "\r") {
      advance(i + 1);
    } else if (c === "#" || (c === "/" && text[i + 1] === "/")) {
      const end = text.indexOf("\n", i);
      advance(end === -1 ? text.length : end);
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      advance(end === -1 ? text.length : end + 2);
    } else if (text.startsWith("|||", i)) {
      const start = line;
      const end = text.indexOf("|||", i + 3);
      const stop = end === -1 ? text.length : end + 3;
      tokens.push({ kind: "string", text: text.slice(i + 3, end === -1 ? text.length : end), line: start, offset: i, endOffset: stop });
      advance(stop);
    } else if (c === "'" || c === '"' || (c === "@" && (text[i + 1] === "'" || text[i + 1] === '"'))) {
      const verbatim = c === "@";
      const quote = verbatim ? (text[i + 1] as string) : c;
      const start = line;
      let j = i + (verbatim ? 2 : 1);
      let value = "";
      while (j < text.length && text[j] !== quote) {
        if (!verbatim && text[j] === "\\" && j + 1 < text.length) {
          value += unescape(text[j + 1] as string);
          j += 2;
        } else if (verbatim && text[j] === quote && text[j + 1] === quote) {
          value += quote;
          j += 2;
        } else {
          value += text[j];
          j++;
        }
      }
      tokens.push({ kind: "string", text: value, line: start, offset: i, endOffset: Math.min(j + 1, text.length) });
      advance(j + 1);
    } else if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_]/.test(text[j] as string)) j++;
      tokens.push({ kind: "id", text: text.slice(i, j), line, offset: i, endOffset: j });
      advance(j);
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[0-9.eE]/.test(text[j] as string)) j++;
      tokens.push({ kind: "number", text: text.slice(i, j), line, offset: i, endOffset: j });
      advance(j);
    } else {
      const punct = PUNCTUATION.find((p) => text.startsWith(p, i)) ?? c;
      tokens.push({ kind: "punct", text: punct, line, offset: i, endOffset: i + punct.length });
      advance(i + punct.length);
    }
  }
  return tokens;
}

function unescape(c: string): string {
  return c === "n" ? "\n" : c === "t" ? "\t" : c;
}
