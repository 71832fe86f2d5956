/**
 * YAML files as the Kubernetes tools read them: UTF-8 only (go-yaml refuses an invalid byte
 * sequence, and so do kubectl and kustomize), a leading byte-order mark ignored.
 */
export type Decoded = { text: string } | { invalid: { line: number; byteOffset: number } };

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export function decodeUtf8(bytes: Uint8Array): Decoded {
  try {
    return { text: strict.decode(bytes) };
  } catch {
    const byteOffset = firstInvalidByte(bytes);
    let line = 1;
    for (let i = 0; i < byteOffset; i++) if (bytes[i] === 0x0a) line++;
    return { invalid: { line, byteOffset } };
  }
}

/** Where the first byte that does not start or continue a valid UTF-8 sequence is. */
function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] ?? 0;
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    const sequence = bytes.subarray(i, i + length);
    try {
      strict.decode(sequence);
    } catch {
      return i;
    }
    i += length;
  }
  return bytes.length;
}

/** The message for a file that is not UTF-8. */
export function invalidUtf8Message(byteOffset: number): string {
  return `not valid UTF-8 (byte ${byteOffset + 1}); save the file as UTF-8: Kubernetes, kubectl and kustomize refuse other encodings`;
}
