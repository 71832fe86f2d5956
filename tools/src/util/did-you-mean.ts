import { closestName } from "../lint/messages.js";

/**
 * The name the user most likely meant, for "did you mean …?": the closest candidate by edit
 * distance, allowing one edit in a name of up to three characters, two up to eight, three beyond,
 * so that a short unknown name (`qa`) is not "corrected" into an unrelated one (`dev`) while two
 * swapped letters (`jsno`) still find theirs.
 */
export function likelyMeant(value: string, candidates: Iterable<string>): string | undefined {
  return closestName(value, candidates, value.length <= 3 ? 1 : value.length <= 8 ? 2 : 3);
}
