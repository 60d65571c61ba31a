/** What reading a council's data gives: the source to serve, and what to tell the operator. */
export interface LoadResult<S> {
  source: S;
  /** Things read on an assumption or left out: worth a council's attention, not fatal. */
  warnings: string[];
}
