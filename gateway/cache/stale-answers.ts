// Which councils' answers in one response came from the cache after the council failed, and how old they
// were. The council router notes them during the request; staleAnswersPlugin writes them into the response
// as `extensions.binfo.stale: [{ councilCode, ageSeconds }]`, so a client can say "as of N minutes ago".

export interface StaleAnswer {
  councilCode: string;
  ageSeconds: number;
}

export class StaleAnswers {
  private readonly oldest = new Map<string, number>();

  mark(councilCode: string, ageSeconds: number): void {
    const age = Math.max(0, Math.round(ageSeconds));
    this.oldest.set(councilCode, Math.max(age, this.oldest.get(councilCode) ?? 0));
  }

  list(): StaleAnswer[] {
    return [...this.oldest].sort(([a], [b]) => (a < b ? -1 : 1)).map(([councilCode, ageSeconds]) => ({ councilCode, ageSeconds }));
  }
}
