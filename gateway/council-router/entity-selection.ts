// Isolation between councils: one council can never write into another's part of an answer.
//
// The router adds two marker fields to the `_entities` selection it sends to a council: the entity's
// `__typename` and its council key field (`code` on Council, `councilCode` elsewhere), under aliases the
// gateway never uses. In the answer, every entity must carry the type and the council it was asked for,
// and every nested `councilCode` must be that council's; anything else is dropped with an error naming the
// council. The answer is then cut to exactly what the gateway asked for, which also removes the markers.
import {
  Kind,
  parse,
  print,
  stripIgnoredCharacters,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { councilKeyFieldOf, type Representation } from './partition.js';

export const TYPENAME_MARKER = '_binfo_typename';
export const COUNCIL_MARKER = '_binfo_council';

export interface EntityFetchPlan {
  /** The gateway's query with the markers added: what councils are sent. */
  councilQuery: string;
  /** False for anything but a query: such an operation is never retried. */
  isQuery: boolean;
  /** The gateway's own `_entities` selection, to which answers are cut. */
  selection: SelectionSetNode;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  /** The response keys each level of the selection asks for, worked out once per plan (see `fieldsAt`). */
  fields: SelectionFields;
}

/**
 * Plans per distinct query text. The gateway sends one text per query-plan fetch, so a few hundred cover
 * normal traffic; the bound keeps a stream of unusual client operations from growing it without end.
 */
export class EntityFetchPlans {
  private readonly plans = new Map<string, EntityFetchPlan | null>();

  constructor(private readonly maxPlans = 1000) {}

  /** Undefined when the query is not an `_entities` fetch the router can check. */
  planFor(query: string): EntityFetchPlan | undefined {
    let plan = this.plans.get(query);
    if (plan === undefined) {
      plan = buildPlan(query);
      if (this.plans.size >= this.maxPlans) this.plans.delete(this.plans.keys().next().value!);
    } else {
      this.plans.delete(query);
    }
    this.plans.set(query, plan);
    return plan ?? undefined;
  }
}

function buildPlan(query: string): EntityFetchPlan | null {
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
  const marked = visit(document, {
    Field(node) {
      if (node !== entities) return undefined;
      return { ...node, selectionSet: { ...node.selectionSet!, selections: [...node.selectionSet!.selections, ...markers(node.selectionSet!, fragments)] } };
    },
  });
  return {
    councilQuery: stripIgnoredCharacters(print(marked)),
    isQuery: operations[0].operation === 'query',
    selection: entities.selectionSet,
    fragments,
    fields: new SelectionFields(entities.selectionSet, fragments),
  };
}

/** `_binfo_typename: __typename` and, for each entity type asked for, `... on T { _binfo_council: <key> }`. */
function markers(selection: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): SelectionNode[] {
  const types = new Set<string>();
  for (const s of selection.selections) {
    if (s.kind === Kind.INLINE_FRAGMENT && s.typeCondition) types.add(s.typeCondition.name.value);
    if (s.kind === Kind.FRAGMENT_SPREAD) {
      const definition = fragments.get(s.name.value);
      if (definition) types.add(definition.typeCondition.name.value);
    }
  }
  const typenameMarker = aliasedField(TYPENAME_MARKER, '__typename');
  const councilMarkers = [...types].map(
    (type): InlineFragmentNode => ({
      kind: Kind.INLINE_FRAGMENT,
      typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: type } },
      selectionSet: { kind: Kind.SELECTION_SET, selections: [aliasedField(COUNCIL_MARKER, councilKeyFieldOf(type))] },
    }),
  );
  return [typenameMarker, ...councilMarkers];
}

function aliasedField(alias: string, name: string): FieldNode {
  return { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: alias }, name: { kind: Kind.NAME, value: name } };
}

export type EntityCheck = { ok: true; entity: unknown } | { ok: false; problem: string };

/**
 * Checks one entity a council answered against the representation it was asked for, and cuts it to the
 * gateway's selection. `null` (the council does not know the entity) is a valid answer.
 */
export function checkEntity(plan: EntityFetchPlan, answered: unknown, representation: Representation, councilCode: string): EntityCheck {
  if (answered === null || answered === undefined) return { ok: true, entity: null };
  if (typeof answered !== 'object' || Array.isArray(answered)) return { ok: false, problem: 'it returned an entity that is not an object' };
  const marked = answered as Record<string, unknown>;
  if (marked[TYPENAME_MARKER] !== representation.__typename) {
    return { ok: false, problem: `it returned ${describe(marked[TYPENAME_MARKER])} where a ${representation.__typename} was asked for` };
  }
  if (marked[COUNCIL_MARKER] !== councilCode) {
    return { ok: false, problem: `it returned an entity of council ${describe(marked[COUNCIL_MARKER])} where one of ${councilCode} was asked for` };
  }
  const cut = new Projection(plan.fields, councilCode);
  const entity = cut.object(marked, plan.fields.root);
  return cut.problem ? { ok: false, problem: cut.problem } : { ok: true, entity };
}

function describe(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 40) : value === undefined ? 'nothing' : typeof value;
}

interface CollectedField {
  name: string;
  subselections: SelectionSetNode[];
}

/**
 * The response keys asked for at each level of one plan's selection, collected once per level and kept:
 * every entity of every council answer is cut with the same few levels, so collecting them per object (a Map
 * per object of every answer) was most of the projection's work and garbage in a national fan-out.
 */
export class SelectionFields {
  readonly root: readonly SelectionSetNode[];
  private readonly levels = new WeakMap<readonly SelectionSetNode[], Map<string, CollectedField>>();

  constructor(
    selection: SelectionSetNode,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  ) {
    this.root = [selection];
  }

  /** The fields of a level; `selections` must be `root` or a `subselections` array this returned. */
  at(selections: readonly SelectionSetNode[]): Map<string, CollectedField> {
    let fields = this.levels.get(selections);
    if (!fields) {
      fields = new Map();
      for (const selection of selections) this.collect(selection, fields, 0);
      this.levels.set(selections, fields);
    }
    return fields;
  }

  /**
   * Fields of every fragment are kept whatever its type condition: the answer is cut to keys the gateway
   * asked for somewhere at this level, which is all isolation needs, without knowing the council schema's
   * abstract types. Depth is bounded by the query; the fragment guard only stops a (never valid) cycle.
   */
  private collect(selection: SelectionSetNode, fields: Map<string, CollectedField>, fragmentDepth: number): void {
    for (const node of selection.selections) {
      if (node.kind === Kind.FIELD) {
        const key = node.alias?.value ?? node.name.value;
        let field = fields.get(key);
        if (!field) fields.set(key, (field = { name: node.name.value, subselections: [] }));
        if (node.selectionSet) field.subselections.push(node.selectionSet);
      } else if (node.kind === Kind.INLINE_FRAGMENT) {
        this.collect(node.selectionSet, fields, fragmentDepth);
      } else if (fragmentDepth < 32) {
        const definition = this.fragments.get(node.name.value);
        if (definition) this.collect(definition.selectionSet, fields, fragmentDepth + 1);
      }
    }
  }
}

/** Keeps only the response keys the selection asked for, all the way down, checking each nested `councilCode`. */
class Projection {
  problem: string | undefined;

  constructor(
    private readonly fields: SelectionFields,
    private readonly councilCode: string,
  ) {}

  object(value: Record<string, unknown>, selections: readonly SelectionSetNode[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, field] of this.fields.at(selections)) {
      if (key === '__proto__' || !Object.hasOwn(value, key)) continue;
      const child = value[key];
      // Every councilCode in the standard schema is the answering council's own (its properties, its
      // disruptions). Another code means the answer is about another council: refuse it whole.
      if (field.name === 'councilCode' && child !== null && child !== this.councilCode) {
        this.problem ??= `it returned data of council ${describe(child)} inside an answer for ${this.councilCode}`;
      }
      out[key] = field.subselections.length ? this.value(child, field.subselections) : child;
    }
    return out;
  }

  private value(value: unknown, selections: readonly SelectionSetNode[]): unknown {
    if (value === null || value === undefined) return null;
    if (Array.isArray(value)) return value.map((item) => this.value(item, selections));
    // A scalar where the gateway asked for an object is not what it asked for.
    if (typeof value !== 'object') return null;
    return this.object(value as Record<string, unknown>, selections);
  }
}
