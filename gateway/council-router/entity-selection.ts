// Isolation between councils, and the standard's types: one council can never write into another's part of an
// answer, nor put into the national answer anything the standard does not allow.
//
// The router adds two marker fields to the `_entities` selection it sends to a council: the entity's
// `__typename` and its council key field (`code` on Council, `councilCode` elsewhere), under aliases chosen
// per query so that they occur nowhere in its text: whatever a client names its aliases, the markers cannot
// collide with them (a fixed alias could be written by a client, making every council refuse the query).
// In the answer, every entity must carry the type and the council it was asked for, every nested
// `councilCode` must be that council's, and every value must be valid for its type in the standard (a
// `String` a string, an enum one of its values, a `Date` a real date, no null where the standard forbids it).
// Anything else is refused with a problem naming what was wrong. The answer is then cut to exactly what the
// gateway asked for, which also removes the markers.
import {
  getNamedType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  parse,
  print,
  stripIgnoredCharacters,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import { councilKeyFieldOf } from '../../contracts/council.js';
import type { Representation } from './partition.js';
import { councilStandardSchema } from './standard-schema.js';
import { scalarProblem } from './standard-values.js';

/** The response keys of the markers the router adds to one query. */
export interface Markers {
  typename: string;
  council: string;
}

export interface EntityFetchPlan {
  /** The gateway's query with the markers added: what councils are sent. */
  councilQuery: string;
  markers: Markers;
  /** False for anything but a query: such an operation is never retried. */
  isQuery: boolean;
  /** The gateway's own `_entities` selection, to which answers are cut. */
  selection: SelectionSetNode;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  /** The response keys and types each level of the selection asks for, worked out once per plan (see `fieldsAt`). */
  fields: SelectionFields;
}

export interface EntityFetchPlansOptions {
  /** Distinct query texts kept planned. The gateway sends one text per query-plan fetch, so a few hundred cover normal traffic. */
  maxPlans?: number;
  /** The standard's council schema, whose types every answer is checked against. */
  schema?: GraphQLSchema;
}

/** Plans per distinct query text, bounded so a stream of unusual client operations cannot grow it without end. */
export class EntityFetchPlans {
  private readonly plans: LRUCache<string, { plan: EntityFetchPlan | null }>;
  private readonly schema: GraphQLSchema;

  constructor(options: EntityFetchPlansOptions | number = {}) {
    const resolved = typeof options === 'number' ? { maxPlans: options } : options;
    this.plans = new LRUCache({ max: resolved.maxPlans ?? 1000 });
    this.schema = resolved.schema ?? councilStandardSchema();
  }

  /** Undefined when the query is not an `_entities` fetch the router can check. */
  planFor(query: string): EntityFetchPlan | undefined {
    let slot = this.plans.get(query);
    if (!slot) {
      slot = { plan: buildPlan(query, this.schema) };
      this.plans.set(query, slot);
    }
    return slot.plan ?? undefined;
  }
}

/**
 * Marker aliases that occur nowhere in the query: every response key a client can cause is written in the
 * query text the gateway sends, so a name absent from the text is one no client chose.
 */
export function markersFor(query: string): Markers {
  const free = (base: string) => {
    let name = base;
    for (let n = 1; query.includes(name); n++) name = `${base}${n}`;
    return name;
  };
  return { typename: free('_binfo_typename'), council: free('_binfo_council') };
}

function buildPlan(query: string, schema: GraphQLSchema): EntityFetchPlan | null {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return null;
  }
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1) return null;
  const entities = operations[0].selectionSet.selections.find(
    (s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === '_entities' && !s.alias && s.selectionSet !== undefined,
  );
  if (!entities?.selectionSet) return null;
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const names = markersFor(query);
  const marked = visit(document, {
    Field(node) {
      if (node !== entities) return undefined;
      return { ...node, selectionSet: { ...node.selectionSet!, selections: [...node.selectionSet!.selections, ...markerSelections(node.selectionSet!, fragments, names)] } };
    },
  });
  return {
    councilQuery: stripIgnoredCharacters(print(marked)),
    markers: names,
    isQuery: operations[0].operation === 'query',
    selection: entities.selectionSet,
    fragments,
    fields: new SelectionFields(entities.selectionSet, fragments, schema),
  };
}

/** `<typename marker>: __typename` and, for each entity type asked for, `... on T { <council marker>: <key> }`. */
function markerSelections(selection: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, names: Markers): SelectionNode[] {
  const types = new Set<string>();
  for (const s of selection.selections) {
    if (s.kind === Kind.INLINE_FRAGMENT && s.typeCondition) types.add(s.typeCondition.name.value);
    if (s.kind === Kind.FRAGMENT_SPREAD) {
      const definition = fragments.get(s.name.value);
      if (definition) types.add(definition.typeCondition.name.value);
    }
  }
  const typenameMarker = aliasedField(names.typename, '__typename');
  const councilMarkers = [...types].map(
    (type): InlineFragmentNode => ({
      kind: Kind.INLINE_FRAGMENT,
      typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: type } },
      selectionSet: { kind: Kind.SELECTION_SET, selections: [aliasedField(names.council, councilKeyFieldOf(type))] },
    }),
  );
  return [typenameMarker, ...councilMarkers];
}

function aliasedField(alias: string, name: string): FieldNode {
  return { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: alias }, name: { kind: Kind.NAME, value: name } };
}

/**
 * What checking one entity came to. `wrongCouncil` separates isolation breaches (another council's data)
 * from answers that break the standard's types; both are the council's fault.
 */
export type EntityCheck = { ok: true; entity: unknown } | { ok: false; problem: string; wrongCouncil: boolean };

/**
 * Checks one entity a council answered against the representation it was asked for and the standard's
 * types, and cuts it to the gateway's selection. `null` (the council does not know the entity) is valid.
 */
export function checkEntity(plan: EntityFetchPlan, answered: unknown, representation: Representation, councilCode: string): EntityCheck {
  if (answered === null || answered === undefined) return { ok: true, entity: null };
  if (typeof answered !== 'object' || Array.isArray(answered)) return { ok: false, problem: 'it returned an entity that is not an object', wrongCouncil: false };
  const marked = answered as Record<string, unknown>;
  if (marked[plan.markers.typename] !== representation.__typename) {
    return { ok: false, problem: `it returned ${describe(marked[plan.markers.typename])} where a ${representation.__typename} was asked for`, wrongCouncil: false };
  }
  if (marked[plan.markers.council] !== councilCode) {
    return { ok: false, problem: `it returned an entity of council ${describe(marked[plan.markers.council])} where one of ${councilCode} was asked for`, wrongCouncil: true };
  }
  const type = plan.fields.objectType(representation.__typename);
  if (!type) return { ok: false, problem: `${representation.__typename} is not an entity of the standard`, wrongCouncil: false };
  const cut = new Projection(plan.fields, councilCode);
  const entity = cut.object(marked, plan.fields.root, type, representation.__typename);
  if (cut.problem) return { ok: false, problem: cut.problem, wrongCouncil: cut.wrongCouncil };
  return { ok: true, entity };
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : value === undefined ? 'nothing' : value === null ? 'null' : typeof value;
}

interface CollectedField {
  name: string;
  /**
   * The field's type in the standard; undefined for `__typename` (checked on its own) and for a field the
   * standard lacks (never planned by a gateway composed from the same standard; answered null if it were).
   */
  type: GraphQLOutputType | undefined;
  subselections: SelectionSetNode[];
  /** Under `@skip`/`@include`: a council may leave it out. */
  conditional: boolean;
}

/**
 * The response keys asked for at each level of one plan's selection, with their types, collected once per
 * level and parent type and kept: every entity of every council answer is cut with the same few levels, so
 * collecting them per object (a Map per object of every answer) was most of the projection's work.
 */
export class SelectionFields {
  readonly root: readonly SelectionSetNode[];
  private readonly levels = new WeakMap<readonly SelectionSetNode[], Map<string, Map<string, CollectedField>>>();

  constructor(
    selection: SelectionSetNode,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly schema: GraphQLSchema,
  ) {
    this.root = [selection];
  }

  objectType(name: string): GraphQLObjectType | undefined {
    const type = this.schema.getType(name);
    return isObjectType(type) ? type : undefined;
  }

  /** The fields of a level on one object type; `selections` must be `root` or a `subselections` array this returned. */
  at(selections: readonly SelectionSetNode[], parent: GraphQLObjectType): Map<string, CollectedField> {
    let byType = this.levels.get(selections);
    if (!byType) this.levels.set(selections, (byType = new Map()));
    let fields = byType.get(parent.name);
    if (!fields) {
      fields = new Map();
      for (const selection of selections) this.collect(selection, parent, fields, false, 0);
      byType.set(parent.name, fields);
    }
    return fields;
  }

  /** Fragments apply when their type condition is the object's type (or an abstract type it belongs to). */
  private applies(condition: string | undefined, parent: GraphQLObjectType): boolean {
    if (!condition || condition === parent.name) return true;
    const type = this.schema.getType(condition);
    return type !== undefined && !isObjectType(type) && this.schema.isSubType(type as never, parent);
  }

  private collect(selection: SelectionSetNode, parent: GraphQLObjectType, fields: Map<string, CollectedField>, conditional: boolean, fragmentDepth: number): void {
    for (const node of selection.selections) {
      const underCondition = conditional || (node.directives?.some((d) => d.name.value === 'skip' || d.name.value === 'include') ?? false);
      if (node.kind === Kind.FIELD) {
        const key = node.alias?.value ?? node.name.value;
        let field = fields.get(key);
        if (!field) {
          const type = node.name.value === '__typename' ? undefined : parent.getFields()[node.name.value]?.type;
          fields.set(key, (field = { name: node.name.value, type, subselections: [], conditional: underCondition }));
        }
        if (node.selectionSet) field.subselections.push(node.selectionSet);
      } else if (node.kind === Kind.INLINE_FRAGMENT) {
        if (this.applies(node.typeCondition?.name.value, parent)) this.collect(node.selectionSet, parent, fields, underCondition, fragmentDepth);
      } else if (fragmentDepth < 32) {
        // The depth guard only stops a (never valid) fragment cycle.
        const definition = this.fragments.get(node.name.value);
        if (definition && this.applies(definition.typeCondition.name.value, parent)) {
          this.collect(definition.selectionSet, parent, fields, underCondition, fragmentDepth + 1);
        }
      }
    }
  }
}

/** Keeps only the response keys the selection asked for, all the way down, checking each value against its type. */
class Projection {
  problem: string | undefined;
  wrongCouncil = false;

  constructor(
    private readonly fields: SelectionFields,
    private readonly councilCode: string,
  ) {}

  object(value: Record<string, unknown>, selections: readonly SelectionSetNode[], type: GraphQLObjectType, path: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, field] of this.fields.at(selections, type)) {
      if (this.problem) break;
      if (key === '__proto__') continue;
      const at = `${path}.${key}`;
      if (!Object.hasOwn(value, key)) {
        if (!field.conditional) this.fail(`it left out ${at}`);
        continue;
      }
      const child = value[key];
      if (field.name !== '__typename' && !field.type) {
        out[key] = null;
        continue;
      }
      if (!field.type) {
        // `__typename`: the object's own type name, nothing else.
        if (child !== type.name) this.fail(`it answered ${at} with ${describe(child)} on a ${type.name}`);
        out[key] = type.name;
        continue;
      }
      // Every councilCode in the standard is the answering council's own (its properties, its disruptions).
      // Another code means the answer is about another council: refuse it whole.
      if (field.name === 'councilCode' && child !== null && child !== this.councilCode) {
        this.wrongCouncil = true;
        this.fail(`it returned data of council ${describe(child)} inside an answer for ${this.councilCode}`);
      }
      out[key] = this.value(child, field.type, field.subselections, at);
    }
    return out;
  }

  private value(value: unknown, type: GraphQLOutputType, selections: readonly SelectionSetNode[], path: string): unknown {
    if (isNonNullType(type)) {
      if (value === null || value === undefined) {
        this.fail(`it answered ${path} with null, which the standard does not allow`);
        return null;
      }
      return this.value(value, type.ofType, selections, path);
    }
    if (value === null || value === undefined) return null;
    if (isListType(type)) {
      if (!Array.isArray(value)) {
        this.fail(`it answered ${path} with ${describe(value)} where a list belongs`);
        return null;
      }
      return value.map((item, i) => this.value(item, type.ofType, selections, `${path}[${i}]`));
    }
    if (isObjectType(type)) {
      if (typeof value !== 'object' || Array.isArray(value)) {
        this.fail(`it answered ${path} with ${describe(value)} where a ${type.name} belongs`);
        return null;
      }
      return this.object(value as Record<string, unknown>, selections, type, path);
    }
    if (isEnumType(type)) {
      if (typeof value !== 'string' || !type.getValue(value)) this.fail(`it answered ${path} with ${describe(value)}, which is not a ${type.name}`);
      return value;
    }
    if (isScalarType(type)) {
      const problem = scalarProblem(type.name, value);
      if (problem) this.fail(`it answered ${path} with ${describe(value)}, which is not ${problem}`);
      // An ID may come as a number; clients are promised a string.
      return type.name === 'ID' && typeof value === 'number' ? String(value) : value;
    }
    // The standard has no interfaces or unions below the entities; an abstract type here is not one of its fields.
    this.fail(`${path} is a ${getNamedType(type).name}, which the router cannot check`);
    return null;
  }

  private fail(problem: string): void {
    this.problem ??= problem;
  }
}
