// What the gateway works out from a document before it runs, without ports: the cost of an operation
// (the README's queries within the default limit, a small request that multiplies into thousands of council
// requests over it), the bound on every list argument of the supergraph, what a Date's refusal says, Dates
// in input objects, and that the analysis is made once per document.
import { readFileSync } from 'node:fs';
import { buildSchema, parse, print, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { councilOwnershipOf } from '../../gateway/limits/council-ownership.js';
import { operationCost } from '../../gateway/limits/operation-cost.js';
import { DEFAULT_LIST_LENGTHS, DEFAULT_OPERATION_LIMITS, resolveOperationLimits } from '../../gateway/limits/operation-limits.js';
import { explainBadDate } from '../../gateway/plugins/date-arguments.js';
import { checkInputs } from '../../gateway/plugins/input-checks.js';
import { analyseOperation, OperationAnalyses } from '../../gateway/plugins/operation-analysis.js';
import { projectPath } from '../../lib/project-path.js';
import { isInputObjectType, isListType, isNonNullType, isObjectType, type GraphQLInputType } from 'graphql';

const SUPERGRAPH = readFileSync(projectPath('supergraph.graphql'), 'utf8');
const schema = buildSchema(SUPERGRAPH);
const ownership = councilOwnershipOf(SUPERGRAPH);
const limits = resolveOperationLimits();
const listBound = (coordinate: string) => limits.listLengths[coordinate] ?? limits.maxListLength;
/** The embedded registry's waste-collecting councils, as `npm start` serves them. */
const COUNCILS = 361;
const TODAY = '2026-12-01';

function analyse(source: string) {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  return analyseOperation(schema, document, operation, { ownership, listBound });
}

function costOf(source: string, variables: Record<string, unknown> = {}, councilCount = COUNCILS) {
  const analysis = analyse(source);
  return operationCost(analysis.cost, { ...analysis.variableDefaults, ...variables }, { councilCount, today: TODAY }).total;
}

function refusalOf(source: string, variables: Record<string, unknown> = {}) {
  const analysis = analyse(source);
  return analysis.inputs.refusal ?? checkInputs(analysis.inputs, variables, { ...analysis.variableDefaults, ...variables }, () => TODAY, listBound);
}

const NATIONAL = 'councils(collectsWaste: true) { code name nation services { type name frequency { description } subscription { required } } }';

describe('the cost of an operation', () => {
  it.each([
    ['the README national query', `{ ${NATIONAL} }`],
    [
      'the README postcode query',
      '{ postcode(code: "rg1 1aa") { postcode councils { code name binDayUrl dataSource { kind notice } properties(postcode: "rg1 1aa") { uprn address { singleLine } nextCollections { date status originalDate changeReason service { name type frequency { description } } } } } } }',
    ],
    [
      'the README calendar-app query',
      '{ property(councilCode: "E06000038", uprn: "703860552650") { collections(from: "2026-12-21", to: "2027-01-08", serviceTypes: [GENERAL_WASTE, RECYCLING]) { date status originalDate changeReason note service { name } } } }',
    ],
    ['the README bank-holiday queries', '{ council(code: "S12000036") { name bankHolidayDivision upcomingBankHolidays(days: 28) { date title } } }'],
    ['the README national disruptions view', '{ disruptions(activeOn: "2026-12-01") { title reason effect area startsOn endsOn council { name binDayUrl } } }'],
    ['issue 13’s query by service, with its national summary', '{ services(type: GARDEN_WASTE) { council { code name } service { name subscription { required } } } serviceSummary(type: GARDEN_WASTE) { __typename } }'],
    ['a year of collections for 100 properties', `{ properties(refs: [${Array.from({ length: 100 }, (_, i) => `{ councilCode: "E06000038", uprn: "${i}" }`).join(', ')}]) { address { singleLine } collections(from: "2026-01-01", to: "2026-12-31") { date } } }`],
  ])('%s stays within the default limit', (_name, source) => {
    const cost = costOf(source);
    expect(cost).toBeLessThanOrEqual(DEFAULT_OPERATION_LIMITS.maxOperationCost);
  });

  it('keeps every example query in the README within the default limit, and within the input checks', () => {
    const readme = readFileSync(projectPath('README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]);
    const operations = blocks.flatMap((block) => parse(block).definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition').map((d) => ({ block, d })));
    expect(operations.length).toBeGreaterThanOrEqual(6);
    for (const { block, d } of operations) {
      const analysis = analyseOperation(schema, parse(block), d, { ownership, listBound });
      expect(analysis.inputs.refusal).toBeUndefined();
      const cost = operationCost(analysis.cost, analysis.variableDefaults, { councilCount: COUNCILS, today: TODAY }).total;
      expect(cost, print(d)).toBeLessThanOrEqual(DEFAULT_OPERATION_LIMITS.maxOperationCost);
    }
  });

  it('counts the national query as one unit per council, and twenty aliased copies of it twenty times over', () => {
    expect(costOf(`{ ${NATIONAL} }`)).toBe(COUNCILS);
    const copies = `{ ${Array.from({ length: 20 }, (_, i) => `n${i}: ${NATIONAL}`).join(' ')} }`;
    expect(costOf(copies)).toBe(20 * COUNCILS);
    expect(costOf(copies)).toBeGreaterThan(DEFAULT_OPERATION_LIMITS.maxOperationCost);
  });

  it('counts the same copies hidden in fragments', () => {
    const spreads = `{ ${Array.from({ length: 20 }, (_, i) => `n${i}: councils { ...F }`).join(' ')} } fragment F on Council { services { name } }`;
    expect(costOf(spreads)).toBe(20 * COUNCILS);
  });

  it('works out a fragment spread tenfold through 60 levels once per level, not 10^60 times', () => {
    const levels = Array.from({ length: 60 }, (_, i) => `fragment F${i} on Query { ${Array(10).fill(`...F${i + 1}`).join(' ')} }`);
    const source = `query($c: [ID!]) { ...F0 } ${levels.join(' ')} fragment F60 on Query { councils(codes: $c) { services { name } } }`;
    const started = performance.now();
    const cost = costOf(source, { c: ['E06000038'] });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(cost).toBeGreaterThan(1e59);
  });

  it('reaches only the councils a list of codes names, literal or variable', () => {
    expect(costOf('{ councils(codes: ["E06000038", "E06000023"]) { services { name } dataSource { kind } } }')).toBe(4);
    const source = 'query($codes: [ID!]) { councils(codes: $codes) { services { name } } }';
    expect(costOf(source, { codes: ['E06000038', 'E06000023', 'E08000025'] })).toBe(3);
    expect(costOf(source, { codes: null })).toBe(COUNCILS);
  });

  it('prices collections by the length of their range, read from the variables per request', () => {
    const source = 'query($from: Date, $to: Date = "2026-12-31") { property(councilCode: "E06000038", uprn: "1") { collections(from: $from, to: $to) { date } } }';
    expect(costOf(source, { from: '2026-12-18' })).toBe(1); // 14 days
    expect(costOf(source, { from: '2026-01-01' })).toBe(27); // a year
    expect(costOf(source, { from: '2026-01-01', to: '2026-01-29' })).toBe(3);
  });

  it('counts a national root field as asking every council', () => {
    expect(costOf('{ services(type: GARDEN_WASTE) { council { code } service { name } } }')).toBe(COUNCILS);
    expect(costOf('{ services(type: GARDEN_WASTE) { council { dataSource { kind } } } }')).toBe(2 * COUNCILS);
  });

  it('counts nothing for fields no council answers', () => {
    expect(costOf('{ councils { code name nation parent { name } children { name } } bankHolidays(division: SCOTLAND) { date } }')).toBe(0);
  });

  it('prices a council query below a directory field anew: each disruption’s council is asked again', () => {
    // The national view asks every council (361), then each listed disruption's council for its services.
    expect(costOf('{ disruptions { council { services { name } } } }')).toBe(COUNCILS + COUNCILS);
  });
});

describe('list arguments', () => {
  const listPositions: string[] = [];
  const visitInput = (type: GraphQLInputType, coordinate: string, seen: Set<string>) => {
    if (isNonNullType(type)) return visitInput(type.ofType, coordinate, seen);
    if (isListType(type)) {
      listPositions.push(coordinate);
      return visitInput(type.ofType, coordinate, seen);
    }
    if (isInputObjectType(type) && !seen.has(type.name)) {
      seen.add(type.name);
      for (const field of Object.values(type.getFields())) visitInput(field.type, `${type.name}.${field.name}`, seen);
    }
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      for (const argument of field.args) visitInput(argument.type, `${type.name}.${field.name}(${argument.name}:)`, new Set());
    }
  }

  it('finds the list arguments of the supergraph, and the configured bounds name only real ones', () => {
    expect(listPositions).toEqual(expect.arrayContaining(['Query.councils(codes:)', 'Query.properties(refs:)', 'Property.collections(serviceTypes:)']));
    for (const coordinate of Object.keys(DEFAULT_LIST_LENGTHS)) expect(listPositions).toContain(coordinate);
  });

  it('takes configured bounds as plain options: one named bound leaves the others in place, a bad one names itself', () => {
    const configured = resolveOperationLimits({ listLengths: { 'Query.councils(codes:)': 50 }, maxOperationCost: 800 });
    expect(configured.listLengths).toEqual({ ...DEFAULT_LIST_LENGTHS, 'Query.councils(codes:)': 50 });
    expect(configured.maxOperationCost).toBe(800);
    expect(() => resolveOperationLimits({ listLengths: { 'Query.councils(codes:)': 0 } })).toThrow('limits.listLengths["Query.councils(codes:)"] must be a positive whole number; got 0');
    expect(() => resolveOperationLimits({ maxOperationCost: 1.5 })).toThrow('limits.maxOperationCost must be a positive whole number; got 1.5');
  });

  it.each(['Query.councils(codes:)', 'Property.collections(serviceTypes:)'])('bounds %s: one more item than allowed is refused, literal or variable', (coordinate) => {
    const bound = listBound(coordinate);
    const [, type, field, argument] = /^(\w+)\.(\w+)\((\w+):\)$/.exec(coordinate)!;
    const item = argument === 'codes' ? '"E06000038"' : 'GLASS';
    const at = (list: string) =>
      type === 'Query' ? `{ ${field}(${argument}: ${list}) { code } }` : `{ property(councilCode: "E06000038", uprn: "1") { ${field}(${argument}: ${list}) { date } } }`;
    expect(refusalOf(at(`[${Array(bound).fill(item).join(', ')}]`))).toBeUndefined();
    const refusal = refusalOf(at(`[${Array(bound + 1).fill(item).join(', ')}]`));
    expect(refusal?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: bound });
    expect(refusal?.message).toMatch(new RegExp(`^Argument "${argument}" of ${field} lists ${bound + 1} items; at most ${bound} are allowed`));
  });

  it('bounds a list sent as a variable, and a list in a variable’s default', () => {
    const source = 'query($codes: [ID!]) { councils(codes: $codes) { code } }';
    expect(refusalOf(source, { codes: Array(20_000).fill('E06000038') })?.message).toMatch(/^Variable \$codes \(argument "codes" of councils\) lists 20,000 items; at most 400/);
    expect(refusalOf(`query($codes: [ID!] = [${Array(401).fill('"E06000038"').join(',')}]) { councils(codes: $codes) { code } }`)?.message).toMatch(
      /^The default of variable \$codes \(argument "codes" of councils\) lists 401 items/,
    );
    // The directory's own limit of 100 property references, now enforced before the directory is asked.
    const refs = Array.from({ length: 101 }, (_, i) => ({ councilCode: 'E06000038', uprn: String(i) }));
    expect(refusalOf('query($refs: [PropertyRef!]!) { properties(refs: $refs) { uprn } }', { refs })?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 100 });
  });
});

describe('Dates', () => {
  it.each([
    ['2026-02-30', '"2026-02-30" is not a date: February 2026 has 28 days.'],
    ['2028-02-30', '"2028-02-30" is not a date: February 2028 has 29 days.'],
    ['2026-04-31', '"2026-04-31" is not a date: April 2026 has 30 days.'],
    ['2026-13-01', '"2026-13-01" is not a date: there is no month 13 (months are 01 to 12).'],
    ['2026-12-00', '"2026-12-00" is not a date: days of the month start at 01.'],
    ['01/12/2026', '"01/12/2026" is not a date written YYYY-MM-DD, for example "2026-04-06".'],
    [20261201, '20261201 is not a date: a date is written as a string, YYYY-MM-DD, for example "2026-04-06".'],
    [{ year: 2026 }, '{"year":2026} is not a date: a date is written as a string, YYYY-MM-DD, for example "2026-04-06".'],
  ])('%j: %s', (value, sentence) => {
    expect(explainBadDate(value)).toBe(sentence);
  });

  it('accepts a real date', () => {
    expect(explainBadDate('2028-02-29')).toBeUndefined();
  });

  it.each([
    ['a literal', '{ council(code: "E06000038") { disruptions(activeOn: "2026-02-30") { id } } }', {}, /^Argument "activeOn" of disruptions: "2026-02-30"/],
    ['a variable', 'query($d: Date) { council(code: "E06000038") { disruptions(activeOn: $d) { id } } }', { d: '2026-02-30' }, /^Variable \$d \(argument "activeOn" of disruptions\): "2026-02-30"/],
    ['a variable’s default', 'query($d: Date = "2026-02-30") { council(code: "E06000038") { disruptions(activeOn: $d) { id } } }', {}, /^The default of variable \$d/],
    ['a fragment', 'query($d: Date = "2026-02-30") { council(code: "E06000038") { ...F } } fragment F on Council { disruptions(activeOn: $d) { id } }', {}, /^The default of variable \$d/],
    ['a range', '{ property(councilCode: "E06000038", uprn: "1") { collections(from: "2026-12-01", to: "2026-11-31") { date } } }', {}, /^Argument "to" of collections: "2026-11-31" is not a date: November 2026 has 30 days/],
  ])('refuses a bad Date in %s with BAD_USER_INPUT and HTTP 400', (_where, source, variables, message) => {
    const refusal = refusalOf(source, variables);
    expect(refusal?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', http: { status: 400 } });
    expect(refusal?.message).toMatch(message);
  });

  it('a default is used only when the request leaves the variable out', () => {
    const source = 'query($d: Date = "2026-12-01") { council(code: "E06000038") { disruptions(activeOn: $d) { id } } }';
    expect(refusalOf(source)).toBeUndefined();
    expect(refusalOf(source, { d: '2026-02-30' })?.message).toMatch(/February 2026 has 28 days/);
    expect(refusalOf(source, { d: null })).toBeUndefined();
  });

  it('finds Dates inside input objects and lists of them', () => {
    const custom = buildSchema(`
      scalar Date
      input Window { from: Date, to: Date }
      type Query { slots(windows: [Window!], on: [Date!]): Int }
    `);
    const check = (source: string, variables: Record<string, unknown> = {}) => {
      const document = parse(source);
      const analysis = analyseOperation(custom, document, document.definitions[0] as OperationDefinitionNode, { ownership, listBound });
      return analysis.inputs.refusal ?? checkInputs(analysis.inputs, variables, variables, () => TODAY, listBound);
    };
    expect(check('{ slots(windows: [{ from: "2026-12-01", to: "2026-02-30" }]) }')?.message).toMatch(/^Field "to" of Window: "2026-02-30"/);
    expect(check('query($w: [Window!]) { slots(windows: $w) }', { w: [{ from: '2026-12-01' }, { to: '2026-02-30' }] })?.message).toMatch(/^Variable \$w .*, field "to": "2026-02-30"/);
    expect(check('query($w: Window!) { slots(windows: [$w]) }', { w: { from: '2026-02-29' } })?.message).toMatch(/February 2026 has 28 days/);
    expect(check('{ slots(on: ["2026-12-01", "2026-02-30"]) }')?.message).toMatch(/February 2026 has 28 days/);
    expect(check('{ slots(on: ["2026-12-01"], windows: [{ from: "2026-12-01" }]) }')).toBeUndefined();
  });

  it('refuses a collections range that ends before it starts, or spans more than 366 days', () => {
    const source = 'query($from: Date, $to: Date) { property(councilCode: "E06000038", uprn: "1") { collections(from: $from, to: $to) { date } } }';
    expect(refusalOf(source, { from: '2026-12-21', to: '2026-12-01' })?.message).toBe('The collections range ends (2026-12-01) before it starts (2026-12-21).');
    expect(refusalOf(source, { from: '2026-01-01', to: '2027-01-02' })?.message).toMatch(/2026-01-01 to 2027-01-02 is longer than 366 days; ask for a year at a time/);
    expect(refusalOf(source, { from: '2026-01-01', to: '2027-01-01' })).toBeUndefined(); // 366 days, as a council allows
    expect(refusalOf(source, { to: '2026-11-30' })?.message).toMatch(/ends \(2026-11-30\) before it starts \(2026-12-01\)/); // from defaults to today
  });
});

describe('strings every council would refuse', () => {
  it('refuses a malformed postcode for a council’s properties once, literal or variable, and lets a real one through', () => {
    expect(refusalOf('{ councils { properties(postcode: "nonsense") { uprn } } }')?.message).toBe(
      'Argument "postcode" of properties: "nonsense" is not a valid UK postcode. A postcode looks like "RG1 1AA".',
    );
    const source = 'query($p: String!) { council(code: "E06000038") { properties(postcode: $p) { uprn } } }';
    expect(refusalOf(source, { p: 'RG1' })?.message).toMatch(/^Variable \$p \(argument "postcode" of properties\): "RG1" is only the first half of a postcode/);
    expect(refusalOf(source, { p: 'rg1 1aa' })).toBeUndefined();
  });
});

describe('the analysis is made once per document', () => {
  it('gives the same analysis for the same query hash and operation, and a new one for another operation', () => {
    const analyses = new OperationAnalyses({ ownership, listBound, maxEntries: 2 });
    const document = parse('query A { council(code: "E06000038") { code } } query B { councils { code } }');
    const [a, b] = document.definitions as OperationDefinitionNode[];
    const first = analyses.get(schema, 'hash-1', document, a);
    expect(analyses.get(schema, 'hash-1', document, a)).toBe(first);
    expect(analyses.get(schema, 'hash-1', document, b)).not.toBe(first);
    // Bounded: a flood of distinct documents evicts the oldest.
    analyses.get(schema, 'hash-2', document, a);
    analyses.get(schema, 'hash-3', document, a);
    expect(analyses.get(schema, 'hash-1', document, a)).not.toBe(first);
  });
});
