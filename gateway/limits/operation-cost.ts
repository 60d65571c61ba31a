// What one operation costs the councils, estimated before it runs, in the spirit of Apollo Router's demand
// control: the councils it can reach times the work asked of each. Without it, a request of a few hundred
// bytes (twenty aliased copies of a national query) makes the gateway send thousands of council requests.
//
// The model, an upper bound that is cheap to compute and easy to explain to a client:
// - A field a council owns, selected on a council's entity (`Council.services`, `Property.address`), is
//   one unit of work for each entity it is selected on; `Property.collections` is one unit per 14 days of
//   its range, `nextCollections` four (it looks eight weeks ahead). Below such a field the council answers in
//   the same request, so only those range-priced fields add more (per property of a postcode).
// - A list multiplies what is selected below it: `councils` by the number of `codes` given, else by every
//   council the gateway can ask; a national root field (`disruptions`, `services(type:)`) asks every
//   council itself and lists as many; `properties(refs:)` by its refs; a postcode's councils by one; a county's children by 12 (the
//   most of any county); the properties of a postcode by 50; any other list by 10.
//
// The document is compiled once (operation-analysis.ts caches it); a request only supplies its variables.
import {
  getNamedType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { GraphQLError } from 'graphql';
import { addDays, daysBetween, isIsoDate } from '../../domain/dates.js';
import type { IsoDate } from '../../domain/types.js';
import { ErrorCode } from '../../schema/error-codes.js';
import type { CouncilOwnership } from './council-ownership.js';

export type Variables = Readonly<Record<string, unknown>>;

/** What the estimate needs to know of the running gateway. */
export interface CostContext {
  /** The councils the gateway can ask now (its registry's endpoints). */
  councilCount: number;
  /** Today in the UK, for a `collections` range that leaves out `from`. */
  today: IsoDate;
}

/**
 * A number known from the document, or one that depends on the request's variables. `memo` holds the values
 * of fragments already evaluated for this request: a fragment spread ten times, in a fragment spread ten
 * times, is worked out once, not a hundred times (a hostile document can nest dozens of such levels).
 */
type Amount = number | ((variables: Variables, context: CostContext, memo: Map<object, number>) => number);

export interface CostPlan {
  /** One part per root field, named by its response key (the alias, if any). */
  parts: ReadonlyArray<{ responseKey: string; field: string; cost: Amount }>;
}

export interface OperationCost {
  total: number;
  /** The root field that costs most, to name in a refusal. */
  costliest?: { responseKey: string; field: string; cost: number };
}

const DAYS_PER_UNIT = 14;
const DEFAULT_RANGE_DAYS = 14;
const MAX_RANGE_DAYS = 366;
const NEXT_COLLECTIONS_UNITS = 4;
const COUNTY_CHILDREN = 12;
const PROPERTIES_PER_POSTCODE = 50;
const OTHER_LIST = 10;

const add = (a: Amount, b: Amount): Amount =>
  typeof a === 'number' && typeof b === 'number' ? a + b : (v, c, m) => evaluate(a, v, c, m) + evaluate(b, v, c, m);
const times = (a: Amount, b: Amount): Amount => {
  if (a === 0 || b === 0) return 0;
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  return (v, c, m) => evaluate(a, v, c, m) * evaluate(b, v, c, m);
};
const evaluate = (amount: Amount, variables: Variables, context: CostContext, memo: Map<object, number>): number =>
  typeof amount === 'number' ? amount : amount(variables, context, memo);
/** A fragment's amount, evaluated at most once per request however often it is spread. */
const once = (amount: Amount): Amount => {
  if (typeof amount === 'number') return amount;
  const memoised = (variables: Variables, context: CostContext, memo: Map<object, number>): number => {
    let value = memo.get(memoised);
    if (value === undefined) memo.set(memoised, (value = amount(variables, context, memo)));
    return value;
  };
  return memoised;
};

function argumentOf(field: FieldNode, name: string): ((variables: Variables) => unknown) | undefined {
  const node = field.arguments?.find((a) => a.name.value === name)?.value;
  if (!node) return undefined;
  if (node.kind !== Kind.VARIABLE) {
    const value = valueFromASTUntyped(node);
    return () => value;
  }
  return (variables) => variables[node.name.value];
}

const lengthOf = (value: unknown): number => (Array.isArray(value) ? value.length : value == null ? 0 : 1);

/** Units of a `collections(from:, to:)` range: one per 14 days, so the default two weeks is one. */
function rangeUnits(field: FieldNode): Amount {
  const from = argumentOf(field, 'from');
  const to = argumentOf(field, 'to');
  if (!from && !to) return 1;
  return (variables, context) => {
    const start = from?.(variables) ?? context.today;
    if (!isIsoDate(start)) return 1; // the input checks refuse it before this matters
    const end = to?.(variables) ?? addDays(start, DEFAULT_RANGE_DAYS - 1);
    if (!isIsoDate(end)) return 1;
    const days = Math.min(Math.max(daysBetween(start, end) + 1, 1), MAX_RANGE_DAYS);
    return Math.ceil(days / DAYS_PER_UNIT);
  };
}

export function planOperationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  ownership: CouncilOwnership,
): CostPlan {
  const everyCouncil: Amount = (_v, context) => context.councilCount;
  // A fragment's cost depends only on whether it is inside a council's answer: compiled once for each.
  const fragmentCosts = new Map<string, Amount>();

  function listSize(parent: string, field: FieldNode): Amount {
    const name = field.name.value;
    if (parent === 'Query' && name === 'councils') {
      const codes = argumentOf(field, 'codes');
      if (!codes) return everyCouncil;
      return (variables, context) => {
        const value = codes(variables);
        return value == null ? context.councilCount : Math.min(lengthOf(value), context.councilCount);
      };
    }
    if (parent === 'Query' && ownership.isNationalRootField(name)) return everyCouncil;
    if (parent === 'Query' && name === 'properties') {
      const refs = argumentOf(field, 'refs');
      return refs ? (variables) => lengthOf(refs(variables)) : 0;
    }
    if (parent === 'PostcodeLookup' && name === 'councils') return 1;
    if (parent === 'Council' && name === 'children') return COUNTY_CHILDREN;
    if (parent === 'Council' && name === 'properties') return PROPERTIES_PER_POSTCODE;
    return OTHER_LIST;
  }

  /** Work a council does for this field, on each entity it is selected on. */
  function councilWork(parent: string, field: FieldNode, firstAsk: boolean): Amount {
    if (parent === 'Property' && field.name.value === 'collections') return rangeUnits(field);
    if (parent === 'Property' && field.name.value === 'nextCollections') return NEXT_COLLECTIONS_UNITS;
    return firstAsk ? 1 : 0;
  }

  /** `inCouncilAnswer`: the selection is answered by a council inside a request already counted. */
  function selectionCost(selectionSet: SelectionSetNode, parentType: GraphQLNamedType, inCouncilAnswer: boolean, spreading: ReadonlySet<string>): Amount {
    let total: Amount = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        total = add(total, fieldCost(selection, parentType, inCouncilAnswer, spreading));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType;
        if (type) total = add(total, selectionCost(selection.selectionSet, type, inCouncilAnswer, spreading));
      } else {
        total = add(total, fragmentCost(selection.name.value, inCouncilAnswer, spreading));
      }
    }
    return total;
  }

  function fragmentCost(name: string, inCouncilAnswer: boolean, spreading: ReadonlySet<string>): Amount {
    const key = `${name}\u0000${inCouncilAnswer}`;
    const known = fragmentCosts.get(key);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    const type = fragment && schema.getType(fragment.typeCondition.name.value);
    // Validation has refused cycles; the guard only keeps a bug from looping.
    if (!fragment || !type || spreading.has(name)) return 0;
    const cost = once(selectionCost(fragment.selectionSet, type, inCouncilAnswer, new Set([...spreading, name])));
    fragmentCosts.set(key, cost);
    return cost;
  }

  function fieldCost(field: FieldNode, parentType: GraphQLNamedType, inCouncilAnswer: boolean, spreading: ReadonlySet<string>): Amount {
    if (field.name.value.startsWith('__')) return 0;
    if (!isObjectType(parentType) && !isInterfaceType(parentType)) return 0;
    const definition = parentType.getFields()[field.name.value];
    if (!definition) return 0;
    const parent = parentType.name;
    let own: Amount = 0;
    let childrenInCouncilAnswer = inCouncilAnswer;
    if (ownership.isCouncilField(parent, field.name.value)) {
      if (ownership.isCouncilEntity(parent)) own = councilWork(parent, field, !inCouncilAnswer);
      childrenInCouncilAnswer = true;
    } else {
      // Answered elsewhere (the directory, the calendar): council fields below it need a request of their own.
      childrenInCouncilAnswer = false;
      if (parent === 'Query' && ownership.isNationalRootField(field.name.value)) own = everyCouncil;
    }
    if (!field.selectionSet) return own;
    const below = selectionCost(field.selectionSet, getNamedType(definition.type), childrenInCouncilAnswer, spreading);
    return add(own, times(listLevels(definition.type) > 0 ? listSize(parent, field) : 1, below));
  }

  const rootType = schema.getRootType(operation.operation);
  if (!rootType) return { parts: [] };
  const parts: Array<{ responseKey: string; field: string; cost: Amount }> = [];
  // One part per root field; a fragment spread at the root is one part, named after the fragment.
  const collect = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        parts.push({ responseKey: selection.alias?.value ?? selection.name.value, field: selection.name.value, cost: fieldCost(selection, rootType, false, new Set()) });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet);
      } else {
        parts.push({ responseKey: `...${selection.name.value}`, field: `...${selection.name.value}`, cost: fragmentCost(selection.name.value, false, new Set()) });
      }
    }
  };
  collect(operation.selectionSet);
  return { parts };
}

function listLevels(type: GraphQLType): number {
  let levels = 0;
  for (let t: GraphQLType = type; ; t = t.ofType) {
    if (isListType(t)) levels++;
    else if (!isNonNullType(t)) return levels;
  }
}

export function operationCost(plan: CostPlan, variables: Variables, context: CostContext): OperationCost {
  let total = 0;
  let costliest: OperationCost['costliest'];
  const memo = new Map<object, number>();
  for (const part of plan.parts) {
    const cost = evaluate(part.cost, variables, context, memo);
    total += cost;
    if (cost > 0 && (!costliest || cost > costliest.cost)) costliest = { responseKey: part.responseKey, field: part.field, cost };
  }
  return { total, costliest };
}

/** Past a billion the exact figure says nothing more (a hostile document can reach 10^60 and beyond). */
const HUGE = 1e9;
const number = (n: number) => (n > HUGE ? `more than ${HUGE.toLocaleString('en-GB')}` : Math.round(n).toLocaleString('en-GB'));

export function operationTooCostly(cost: OperationCost, limit: number): GraphQLError {
  const part = cost.costliest;
  const costliest = part
    ? ` Its costliest part is \`${part.responseKey === part.field ? part.field : `${part.responseKey}: ${part.field}`}\` at ${number(part.cost)}.`
    : '';
  return new GraphQLError(
    `This operation would cost ${cost.total > HUGE ? '' : 'about '}${number(cost.total)} (the councils it can reach times the work asked of each); ` +
      `one operation may cost at most ${number(limit)}.${costliest} Ask fewer councils at a time (\`councils(codes: [...])\`), ` +
      'fewer council fields or shorter collection ranges, or split it into several operations.',
    { extensions: { code: ErrorCode.OPERATION_TOO_COSTLY, cost: Math.round(Math.min(cost.total, Number.MAX_SAFE_INTEGER)), limit, http: { status: 400 } } },
  );
}
