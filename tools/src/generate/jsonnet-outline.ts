/**
 * The shape of a Jsonnet text with the line of every part: object fields, array items and the
 * arguments of calls, enough to find the line of `workloads.backend.timeout` or of `calls[3]` in
 * the service catalog without evaluating it. Expressions are not understood beyond that: a value
 * is a sequence of tokens whose first object, array or argument list is its structure. Never
 * throws; a text it cannot follow yields the parts it found before.
 */

export interface OutlineValue {
  line: number;
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

export interface OutlineArguments {
  positional: OutlineValue[];
  named: Map<string, OutlineValue>;
}

interface Token {
  kind: "id" | "string" | "number" | "punct";
  text: string;
  line: number;
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
    let value: OutlineValue = { line: this.peek()?.line ?? 1 };
    let tokens = 0;
    for (let token = this.peek(); token !== undefined; token = this.peek()) {
      if (token.kind === "punct" && [",", "}", "]", ")"].includes(token.text)) break;
      this.at++;
      if (token.text === ";") {
        value = { line: this.peek()?.line ?? token.line };
        tokens = 0;
        continue;
      }
      tokens++;
      if (token.kind === "string" && tokens === 1) value.string = token.text;
      else if (tokens > 1) delete value.string;
      if (token.kind !== "punct") continue;
      if (token.text === "{") {
        const object = this.objectBody();
        value.object ??= object;
      } else if (token.text === "[") {
        const items = this.arrayBody();
        value.array ??= items;
      } else if (token.text === "(") {
        const args = this.argumentsBody();
        value.args ??= args;
      }
    }
    return value;
  }

  private close(text: string): void {
    if (this.peek()?.text === text) this.at++;
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
      }
      this.skipFieldSeparator();
      const value = this.value();
      if (key.name !== undefined && !fields.has(key.name)) fields.set(key.name, { line: key.line, value });
    }
    this.close("}");
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
    this.close("]");
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
    this.close(")");
    return args;
  }
}

const PUNCTUATION = ["+:::", "+::", "+:", ":::", "::", "==", "!=", "<=", ">=", "&&", "||", "<<", ">>"];

function tokenize(text: string): Token[] {
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
      tokens.push({ kind: "string", text: text.slice(i + 3, end === -1 ? text.length : end), line: start });
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
      tokens.push({ kind: "string", text: value, line: start });
      advance(j + 1);
    } else if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_]/.test(text[j] as string)) j++;
      tokens.push({ kind: "id", text: text.slice(i, j), line });
      advance(j);
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[0-9.eE]/.test(text[j] as string)) j++;
      tokens.push({ kind: "number", text: text.slice(i, j), line });
      advance(j);
    } else {
      const punct = PUNCTUATION.find((p) => text.startsWith(p, i)) ?? c;
      tokens.push({ kind: "punct", text: punct, line });
      advance(i + punct.length);
    }
  }
  return tokens;
}

function unescape(c: string): string {
  return c === "n" ? "\n" : c === "t" ? "\t" : c;
}
