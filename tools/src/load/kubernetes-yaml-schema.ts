import jsYaml from "js-yaml";

/**
 * Plain scalars read the way the Kubernetes tools read them: kubectl, kubeconform and Argo CD
 * decode YAML through sigs.k8s.io/yaml, which is go-yaml v2 (YAML 1.1 flavoured) converted to
 * JSON. So `yes`/`on`/`y` are booleans, `0755` is octal (493), `0x1F`, `0o17`, `0b101` and
 * `1_000` are integers, `<<` merges mappings, and timestamps stay strings. kustomize (kyaml,
 * go-yaml v3) reads integers the same way and prints booleans it would not read as such quoted,
 * so its output means the same under this schema.
 */
type Resolved = { tag: "null" | "bool" | "int" | "float" | "str" | "merge"; value: unknown };

const BY_TEXT = new Map<string, Resolved>();
for (const [value, tag, texts] of [
  [true, "bool", ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]],
  [false, "bool", ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]],
  [null, "null", ["", "~", "null", "Null", "NULL"]],
  [Number.NaN, "float", [".nan", ".NaN", ".NAN"]],
  [Number.POSITIVE_INFINITY, "float", [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"]],
  [Number.NEGATIVE_INFINITY, "float", ["-.inf", "-.Inf", "-.INF"]],
  ["<<", "merge", ["<<"]],
] as const) {
  for (const text of texts) BY_TEXT.set(text, { tag, value });
}

/** go-yaml's yamlStyleFloat: what it reads as a float once an integer parse failed. */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;

/** go-yaml v2's resolve() of an untagged plain scalar. */
export function resolvePlainScalar(text: string): Resolved {
  const known = BY_TEXT.get(text);
  if (known !== undefined) return known;
  const first = text.charAt(0);
  if (first === ".") return DOT_FLOAT.test(text) ? { tag: "float", value: Number(text) } : { tag: "str", value: text };
  if (!/[-+0-9]/.test(first)) return { tag: "str", value: text };
  const plain = text.replaceAll("_", "");
  const integer = parseGoInteger(plain);
  if (integer !== undefined) return { tag: "int", value: integer };
  if (YAML_STYLE_FLOAT.test(plain)) {
    const value = Number(plain);
    // strconv.ParseFloat fails out of range: go-yaml then keeps the text.
    if (Number.isFinite(value)) return { tag: "float", value };
  }
  return { tag: "str", value: text };
}

/**
 * strconv.ParseInt(text, 0, 64), then ParseUint, then big.Int: an optional sign, then `0x`, `0o`,
 * `0b` or a leading `0` (octal) prefix, or decimal digits. The value as a JavaScript number.
 */
function parseGoInteger(text: string): number | undefined {
  const match = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (match === null) return undefined;
  const [, sign = "", digits = ""] = match;
  let magnitude: bigint;
  if (/^0[oO]/.test(digits)) magnitude = BigInt(`0o${digits.slice(2)}`);
  else if (/^0[0-7]+$/.test(digits)) magnitude = BigInt(`0o${digits.slice(1)}`);
  else magnitude = BigInt(digits);
  return Number(sign === "-" ? -magnitude : magnitude);
}

let lastText: string | undefined;
let lastResolved: Resolved = { tag: "str", value: "" };

function resolved(text: string): Resolved {
  if (text !== lastText) {
    lastText = text;
    lastResolved = resolvePlainScalar(text);
  }
  return lastResolved;
}

function scalarType(tag: string, accepts: (r: Resolved) => boolean, construct: (r: Resolved) => unknown): jsYaml.Type {
  return new jsYaml.Type(`tag:yaml.org,2002:${tag}`, {
    kind: "scalar",
    resolve: (data: unknown) => typeof data === "string" && accepts(resolved(data)),
    construct: (data: unknown) => {
      const r = resolved(String(data));
      if (typeof r.value === "number" && !Number.isFinite(r.value)) {
        // sigs.k8s.io/yaml converts to JSON, which has no NaN or infinity.
        throw new jsYaml.YAMLException(`${String(data)} is not a number JSON can hold (the Kubernetes YAML decoder refuses it)`);
      }
      return construct(r);
    },
  });
}

export const KUBERNETES_YAML_SCHEMA = jsYaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    scalarType("null", (r) => r.tag === "null", () => null),
    scalarType("bool", (r) => r.tag === "bool", (r) => r.value),
    scalarType("int", (r) => r.tag === "int", (r) => r.value),
    // An explicit !!float takes integers too (go-yaml converts them).
    scalarType("float", (r) => r.tag === "float" || r.tag === "int", (r) => r.value),
    // js-yaml merges a key whose tag is merge: explicit keys win, then earlier merged mappings.
    new jsYaml.Type("tag:yaml.org,2002:merge", { kind: "scalar", resolve: (data: unknown) => data === "<<" || data === null }),
  ],
});
