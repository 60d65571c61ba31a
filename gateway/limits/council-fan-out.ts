// How many councils one client operation may make the gateway ask. A national query over every council
// (about 361) is allowed; the cap stops one operation from multiplying into thousands of council requests
// (e.g. a list of codes repeated through aliases and nested fields).

import { ErrorCode } from '../../schema/error-codes.js';

export const DEFAULT_MAX_COUNCILS_PER_OPERATION = 400;

export type FanOutDecision = { ok: true } | { ok: false; wouldAsk: number; limit: number };

export class CouncilFanOut {
  private readonly asked = new Set<string>();

  constructor(readonly limit: number = DEFAULT_MAX_COUNCILS_PER_OPERATION) {}

  /** Admits a fetch's councils if the operation's distinct councils stay within the limit; counts them if so. */
  admit(councilCodes: readonly string[]): FanOutDecision {
    const fresh = councilCodes.filter((code) => !this.asked.has(code));
    const wouldAsk = this.asked.size + new Set(fresh).size;
    if (wouldAsk > this.limit) return { ok: false, wouldAsk, limit: this.limit };
    for (const code of fresh) this.asked.add(code);
    return { ok: true };
  }
}

/** The `_entities` answer for a fetch the cap refused: every entity null, one error that says why. */
export function fanOutRefused(representationCount: number, decision: { wouldAsk: number; limit: number }) {
  return {
    data: { _entities: new Array(representationCount).fill(null) },
    errors: [
      {
        message: `This operation would ask ${decision.wouldAsk} councils; one operation may ask at most ${decision.limit}. Ask for fewer councils at a time.`,
        extensions: { code: ErrorCode.OPERATION_TOO_LARGE, limit: decision.limit },
      },
    ],
  };
}
