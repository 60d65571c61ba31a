// Councils describe container colours in free text ("grey", "blue lid", "Dark green"). The swatch is a
// CSS class from a fixed palette (the Content-Security-Policy allows no inline styles); the words are
// always shown beside it, so an unrecognised colour only loses the swatch, never the meaning.

const PALETTE = [
  'dark green', 'light green', 'dark blue', 'light blue', 'navy',
  'black', 'grey', 'gray', 'silver', 'white', 'green', 'blue', 'brown', 'beige', 'red', 'burgundy', 'maroon',
  'purple', 'pink', 'orange', 'yellow',
] as const;

const ALIASES: Record<string, string> = { gray: 'grey', navy: 'dark-blue', maroon: 'burgundy' };

/** The swatch class suffix for a colour description, e.g. "Blue lid" → "blue"; "unknown" when none fits. */
export function swatchColour(description: string | null | undefined): string {
  const text = ` ${String(description ?? '').toLowerCase().replace(/[^a-z]+/g, ' ')} `;
  // Two-word colours first, so "dark green" is not read as "green".
  const found = PALETTE.find((colour) => text.includes(` ${colour} `));
  if (!found) return 'unknown';
  return ALIASES[found] ?? found.replace(' ', '-');
}
