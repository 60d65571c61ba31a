/** One result of the conformance checker: `fail` makes the check fail, `warn` is advice. */
export interface Finding {
  check: string;
  level: 'pass' | 'warn' | 'fail';
  message: string;
}
