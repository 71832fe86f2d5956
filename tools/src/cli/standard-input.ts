import { decodeUtf8, invalidUtf8Message } from "../load/decode-utf8.js";
import { YAML_SYNTAX_RULE, resourcesFromYaml, type LoadedResources } from "../load/resources-from-yaml.js";
import { UserError } from "../model/errors.js";
import { currentLimits, formatLimit } from "../util/limits.js";

/** `-` among validate's and lint's paths: YAML read from standard input. */
export const STDIN = "-";
/** How findings name standard input, as kubeconform does. */
export const STDIN_LABEL = "<stdin>";

/**
 * Reads standard input whole (at most what one kustomize build may print, --limit
 * kustomize-output) and loads its documents as files are loaded.
 */
export async function readStandardInput(stream: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin): Promise<LoadedResources> {
  if (stream.isTTY === true) throw new UserError("- reads YAML from standard input, which is a terminal here: pipe YAML in (kustomize build … | mesh-policy validate -)");
  const limit = currentLimits().kustomizeOutputBytes;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += bytes.length;
    if (size > limit) {
      throw new UserError(`standard input is larger than ${formatLimit(limit, "bytes")} (--limit kustomize-output); pass a file instead, or raise the limit`);
    }
    chunks.push(bytes);
  }
  const decoded = decodeUtf8(Buffer.concat(chunks));
  if ("invalid" in decoded) {
    return { resources: [], findings: [{ ruleId: YAML_SYNTAX_RULE, severity: "error", message: invalidUtf8Message(decoded.invalid.byteOffset), location: { file: STDIN_LABEL, line: decoded.invalid.line } }] };
  }
  return resourcesFromYaml(decoded.text, STDIN_LABEL);
}
