// Every value a client writes into an operation, checked before any council is asked: Dates (argument
// literals, variables, variables' defaults, fields of input objects, items of lists), the length of every
// list, and the range of `collections`. The document is walked once (operation-analysis.ts caches the
// plan); a request then checks only its variables, where the plan says each one lands.
import {
  GraphQLError,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isScalarType,
  Kind,
  valueFromASTUntyped,
  getNamedType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { addDays, daysBetween, isIsoDate } from '../../domain/dates.js';
import type { IsoDate } from '../../domain/types.js';
import { ErrorCode } from '../../schema/error-codes.js';
import { parsePostcode } from '../../contracts/postcode.js';
import { explainBadDate } from './date-arguments.js';

export type Variables = Readonly<Record<string, unknown>>;

/** Items allowed in the list at a schema coordinate (`Query.councils(codes:)`, `Input.field`). */
export type ListBound = (coordinate: string) => number;

/** Where a variable lands: the type and coordinate of that position, and how to name it to the client. */
interface VariableUse {
  variable: string;
  type: GraphQLInputType;
  coordinate: string;
}

interface RangeCheck {
  from?: (variables: Variables) => unknown;
  to?: (variables: Variables) => unknown;
}

export interface InputCheckPlan {
  /** A refusal known from the document alone: a bad literal, or a bad default of a variable. */
  refusal?: GraphQLError;
  /** The variables worth checking per request (those whose position holds a Date or a list). */
  uses: readonly VariableUse[];
  /** Each `collections(from:, to:)` whose range depends on the request or on today. */
  ranges: readonly RangeCheck[];
}

/**
 * Strings every council would refuse, checked once here rather than by each council a query fans out to
 * (`councils { properties(postcode: "nonsense") }` would otherwise ask every council and get 361 refusals).
 */
const STRING_CHECKS: Readonly<Partial<Record<string, (value: string) => string | undefined>>> = {
  'Council.properties(postcode:)': (value) => {
    const parsed = parsePostcode(value);
    return parsed.ok ? undefined : parsed.message;
  },
};

/**
 * Numbers a subgraph would refuse once per council of a national query (`councils { upcomingBankHolidays(days:
 * 100000) }` gave 361 errors): refused once here, with the subgraph's own bound (subgraphs/calendar/subgraph.ts).
 */
const NUMBER_CHECKS: Readonly<Partial<Record<string, (value: number) => string | undefined>>> = {
  'Council.upcomingBankHolidays(days:)': (value) => (value >= 1 && value <= 400 ? undefined : `${value} days is not between 1 and 400.`),
};

/** Why a leaf value cannot be sent on, or undefined: Dates everywhere, and the strings and numbers above. */
function leafProblem(typeName: string, value: unknown, coordinate: string): string | undefined {
  if (typeName === 'Date') return explainBadDate(value);
  if (typeof value === 'number') return NUMBER_CHECKS[coordinate]?.(value);
  const check = STRING_CHECKS[coordinate];
  return check && typeof value === 'string' ? check(value) : undefined;
}

/** The longest `collections` range a council answers (subgraphs/council/subgraph.ts refuses longer). */
const MAX_RANGE_DAYS = 366;
const DEFAULT_RANGE_DAYS = 14;

const badInput = (message: string, extensions: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...extensions, http: { status: 400 } } });

function tooLong(where: string, items: number, limit: number): GraphQLError {
  return badInput(`${where} lists ${items.toLocaleString('en-GB')} items; at most ${limit.toLocaleString('en-GB')} are allowed in one request. Ask for fewer at a time.`, { limit });
}

/** `Argument "codes" of councils` for an argument; `Field "uprn" of PropertyRef` below it. */
function describe(coordinate: string): string {
  const argument = /^(\w+)\.(\w+)\((\w+):\)$/.exec(coordinate);
  if (argument) return `Argument "${argument[3]}" of ${argument[2]}`;
  const [type, field] = coordinate.split('.');
  return `Field "${field}" of ${type}`;
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/** Whether a value at this type can hold anything these checks look at. */
function worthChecking(type: GraphQLInputType, seen = new Set<string>()): boolean {
  if (isNonNullType(type)) return worthChecking(type.ofType, seen);
  if (isListType(type)) return true;
  if (isScalarType(type)) return type.name === 'Date';
  if (isInputObjectType(type)) {
    if (seen.has(type.name)) return false;
    seen.add(type.name);
    return Object.values(type.getFields()).some((field) => worthChecking(field.type, seen));
  }
  return false;
}

/** Checks a literal written in the document; variables inside it are recorded for the request. */
function checkLiteral(type: GraphQLInputType, node: ValueNode, coordinate: string, where: string, bound: ListBound, uses: VariableUse[]): GraphQLError | undefined {
  if (node.kind === Kind.VARIABLE) {
    if (worthChecking(type) || coordinate in STRING_CHECKS || coordinate in NUMBER_CHECKS) uses.push({ variable: node.name.value, type, coordinate });
    return undefined;
  }
  if (node.kind === Kind.NULL) return undefined;
  if (isNonNullType(type)) return checkLiteral(type.ofType, node, coordinate, where, bound, uses);
  if (isListType(type)) {
    if (node.kind !== Kind.LIST) return checkLiteral(type.ofType, node, coordinate, where, bound, uses); // one item stands for a list of one
    if (node.values.length > bound(coordinate)) return tooLong(where, node.values.length, bound(coordinate));
    for (const item of node.values) {
      const refusal = checkLiteral(type.ofType, item, coordinate, where, bound, uses);
      if (refusal) return refusal;
    }
    return undefined;
  }
  if (isInputObjectType(type)) {
    if (node.kind !== Kind.OBJECT) return undefined; // validation has refused it
    const fields = type.getFields();
    for (const field of node.fields) {
      const definition = fields[field.name.value];
      if (!definition) continue;
      const at = `${type.name}.${field.name.value}`;
      const refusal = checkLiteral(definition.type, field.value, at, describe(at), bound, uses);
      if (refusal) return refusal;
    }
    return undefined;
  }
  const value = node.kind === Kind.STRING ? node.value : valueFromASTUntyped(node);
  const problem = leafProblem(type.name, value, coordinate);
  return problem ? badInput(`${where}: ${problem}`) : undefined;
}

/** Checks a value sent as (or defaulted into) a variable, at the position it lands. */
function checkValue(type: GraphQLInputType, value: unknown, coordinate: string, where: string, bound: ListBound): GraphQLError | undefined {
  if (value === null || value === undefined) return undefined;
  if (isNonNullType(type)) return checkValue(type.ofType, value, coordinate, where, bound);
  if (isListType(type)) {
    if (!Array.isArray(value)) return checkValue(type.ofType, value, coordinate, where, bound);
    if (value.length > bound(coordinate)) return tooLong(where, value.length, bound(coordinate));
    for (const item of value) {
      const refusal = checkValue(type.ofType, item, coordinate, where, bound);
      if (refusal) return refusal;
    }
    return undefined;
  }
  if (isInputObjectType(type)) {
    if (typeof value !== 'object' || Array.isArray(value)) return undefined; // variable coercion refuses it
    const fields = type.getFields();
    for (const [name, item] of Object.entries(value)) {
      const definition = fields[name];
      if (!definition) continue;
      const refusal = checkValue(definition.type, item, `${type.name}.${name}`, `${where}, field "${name}"`, bound);
      if (refusal) return refusal;
    }
    return undefined;
  }
  const problem = leafProblem(type.name, value, coordinate);
  return problem ? badInput(`${where}: ${problem}`) : undefined;
}

function argumentReader(field: FieldNode, name: string): RangeCheck['from'] {
  const node = field.arguments?.find((a) => a.name.value === name)?.value;
  if (!node || node.kind === Kind.NULL) return undefined;
  if (node.kind === Kind.VARIABLE) return (variables) => variables[node.name.value];
  const value = valueFromASTUntyped(node);
  return () => value;
}

/** Walks the operation and the fragments it uses (each once: an argument's checks do not depend on where it is spread). */
export function planInputChecks(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variableDefaults: Variables,
  bound: ListBound,
): InputCheckPlan {
  const uses: VariableUse[] = [];
  const ranges: RangeCheck[] = [];
  let refusal: GraphQLError | undefined;
  const walked = new Set<string>();

  const walk = (selectionSet: SelectionSetNode, parentType: GraphQLNamedType | undefined | null) => {
    for (const selection of selectionSet.selections) {
      if (refusal) return;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || walked.has(fragment.name.value)) continue;
        walked.add(fragment.name.value);
        walk(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value));
      } else if (parentType && (isObjectType(parentType) || isInterfaceType(parentType))) {
        const definition = parentType.getFields()[selection.name.value];
        if (!definition) continue;
        for (const argument of selection.arguments ?? []) {
          const argumentDefinition = definition.args.find((a) => a.name === argument.name.value);
          if (!argumentDefinition) continue;
          const coordinate = `${parentType.name}.${definition.name}(${argument.name.value}:)`;
          refusal = checkLiteral(argumentDefinition.type, argument.value, coordinate, describe(coordinate), bound, uses);
          if (refusal) return;
        }
        if (parentType.name === 'Property' && definition.name === 'collections') {
          ranges.push({ from: argumentReader(selection, 'from'), to: argumentReader(selection, 'to') });
        }
        if (selection.selectionSet) walk(selection.selectionSet, getNamedType(definition.type));
      }
    }
  };
  walk(operation.selectionSet, schema.getRootType(operation.operation));

  // A default stands in for a variable the request leaves out: check it once, here, where the variable lands.
  for (const use of uses) {
    if (refusal) break;
    if (!(use.variable in variableDefaults)) continue;
    refusal = checkValue(use.type, variableDefaults[use.variable], use.coordinate, `The default of variable $${use.variable} (${lowerFirst(describe(use.coordinate))})`, bound);
  }
  return { refusal, uses, ranges };
}

/** The request's part: its variables where they land, then each `collections` range. */
export function checkInputs(plan: InputCheckPlan, provided: Variables, effective: Variables, today: () => IsoDate, bound: ListBound): GraphQLError | undefined {
  for (const use of plan.uses) {
    if (!(use.variable in provided)) continue; // a default, already checked with the document
    const refusal = checkValue(use.type, provided[use.variable], use.coordinate, `Variable $${use.variable} (${lowerFirst(describe(use.coordinate))})`, bound);
    if (refusal) return refusal;
  }
  for (const range of plan.ranges) {
    const from = range.from?.(effective);
    const to = range.to?.(effective);
    if ((from != null && !isIsoDate(from)) || (to != null && !isIsoDate(to))) continue; // refused above as a Date
    const start = from ?? today();
    const end = to ?? addDays(start, DEFAULT_RANGE_DAYS - 1);
    if (end < start) return badInput(`The collections range ends (${end}) before it starts (${start}).`);
    if (daysBetween(start, end) >= MAX_RANGE_DAYS) {
      return badInput(`The collections range ${start} to ${end} is longer than ${MAX_RANGE_DAYS} days; ask for a year at a time.`, { limit: MAX_RANGE_DAYS });
    }
  }
  return undefined;
}
