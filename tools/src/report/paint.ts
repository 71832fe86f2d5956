/** ANSI colours for text reports on a terminal; a formatter given `color: false` writes plain text. */

const ANSI = { bold: "\u001b[1m", dim: "\u001b[2m", red: "\u001b[31m", green: "\u001b[32m", yellow: "\u001b[33m", cyan: "\u001b[36m" } as const;
const RESET = "\u001b[0m";

export type Colour = keyof typeof ANSI;
export type Paint = (colour: Colour, text: string) => string;

export function painter(color: boolean | undefined): Paint {
  return color === true ? (colour, text) => `${ANSI[colour]}${text}${RESET}` : (_, text) => text;
}

/** The colour of a severity or verdict word. */
export const SEVERITY_COLOUR: Readonly<Record<string, Colour>> = { error: "red", warning: "yellow", info: "cyan" };
