import type { SourceLocation } from "../model/finding.js";

const RENDERED_SUFFIX = " (rendered)";

/**
 * The file a code-scanning or annotation consumer can open: objects that have no source of their
 * own (kustomize output without origin) are pinned to their environment's kustomization.yaml.
 */
export function openableFile(location: SourceLocation): { file: string; line: number } {
  if (location.file.endsWith(RENDERED_SUFFIX)) {
    return { file: `${location.file.slice(0, -RENDERED_SUFFIX.length)}/kustomization.yaml`, line: 1 };
  }
  return { file: location.file, line: location.line };
}
