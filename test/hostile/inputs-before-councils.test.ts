// Issue 11's "inputs that skip the checks", tried as a hostile client would against a real gateway: bad Dates
// hidden in variable defaults, fragments and GET query strings; 20,000 council codes; a national query copied
// through aliases; operations the read graph cannot run. Each is refused with HTTP 400, a code and a
// sentence, and no council is asked, so nothing a client writes can move a council's circuit breaker.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { send, sendGet, startCountingStack, type CountingStack } from './hostile-client.js';

const READING = 'E06000038';
const NATIONAL = 'councils(collectsWaste: true) { code name nation services { type name frequency { description } subscription { required } } }';

let gateway: CountingStack;

beforeAll(async () => {
  gateway = await startCountingStack();
});
afterAll(async () => gateway?.stack.close());
beforeEach(() => gateway.reset());

describe('a bad Date, wherever it is written, is refused before any council is asked', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'a variable default',
      { query: `query($f: Date = "2026-02-30") { council(code: "${READING}") { disruptions(activeOn: $f) { id } } }` },
      /^The default of variable \$f \(argument "activeOn" of disruptions\): "2026-02-30" is not a date: February 2026 has 28 days\.$/,
    ],
    [
      'a variable default used in a fragment',
      { query: `query($f: Date = "2026-02-30") { council(code: "${READING}") { ...Notices } } fragment Notices on Council { disruptions(activeOn: $f) { id } }` },
      /February 2026 has 28 days/,
    ],
    [
      'a variable',
      { query: `query($f: Date) { council(code: "${READING}") { disruptions(activeOn: $f) { id } } }`, variables: { f: '2026-04-31' } },
      /^Variable \$f \(argument "activeOn" of disruptions\): "2026-04-31" is not a date: April 2026 has 30 days\.$/,
    ],
    [
      'a variable of the wrong type',
      { query: `query($f: Date) { council(code: "${READING}") { disruptions(activeOn: $f) { id } } }`, variables: { f: 20260401 } },
      /20260401 is not a date: a date is written as a string, YYYY-MM-DD/,
    ],
    ['a literal', { query: `{ council(code: "${READING}") { disruptions(activeOn: "1/12/2026") { id } } }` }, /"1\/12\/2026" is not a date written YYYY-MM-DD/],
    [
      'a collections range on a property',
      { query: `query($to: Date = "2026-13-01") { property(councilCode: "${READING}", uprn: "703860552650") { collections(to: $to) { date } } }` },
      /there is no month 13/,
    ],
  ])('in %s', async (_where, body, message) => {
    const answer = await send(gateway.url, body);
    expect(answer.status).toBe(400);
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(answer.errors![0].message).toMatch(message);
    expect(answer.data).toBeUndefined();
    expect(gateway.councilsAsked).toEqual([]);
  });

  it('in a GET query string', async () => {
    const answer = await sendGet(gateway.url, { query: `query($f: Date = "2026-02-30") { council(code: "${READING}") { disruptions(activeOn: $f) { id } } }` });
    expect(answer.status).toBe(400);
    expect(answer.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/February 2026 has 28 days/) });
    expect(gateway.councilsAsked).toEqual([]);
  });

  it('cannot open a council’s circuit breaker: after 20 such requests the council still answers', async () => {
    for (let i = 0; i < 20; i++) {
      const answer = await send(gateway.url, { query: `query($f: Date = "2026-02-30") { council(code: "${READING}") { services { name } disruptions(activeOn: $f) { id } } }` });
      expect(answer.status).toBe(400);
    }
    expect(gateway.councilsAsked).toEqual([]);
    const honest = await send(gateway.url, { query: `{ council(code: "${READING}") { services { name } disruptions(activeOn: "2026-12-01") { id } } }` });
    expect(honest.status).toBe(200);
    expect(honest.errors).toBeUndefined();
    expect(honest.data.council.services.length).toBeGreaterThan(0);
    expect(gateway.councilsAsked).toEqual([READING]);
  });

  it('a collections range backwards or over a year is the client’s mistake, not the council’s', async () => {
    for (const [from, to, message] of [
      ['2026-12-21', '2026-12-01', /^The collections range ends \(2026-12-01\) before it starts \(2026-12-21\)\.$/],
      ['2026-01-01', '2028-01-01', /^The collections range 2026-01-01 to 2028-01-01 is longer than 366 days; ask for a year at a time\.$/],
    ] as const) {
      const answer = await send(gateway.url, {
        query: `query($from: Date, $to: Date) { property(councilCode: "${READING}", uprn: "703860552650") { collections(from: $from, to: $to) { date } } }`,
        variables: { from, to },
      });
      expect(answer.status).toBe(400);
      expect(answer.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(message) });
    }
    expect(gateway.councilsAsked).toEqual([]);
  });
});

describe('a value every council would refuse is refused once, by the gateway', () => {
  it('a malformed postcode asked of every council', async () => {
    const answer = await send(gateway.url, { query: 'query($p: String!) { councils(collectsWaste: true) { code properties(postcode: $p) { uprn } } }', variables: { p: 'not a postcode' } });
    expect(answer.status).toBe(400);
    expect(answer.errors).toEqual([
      { message: 'Variable $p (argument "postcode" of properties): "not a postcode" is not a valid UK postcode. A postcode looks like "RG1 1AA".', extensions: { code: 'BAD_USER_INPUT' } },
    ]);
    expect(gateway.councilsAsked).toEqual([]);
  });

  it.each([
    ['written in the query', { query: '{ councils(collectsWaste: true) { code upcomingBankHolidays(days: 100000) { date } } }' }],
    ['as a variable', { query: 'query($d: Int) { councils(collectsWaste: true) { code upcomingBankHolidays(days: $d) { date } } }', variables: { d: 0 } }],
  ])('a number of days out of bounds asked of every council, %s: one 400, not one error per council', async (_label, body) => {
    const answer = await send(gateway.url, body);
    expect(answer.status).toBe(400);
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/is not between 1 and 400/) });
  });
});

describe('every list argument is bounded before any work', () => {
  it('refuses 20,000 council codes in a variable at once, with a small answer', async () => {
    const codes = Array.from({ length: 20_000 }, (_, i) => `E${String(6_000_000 + i).padStart(8, '0')}`);
    const answer = await send(gateway.url, { query: 'query($codes: [ID!]) { councils(codes: $codes) { code name services { name } } }', variables: { codes } });
    expect(answer.status).toBe(400);
    expect(answer.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 400 });
    expect(answer.errors![0].message).toBe('Variable $codes (argument "codes" of councils) lists 20,000 items; at most 400 are allowed in one request. Ask for fewer at a time.');
    // Before the bound: 4.3 s and 5.5 MB for this request.
    expect(answer.bytes).toBeLessThan(1_000);
    expect(gateway.councilsAsked).toEqual([]);
  });

  it('refuses 401 codes written in the document', async () => {
    const answer = await send(gateway.url, { query: `{ councils(codes: [${Array(401).fill(`"${READING}"`).join(',')}]) { code } }` });
    expect(answer.status).toBe(400);
    expect(answer.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', limit: 400 }, message: expect.stringMatching(/^Argument "codes" of councils lists 401 items/) });
  });

  it('refuses a list of service types longer than the bound, even in a variable default', async () => {
    const types = Array(31).fill('GLASS').join(', ');
    const answer = await send(gateway.url, {
      query: `query($types: [ServiceType!] = [${types}]) { property(councilCode: "${READING}", uprn: "703860552650") { collections(serviceTypes: $types) { date } } }`,
    });
    expect(answer.status).toBe(400);
    expect(answer.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', limit: 30 }, message: expect.stringMatching(/^The default of variable \$types .* lists 31 items/) });
    expect(gateway.councilsAsked).toEqual([]);
  });
});

describe('a small request cannot cause large work', () => {
  it('refuses 20 aliased copies of the national query as too costly, naming what to narrow', async () => {
    const query = `{ ${Array.from({ length: 20 }, (_, i) => `copy${i}: ${NATIONAL}`).join(' ')} }`;
    expect(Buffer.byteLength(query)).toBeLessThan(4_000);
    const answer = await send(gateway.url, { query });
    expect(answer.status).toBe(400);
    expect(answer.errors).toHaveLength(1);
    const councils = gateway.stack.endpoints.size;
    expect(answer.errors![0].extensions).toEqual({ code: 'OPERATION_TOO_COSTLY', cost: 20 * councils, limit: 5000 });
    expect(answer.errors![0].message).toMatch(/^This operation would cost about [\d,]+ \(the councils it can reach times the work asked of each\); one operation may cost at most 5,000\./);
    expect(answer.errors![0].message).toMatch(new RegExp(`Its costliest part is \`copy0: councils\` at ${councils}\\. Ask fewer councils at a time`));
    expect(gateway.councilsAsked).toEqual([]);
  });

  it('refuses the same copies hidden behind one fragment', async () => {
    const query = `{ ${Array.from({ length: 20 }, (_, i) => `copy${i}: councils(collectsWaste: true) { ...Services }`).join(' ')} } fragment Services on Council { services { name } }`;
    const answer = await send(gateway.url, { query });
    expect(answer.status).toBe(400);
    expect(answer.errors![0].extensions?.code).toBe('OPERATION_TOO_COSTLY');
    expect(gateway.councilsAsked).toEqual([]);
  });

  it('refuses a national query for a year of collections at every address of a postcode', async () => {
    const answer = await send(gateway.url, {
      query: '{ councils { properties(postcode: "RG1 1AA") { collections(from: "2026-01-01", to: "2026-12-31") { date } } } }',
    });
    expect(answer.status).toBe(400);
    expect(answer.errors![0].extensions?.code).toBe('OPERATION_TOO_COSTLY');
    expect(gateway.councilsAsked).toEqual([]);
  });

  it('refuses a fragment bomb (each fragment spreading the next ten times, 60 deep) at once, without an absurd figure', async () => {
    const levels = Array.from({ length: 60 }, (_, i) => `fragment F${i} on Query { ${Array(10).fill(`...F${i + 1}`).join(' ')} }`);
    const query = `query($c: [ID!]) { ...F0 } ${levels.join(' ')} fragment F60 on Query { councils(codes: $c) { services { name } } }`;
    const answer = await send(gateway.url, { query, variables: { c: [READING] } });
    expect(answer.status).toBe(400);
    expect(answer.errors![0].extensions).toMatchObject({ code: 'OPERATION_TOO_COSTLY', limit: 5000 });
    expect(answer.errors![0].message).toMatch(/^This operation would cost more than 1,000,000,000 .* Its costliest part is `\.\.\.F0` at more than 1,000,000,000\./);
    expect(answer.elapsedMs).toBeLessThan(5_000); // generous for a shared machine: the analysis is linear in the document
    expect(gateway.councilsAsked).toEqual([]);
  });

  it('lets a few councils’ services through: the cost counts only the councils named', async () => {
    const answer = await send(gateway.url, { query: `{ councils(codes: ["${READING}", "E06000023"]) { code services { name } } }` });
    expect(answer.status).toBe(200);
    expect(answer.errors).toBeUndefined();
    expect(gateway.councilsAsked.sort()).toEqual(['E06000023', READING]);
  });
});

describe('operations the read graph cannot run are 4xx, never 500', () => {
  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['an unknown operationName', { query: `query Mine { council(code: "${READING}") { services { name } } }`, operationName: 'Theirs' }, 'OPERATION_RESOLUTION_FAILURE', /no operation named "Theirs"/],
    [
      'several named operations and no operationName',
      { query: `query A { council(code: "${READING}") { services { name } } } query B { councils { code } }` },
      'OPERATION_RESOLUTION_FAILURE',
      /several operations/,
    ],
    ['several anonymous operations', { query: `{ council(code: "${READING}") { services { name } } } { councils { code } }` }, 'GRAPHQL_VALIDATION_FAILED', /anonymous operation must be the only/],
    ['a mutation', { query: `mutation { council(code: "${READING}") { code } }` }, 'GRAPHQL_VALIDATION_FAILED', /mutation/],
    ['a subscription', { query: `subscription { council(code: "${READING}") { code } }` }, 'GRAPHQL_VALIDATION_FAILED', /subscription/],
    ['an operationName that is not a string', { query: `{ council(code: "${READING}") { code } }`, operationName: { $ne: null } }, 'BAD_REQUEST', /operationName/],
  ])('%s', async (_attack, body, code, message) => {
    const answer = await send(gateway.url, body);
    expect(answer.status).toBe(400);
    expect(answer.errors![0].extensions?.code).toBe(code);
    expect(answer.errors![0].message).toMatch(message);
    expect(gateway.councilsAsked).toEqual([]);
  });
});
