/**
 * Whether a regular expression is acceptable to RE2 (what istiod compiles with Go's regexp and Envoy
 * runs). JavaScript has no RE2, so this is an approximation: it rejects what RE2 lacks (look-around,
 * backreferences, possessive quantifiers), translates RE2-only syntax JavaScript does not know (inline
 * flags, `(?P<name>`, `\A`, `\z`, `\Q...\E`, POSIX classes) and lets JavaScript check the rest.
 * Returns the problem, or undefined.
 */
export function re2Error(pattern: string): string | undefined {
  if (pattern.length > 1024) return "regex is too large, max length allowed is 1024";
  if (/\(\?<?[=!]/.test(pattern)) return "look-around assertions such as (?=...) are not supported by RE2";
  if (/(^|[^\\])(\\\\)*\\[1-9]/.test(pattern)) return "backreferences such as \\1 are not supported by RE2";
  if (/[*+?}][+]/.test(pattern.replace(/\\./g, ""))) return "possessive quantifiers such as a*+ are not supported by RE2";
  let js = pattern
    .replace(/\\Q(.*?)(?:\\E|$)/g, (_, literal: string) => literal.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"))
    .replace(/\(\?P</g, "(?<")
    .replace(/\(\?[imsU]+(?:-[imsU]+)?\)/g, "")
    .replace(/\(\?[imsU]*(?:-[imsU]+)?:/g, "(?:")
    .replace(/\\A/g, "^")
    .replace(/\\z/g, "$")
    .replace(/\[:\^?[a-z]+:\]/g, "a")
    .replace(/\\[pP]\{?[A-Za-z_]+\}?/g, "a");
  // RE2 allows `{` as a literal when it does not start a repetition; JavaScript (without `u`) does too.
  try {
    js = js.replace(/\\C/g, ".");
    new RegExp(js);
    return undefined;
  } catch (error) {
    return `${error instanceof Error ? error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "") : String(error)}; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)`;
  }
}
