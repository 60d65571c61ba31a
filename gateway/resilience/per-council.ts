// Router options are a value for every council or a function of the council's GSS code (as Hive
// Gateway's per-subgraph factories), so one slow council can be given more room without a new option.

export type PerCouncil<T> = T | ((councilCode: string) => T);

export function forCouncil<T>(option: PerCouncil<T>, councilCode: string): T {
  return typeof option === 'function' ? (option as (councilCode: string) => T)(councilCode) : option;
}
