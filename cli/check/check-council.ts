// `binfo check`: is a council's subgraph conformant with the standard? Schema first, then behaviour.
import { readFileSync } from 'node:fs';
import { projectPath } from '../../lib/project-path.js';
import { probeBehaviour, type OtherCouncil, type Post } from './behaviour-probes.js';
import type { Finding } from './finding.js';
import { compareWithStandard } from './sdl-conformance.js';

export interface CheckResult {
  url: string;
  councilCode: string;
  ok: boolean;
  findings: Finding[];
}

export async function checkCouncil(post: Post, options: { url: string; councilCode: string; postcode?: string; today?: string; otherCouncils?: OtherCouncil[] }): Promise<CheckResult> {
  const findings: Finding[] = [];
  try {
    const service = await post('{ _service { sdl } }');
    const sdl = service.data?._service?.sdl;
    if (typeof sdl !== 'string') {
      findings.push({ check: 'schema', level: 'fail', message: `_service { sdl } did not answer: is this a federation subgraph? ${JSON.stringify(service.errors ?? service).slice(0, 160)}` });
    } else {
      findings.push(...compareWithStandard(readFileSync(projectPath('schema', 'council.graphql'), 'utf8'), sdl));
    }
    findings.push(...(await probeBehaviour(post, options)));
  } catch (error) {
    findings.push({ check: 'connection', level: 'fail', message: `${options.url} could not be checked: ${(error as Error).message}` });
  }
  return { url: options.url, councilCode: options.councilCode, ok: !findings.some((f) => f.level === 'fail'), findings };
}

const SYMBOL = { pass: '✓', warn: '!', fail: '✗' } as const;

export function formatCheckReport(result: CheckResult): string {
  const lines = [`Binfo conformance check of council ${result.councilCode} at ${result.url}`, ''];
  for (const finding of result.findings) lines.push(`  ${SYMBOL[finding.level]} [${finding.check}] ${finding.message}`);
  const failures = result.findings.filter((f) => f.level === 'fail').length;
  const warnings = result.findings.filter((f) => f.level === 'warn').length;
  lines.push('', result.ok ? `PASS (${warnings} warning${warnings === 1 ? '' : 's'})` : `FAIL: ${failures} problem${failures === 1 ? '' : 's'}`);
  return lines.join('\n');
}
