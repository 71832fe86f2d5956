/** The first line of every generated file; how `generate` tells its own files from hand-written ones. */
export const GENERATED_MARKER = "# Generated from base/catalog by `mesh-policy generate`: do not edit by hand.";

export function isGeneratedText(text: string): boolean {
  return text.startsWith(`${GENERATED_MARKER}\n`);
}
