// Turns what a person typed into a normalised UK postcode, or a message they can act on. Shared: the
// directory looks postcodes up, the council kit matches addresses and disruption areas by them.
// Validation of the *format* is delegated to the `postcode` library; whether the postcode
// exists, and which council covers it, is the postcode index's job.

import { parse as parseWithLibrary, validOutcode } from 'postcode';

export type ParsedPostcode =
  | {
      ok: true;
      /** Normalised display form, e.g. "RG1 1AA". */
      postcode: string;
      /** Outward code, e.g. "RG1". */
      outward: string;
      /** Inward code, e.g. "1AA". */
      inward: string;
      /** Postcode area, e.g. "RG". */
      area: string;
    }
  | { ok: false; message: string };

const EXAMPLE = '"RG1 1AA"';
/** The longest postcode is 7 letters and digits ("SW1A 1AA"), the shortest 5 ("M1 1AA"). */
const MAX_POSTCODE_CHARACTERS = 7;
const MIN_POSTCODE_CHARACTERS = 5;
/** Longer input is not echoed back: it is not a postcode and would swamp the message. */
const MAX_ECHOED_LENGTH = 30;

export function parsePostcode(input: string): ParsedPostcode {
  const trimmed = typeof input === 'string' ? input.trim() : '';
  if (trimmed === '') {
    return { ok: false, message: `Please enter a postcode, for example ${EXAMPLE}.` };
  }
  if (trimmed.length > MAX_ECHOED_LENGTH) {
    return {
      ok: false,
      message: `That is too long to be a postcode (${trimmed.length} characters). A postcode looks like ${EXAMPLE}.`,
    };
  }

  // The inward code is always the last three characters, so spaces carry no information:
  // dropping all whitespace accepts "rg11aa", "RG1  1AA", tabs and non-breaking spaces pasted
  // from web pages alike, which the library's own pattern (spaces only, only mid-way) does not.
  const compact = trimmed.replace(/\s+/g, '');
  const parsed = parseWithLibrary(compact);
  if (parsed.valid) {
    return { ok: true, postcode: parsed.postcode, outward: parsed.outcode, inward: parsed.incode, area: parsed.area };
  }

  const shown = JSON.stringify(trimmed.replace(/\s+/g, ' '));
  if (validOutcode(compact)) {
    return {
      ok: false,
      message: `${shown} is only the first half of a postcode. Please enter the full postcode, like ${EXAMPLE}.`,
    };
  }
  // Starts like a postcode (area letters then a digit) but runs on: most likely a typo.
  if (compact.length > MAX_POSTCODE_CHARACTERS && /^[a-z]{1,2}\d[a-z0-9]*$/i.test(compact)) {
    return {
      ok: false,
      message: `${shown} is too long to be a UK postcode: a postcode has ${MIN_POSTCODE_CHARACTERS} to ${MAX_POSTCODE_CHARACTERS} letters and digits, like ${EXAMPLE}.`,
    };
  }
  return { ok: false, message: `${shown} is not a valid UK postcode. A postcode looks like ${EXAMPLE}.` };
}
