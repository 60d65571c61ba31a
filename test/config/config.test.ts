// The configuration module: every setting declared once, read from the environment once at start and
// validated whole, with errors that name the variable; then passed down as the parts' options.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SETTINGS, unknownBinfoVariables } from '../../config/config.js';
import { councilsProxyOptionsFrom, gatewayOptionsFrom, workerCountFrom } from '../../config/runtime-options.js';
import { projectPath } from '../../lib/project-path.js';
import { silentLogger } from '../resilience/support/capture-logs.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('the configuration', () => {
  it('declares each setting once, with its own variable, a description and a format', () => {
    const variables = Object.values(SETTINGS).map((setting) => setting.env);
    expect(new Set(variables).size).toBe(variables.length);
    for (const setting of Object.values(SETTINGS)) {
      expect(setting.doc.length, setting.env).toBeGreaterThan(10);
      expect(setting.format.length, setting.env).toBeGreaterThan(3);
    }
  });

  it('is documented in the README, every variable', () => {
    const readme = readFileSync(projectPath('README.md'), 'utf8');
    expect(Object.values(SETTINGS).map((s) => s.env).filter((name) => !readme.includes(`| \`${name}\` |`))).toEqual([]);
  });

  it('gives every default with an empty environment, as npm start always did', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 4000, councilHostPort: 4002, cache: 'on', logLevel: 'info', workers: 1, responseCacheTtlSeconds: 5, queryPlanCacheMiB: 16 });
    expect(config.redisUrl).toBeUndefined();
    expect(config.councilsUrl).toBeUndefined();
    expect(config.disruptionsDb).toMatch(/var[/\\]disruptions\.sqlite$/);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', BINFO_CACHE: '' })).toMatchObject({ port: 4000, cache: 'on' });
  });

  it('reads each variable into its typed value', () => {
    const config = loadConfig({
      PORT: '0',
      BINFO_CACHE: 'off',
      BINFO_REDIS_URL: 'redis://127.0.0.1:6379/0',
      BINFO_RESPONSE_CACHE_TTL: '2.5',
      BINFO_WORKERS: 'auto',
      LOG_LEVEL: 'warn',
      BINFO_COUNCILS_URL: 'http://127.0.0.1:4004/graphql',
      BINFO_DISRUPTIONS_DB: 'relative/disruptions.sqlite',
    });
    expect(config).toMatchObject({ port: 0, cache: 'off', redisUrl: 'redis://127.0.0.1:6379/0', responseCacheTtlSeconds: 2.5, workers: 'auto', logLevel: 'warn', councilsUrl: 'http://127.0.0.1:4004/graphql' });
    expect(config.disruptionsDb).toBe(`${process.cwd()}/relative/disruptions.sqlite`);
  });

  it.each([
    ['PORT', 'abc', /PORT is "abc": not a whole number\. Use a port number/],
    ['PORT', '70000', /PORT is "70000": above 65535/],
    ['BINFO_CACHE', 'of', /BINFO_CACHE is "of".*Use "on" or "off"/],
    ['BINFO_REDIS_URL', 'http://127.0.0.1:6379', /BINFO_REDIS_URL is "http:\/\/127\.0\.0\.1:6379": not a redis:\/\/ URL/],
    ['BINFO_RESPONSE_CACHE_TTL', '60', /BINFO_RESPONSE_CACHE_TTL is "60": above 10/],
    ['BINFO_RESPONSE_CACHE_TTL', 'five', /BINFO_RESPONSE_CACHE_TTL is "five"/],
    ['BINFO_WORKERS', '0', /BINFO_WORKERS is "0".*Use a whole number from 1 to 256, or "auto"/],
    ['BINFO_WORKERS', 'two', /BINFO_WORKERS is "two"/],
    ['LOG_LEVEL', 'verbose', /LOG_LEVEL is "verbose": not a log level/],
    ['DIRECTORY_URL', 'localhost:4001', /DIRECTORY_URL is "localhost:4001": not an http\(s\) URL/],
    ['BINFO_QUERY_PLAN_CACHE_MIB', '0', /BINFO_QUERY_PLAN_CACHE_MIB is "0": below 1/],
    ['BINFO_METRICS_TOKEN', 'secret', /BINFO_METRICS_TOKEN is "secret": shorter than 16 characters/],
    ['METRICS_PORT', 'nine', /METRICS_PORT is "nine": not a whole number/],
    ['BINFO_CORS_ORIGINS', 'https://www.reading.gov.uk/bins', /BINFO_CORS_ORIGINS is .*"https:\/\/www\.reading\.gov\.uk\/bins" is not an origin/],
    ['BINFO_CORS_ORIGINS', ',', /BINFO_CORS_ORIGINS is ",": no origin given/],
  ])('refuses %s=%s, naming the variable, its value and the format it needs', (name, value, message) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it('lists every bad variable in one error, so one restart fixes them all', () => {
    const env = { PORT: 'x', BINFO_CACHE: 'maybe', LOG_LEVEL: 'loud' };
    expect(() => loadConfig(env)).toThrow(/3 problems:\n {2}- PORT is "x".*\n {2}- BINFO_CACHE is "maybe".*\n {2}- LOG_LEVEL is "loud"/);
  });

  it('warns of BINFO_ variables that are no setting (a typo would otherwise be ignored)', () => {
    expect(unknownBinfoVariables({ BINFO_CAHCE: 'off', BINFO_CACHE: 'off', BINFO_TOKEN: 't', PATH: '/bin' })).toEqual(['BINFO_CAHCE']);
  });
});

describe('the options passed down from it', () => {
  const logger = silentLogger();

  it('turns the entity cache and the response cache off together with BINFO_CACHE=off', () => {
    expect(gatewayOptionsFrom(loadConfig({ BINFO_CACHE: 'off' }), logger)).toMatchObject({ router: { cache: false }, responseCache: false });
    expect(councilsProxyOptionsFrom(loadConfig({ BINFO_CACHE: 'off' }), logger)).toMatchObject({ router: { cache: false } });
    const on = gatewayOptionsFrom(loadConfig({ BINFO_RESPONSE_CACHE_TTL: '3' }), logger);
    expect(on.router).toBeUndefined();
    expect(on.responseCache).toEqual({ ttlSeconds: 3 });
  });

  it('trusts X-Forwarded-For for rate limits only with BINFO_TRUST_PROXY=true', () => {
    expect(gatewayOptionsFrom(loadConfig({ BINFO_TRUST_PROXY: 'true' }), logger)).toMatchObject({ rateLimit: { trustProxy: true } });
    expect(gatewayOptionsFrom(loadConfig({}), logger).rateLimit).toBeUndefined();
    expect(() => loadConfig({ BINFO_TRUST_PROXY: 'yes' })).toThrow(/BINFO_TRUST_PROXY/);
  });

  it('turns introspection off, and production error answers on, with NODE_ENV=production only', () => {
    expect(gatewayOptionsFrom(loadConfig({ NODE_ENV: 'production' }), logger)).toMatchObject({ introspection: false, production: true });
    expect(gatewayOptionsFrom(loadConfig({ NODE_ENV: 'test' }), logger)).toMatchObject({ introspection: true, production: false });
  });

  it('gives the gateway its CORS origins and the operators-only /metrics settings', () => {
    const options = gatewayOptionsFrom(loadConfig({ BINFO_CORS_ORIGINS: 'https://www.reading.gov.uk, http://localhost:3000', BINFO_METRICS_TOKEN: 'a-long-operator-secret', METRICS_PORT: '9464' }), logger);
    expect(options).toMatchObject({ cors: { origins: ['https://www.reading.gov.uk', 'http://localhost:3000'] }, metrics: { bearerToken: 'a-long-operator-secret', port: 9464 } });
    expect(gatewayOptionsFrom(loadConfig({}), logger)).toMatchObject({ cors: { origins: '*' }, metrics: { bearerToken: undefined, port: undefined } });
  });

  it('passes the Redis URL, the councils proxy and the query-plan memory to the gateway', () => {
    const options = gatewayOptionsFrom(loadConfig({ BINFO_REDIS_URL: 'redis://r:6379', BINFO_COUNCILS_URL: 'http://p:4004/graphql', BINFO_QUERY_PLAN_CACHE_MIB: '32' }), logger);
    expect(options).toMatchObject({ redisUrl: 'redis://r:6379', councilsUrl: 'http://p:4004/graphql', queryPlanCacheMiB: 32, logger });
  });

  it('counts BINFO_WORKERS=auto (or max) as one process per core', () => {
    expect(workerCountFrom(loadConfig({ BINFO_WORKERS: 'auto' }))).toBe(availableParallelism());
    expect(workerCountFrom(loadConfig({ BINFO_WORKERS: 'max' }))).toBe(availableParallelism());
    expect(workerCountFrom(loadConfig({ BINFO_WORKERS: '3' }))).toBe(3);
    expect(workerCountFrom(loadConfig({}))).toBe(1);
  });
});
