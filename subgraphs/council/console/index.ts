// The council console's pages: a council's disruptions and drafts, posting in three steps with a preview,
// changing and withdrawing hour by hour, and the audit trail. Server-rendered GOV.UK Frontend forms; no
// JavaScript. Sign-in is auth/'s (ConsoleAuth): every page needs a session, every POST its CSRF token.
//
// Isolation: everything is looked up by (the person's council, id), so another council's draft or
// disruption answers 404 exactly like a missing one. Roles: an editor drafts; only a publisher publishes,
// changes or withdraws (403 with a sentence, nothing written). Every write goes through DisruptionStore,
// which writes the audit line (and the webhook event) in the same transaction.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { todayInLondon } from '../../../domain/dates.js';
import { isActiveOn, parsePostcodeArea, type Disruption } from '../../../domain/disruptions/apply.js';
import type { IsoDate, ServiceType } from '../../../domain/types.js';
import { readForm } from '../../../lib/web/forms.js';
import { SafeHtml } from '../../../lib/web/html.js';
import { redirect, sendHtml, sendText } from '../../../lib/web/http.js';
import type { CouncilDataSource } from '../data-source.js';
import {
  disruptionFromInput,
  DisruptionNotFoundError,
  DisruptionValidationError,
  DisruptionWithdrawnError,
  DraftNotFoundError,
  type DisruptionActor,
  type DisruptionDraft,
  type DisruptionStore,
  type DraftInput,
} from '../disruptions/disruption-store.js';
import { scheduleStore, withScheduleMemo } from '../schedule-memo.js';
import type { ConsoleAuth, ConsolePerson, ConsoleSession } from './console-person.js';
import {
  completeInput,
  dateParts,
  effectOf,
  endDateOf,
  firstIncompleteStep,
  readWhat,
  readWhen,
  readWhere,
  STEPS,
  TEMPLATE_NAMES,
  templateInput,
  whatValues,
  whenValues,
  whereValues,
  type CouncilFacts,
  type FieldError,
  type StepName,
  type TemplateName,
} from './draft-form.js';
import { disruptionImpact, PREVIEW_DAYS } from './impact.js';
import { renderConsolePage, type PageContext } from './pages.js';
import { auditLine, effectWords, longDate, serviceTypeWords } from './wording.js';

/** An open-ended disruption nobody has confirmed for this long gets a reminder on the dashboard. */
export const DEFAULT_REVIEW_AFTER_HOURS = 4;
export const CONSOLE_SIGN_IN_PATH = '/console/sign-in';

export interface ConsoleRoutesOptions {
  store: DisruptionStore;
  /** The councils this host serves; a person of another council sees nothing. */
  sources: Iterable<CouncilDataSource>;
  auth: ConsoleAuth;
  /** The council's name for headings and messages; its GSS code when absent. */
  councilName?: (councilCode: string) => string | undefined;
  /** Injected so "today" and the review reminder are tested without waiting. */
  now?: () => Date;
  reviewAfterHours?: number;
  log?: (entry: Record<string, unknown>) => void;
}

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

const NO_STORE = { 'cache-control': 'no-store' };
const ID = '([0-9a-fA-F-]{1,64})';
const DRAFT_STEP = new RegExp(`^/console/drafts/${ID}/(what|where|when|preview|publish|discard)$`);
const DISRUPTION = new RegExp(`^/console/disruptions/${ID}$`);
const DISRUPTION_ACTION = new RegExp(`^/console/disruptions/${ID}/(end-date|effect|withdraw|review)$`);
const TEMPLATE = /^\/console\/templates\/([a-z-]{1,40})$/;

export const PUBLISHER_ONLY = 'Only a publisher can publish, change or withdraw a disruption. Nothing has been changed: ask a publisher at your council to do it.';

class PageError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

const notFound = () => new PageError(404, 'Page not found', 'There is no such draft or disruption for your council. It may have been published, discarded or never existed.');

export function consoleRoutes(options: ConsoleRoutesOptions): Handler {
  const { store, auth } = options;
  const now = options.now ?? (() => new Date());
  const reviewAfterMs = (options.reviewAfterHours ?? DEFAULT_REVIEW_AFTER_HOURS) * 3_600_000;
  // The console's own schedule memo: previews count the same rounds again and again as a draft is edited.
  const memo = scheduleStore(5_000);
  const sources = new Map([...options.sources].map((s) => [s.councilCode, withScheduleMemo(s, memo)]));
  const councilName = (code: string) => options.councilName?.(code) ?? code;

  function sourceOf(person: ConsolePerson): CouncilDataSource {
    const source = sources.get(person.councilCode);
    if (!source) throw new PageError(404, 'Your council is not served here', `This host does not serve ${councilName(person.councilCode)}.`);
    return source;
  }

  function page(req: IncomingMessage, res: ServerResponse, status: number, template: string, session: ConsoleSession, pageTitle: string, view: Record<string, unknown>, hasErrors = false): void {
    const context: PageContext = { pageTitle, hasErrors, person: session.person, councilName: councilName(session.person.councilCode), csrfToken: session.csrfToken };
    sendHtml(req, res, status, new SafeHtml(renderConsolePage(template, context, view)), NO_STORE);
  }

  async function councilFacts(person: ConsolePerson): Promise<CouncilFacts & { services: { type: ServiceType; names: string[] }[] }> {
    const source = sourceOf(person);
    const name = councilName(person.councilCode);
    const byType = new Map<ServiceType, string[]>();
    for (const service of await source.services()) byType.set(service.type, [...(byType.get(service.type) ?? []), service.name]);
    return {
      councilName: name,
      roundIds: (await source.roundIds?.()) ?? null,
      serviceTypes: [...byType.keys()],
      services: [...byType].map(([type, names]) => ({ type, names })),
      postcodeProblems: async (entries) => {
        const problems = new Map<string, string>();
        for (const entry of entries) {
          const area = parsePostcodeArea(entry);
          if (!area) continue;
          if (area.inwardPrefix.length === 3) {
            if ((await source.propertiesInPostcode(`${area.outward} ${area.inwardPrefix}`)).length === 0) problems.set(entry, `“${entry}” is not a postcode in ${name}`);
          } else if ((await source.councilPostcodes?.([entry]))?.length === 0) {
            problems.set(entry, `“${entry}” has no postcodes in ${name}`);
          }
        }
        return problems;
      },
    };
  }

  const actorOf = (person: ConsolePerson): DisruptionActor & { kind: 'person' } => ({ kind: 'person', accountId: person.accountId, name: person.name });
  const today = (): IsoDate => todayInLondon(now());
  const requirePublisher = (person: ConsolePerson) => {
    if (!person.roles.has('publisher')) throw new PageError(403, 'You cannot do this', PUBLISHER_ONLY);
  };
  const draftOf = (person: ConsolePerson, id: string): DisruptionDraft => store.draft(person.councilCode, id) ?? (() => { throw notFound(); })();
  const disruptionOf = (person: ConsolePerson, id: string): Disruption => store.get(person.councilCode, id) ?? (() => { throw notFound(); })();

  // ---- Pages ----------------------------------------------------------------------------------------

  function dashboard(req: IncomingMessage, res: ServerResponse, session: ConsoleSession, url: URL): void {
    const code = session.person.councilCode;
    const day = today();
    const all = store.list(code);
    const confirmed = store.lastConfirmed(code);
    const at = now().getTime();
    const reminders = all
      .filter((d) => d.endsOn === null && isActiveOn(d, day))
      .map((d) => ({ disruption: d, confirmedAt: confirmed.get(d.id) ?? d.updatedAt }))
      .filter((r) => at - Date.parse(r.confirmedAt) >= reviewAfterMs)
      .map((r) => ({ ...r, hours: Math.floor((at - Date.parse(r.confirmedAt)) / 3_600_000) }));
    page(req, res, 200, 'console-dashboard.njk', session, 'Disruptions', {
      notice: url.searchParams.has('discarded') ? 'The draft was discarded.' : url.searchParams.has('reviewed') ? 'Thank you: it is marked as still correct.' : null,
      reminders,
      reviewAfterHours: reviewAfterMs / 3_600_000,
      active: all.filter((d) => isActiveOn(d, day)),
      upcoming: all.filter((d) => d.withdrawnAt === null && d.startsOn > day),
      past: all.filter((d) => d.withdrawnAt === null && d.endsOn !== null && d.endsOn < day),
      withdrawn: all.filter((d) => d.withdrawnAt !== null),
      drafts: store.drafts(code),
      templates: TEMPLATE_NAMES,
    });
  }

  async function stepPage(
    req: IncomingMessage,
    res: ServerResponse,
    session: ConsoleSession,
    step: StepName,
    draft: DisruptionDraft | null,
    returnToPreview: boolean,
    submitted?: { values: unknown; errors: FieldError[] },
  ): Promise<void> {
    const input: DraftInput = draft?.input ?? {};
    const values = submitted?.values ?? (step === 'what' ? whatValues(input) : step === 'where' ? whereValues(input) : whenValues(input));
    const facts = step === 'what' ? null : await councilFacts(session.person);
    const errors = submitted?.errors ?? [];
    const titles = { what: 'What happened', where: 'Where collections are affected', when: 'When, and what happens to collections' };
    page(req, res, errors.length > 0 ? 400 : 200, `console-step-${step}.njk`, session, titles[step], {
      action: draft ? `/console/drafts/${draft.id}/${step}` : '/console/disruptions/new',
      back: draft && step !== STEPS[0] ? `/console/drafts/${draft.id}/${STEPS[STEPS.indexOf(step) - 1]}` : '/console/',
      stepNumber: STEPS.indexOf(step) + 1,
      values,
      errors: errors.map((e) => ({ text: e.text, href: `#${hrefOf(e.field)}` })),
      fieldErrors: fieldMessages(errors),
      returnToPreview,
      roundItems: facts?.roundIds?.map((id) => ({ value: id, text: id })) ?? null,
      serviceItems: facts?.services.map((s) => ({ value: s.type, text: s.names.join(', '), hint: { text: serviceTypeWords(s.type) } })) ?? [],
    }, errors.length > 0);
  }

  async function previewPage(req: IncomingMessage, res: ServerResponse, session: ConsoleSession, draft: DisruptionDraft, problems: string[] = []): Promise<void> {
    const input = completeInput(draft.input);
    if (!input) return redirect(req, res, `/console/drafts/${draft.id}/${firstIncompleteStep(draft.input)}`);
    const candidate = disruptionFromInput(draft.councilCode, `draft:${draft.id}`, input, now().toISOString());
    let impact;
    try {
      impact = await disruptionImpact({ source: sourceOf(session.person), candidate, inForce: store.forCouncil(draft.councilCode) });
    } catch (error) {
      options.log?.({ level: 'warn', msg: 'console preview could not be counted', council: draft.councilCode, error: String(error) });
      impact = { kind: 'not-counted' as const, reason: "The council's data could not be read just now, so the addresses affected cannot be counted. Try the preview again in a minute." };
    }
    page(req, res, problems.length > 0 ? 400 : 200, 'console-preview.njk', session, 'Check before publishing', {
      draft,
      disruption: candidate,
      impact,
      previewDays: PREVIEW_DAYS,
      canPublish: session.person.roles.has('publisher'),
      problems,
    }, problems.length > 0);
  }

  function disruptionPage(req: IncomingMessage, res: ServerResponse, session: ConsoleSession, d: Disruption, extra: { notice?: string | null; errors?: FieldError[]; values?: Record<string, unknown> } = {}): void {
    const errors = extra.errors ?? [];
    const confirmed = store.lastConfirmed(d.councilCode).get(d.id) ?? null;
    page(req, res, errors.length > 0 ? 400 : 200, 'console-disruption.njk', session, d.title, {
      d,
      inForce: isActiveOn(d, today()),
      confirmedAt: confirmed,
      canChange: session.person.roles.has('publisher') && d.withdrawnAt === null,
      notice: extra.notice ?? null,
      errors: errors.map((e) => ({ text: e.text, href: `#${hrefOf(e.field)}` })),
      fieldErrors: fieldMessages(errors),
      values: { ends: extra.values?.ends ?? whenValues(d).ends, until: extra.values?.until ?? (d.endsOn === null ? 'open' : 'date'), effect: extra.values?.effect ?? d.effect.kind, delayDays: extra.values?.delayDays ?? (d.effect.kind === 'delayed' ? String(d.effect.days) : '') },
      history: store.auditTrailOf(d.councilCode, d.id).map(auditLine),
    }, errors.length > 0);
  }

  // ---- Actions ----------------------------------------------------------------------------------------

  async function postStep(req: IncomingMessage, res: ServerResponse, session: ConsoleSession, step: StepName, draft: DisruptionDraft | null, fields: URLSearchParams): Promise<void> {
    const person = session.person;
    const outcome = step === 'what' ? readWhat(fields) : step === 'where' ? await readWhere(fields, await councilFacts(person)) : readWhen(fields, await councilFacts(person));
    if (!outcome.ok) return stepPage(req, res, session, step, draft, fields.get('return') === 'preview', { values: outcome.values, errors: outcome.errors });
    let saved: DisruptionDraft;
    if (draft) saved = store.saveDraft(person.councilCode, draft.id, { ...draft.input, ...outcome.patch });
    else saved = store.createDraft(person.councilCode, outcome.patch, actorOf(person));
    // On to the next step not yet filled in (a change from the preview goes straight back to it).
    const next = firstIncompleteStep(saved.input);
    const following = STEPS[STEPS.indexOf(step) + 1] ?? 'preview';
    redirect(req, res, `/console/drafts/${saved.id}/${next === null && fields.get('return') === 'preview' ? 'preview' : next ?? following}`);
  }

  function publish(req: IncomingMessage, res: ServerResponse, session: ConsoleSession, draft: DisruptionDraft): Promise<void> | void {
    const person = session.person;
    requirePublisher(person);
    const input = completeInput(draft.input);
    if (!input) return redirect(req, res, `/console/drafts/${draft.id}/${firstIncompleteStep(draft.input)}`);
    try {
      const published = store.create(person.councilCode, input, actorOf(person), { fromDraft: draft.id });
      options.log?.({ level: 'info', msg: 'disruption published from the console', council: person.councilCode, id: published.id, accountId: person.accountId });
      redirect(req, res, `/console/disruptions/${published.id}?published`);
    } catch (error) {
      if (error instanceof DisruptionValidationError) return previewPage(req, res, session, draft, error.problems);
      throw error;
    }
  }

  async function changeDisruption(req: IncomingMessage, res: ServerResponse, session: ConsoleSession, d: Disruption, action: 'end-date' | 'effect' | 'withdraw', fields: URLSearchParams): Promise<void> {
    const person = session.person;
    requirePublisher(person);
    if (d.withdrawnAt !== null) throw new PageError(409, 'Already withdrawn', 'This disruption has been withdrawn and can no longer be changed. Post a new one if collections are disrupted again.');
    const confirmed = fields.get('confirm') === 'yes';
    let change: { patch: Partial<Disruption> | null; what: string; hidden: Record<string, string> };
    if (action === 'withdraw') {
      change = { patch: null, what: 'Withdraw it: collections go back to their usual days, and residents stop seeing the notice.', hidden: {} };
    } else if (action === 'end-date') {
      const until = fields.get('until') ?? '';
      const ends = dateParts(fields, 'ends');
      let endsOn: IsoDate | null = null;
      if (until === 'date') {
        const read = endDateOf(ends, d.startsOn);
        if ('error' in read) return disruptionPage(req, res, session, d, { errors: [read.error], values: { ends, until } });
        endsOn = read.endsOn;
      } else if (until !== 'open') {
        return disruptionPage(req, res, session, d, { errors: [{ field: 'until', text: 'Choose a new last day or “Until further notice”' }], values: { ends, until } });
      }
      change = {
        patch: { endsOn },
        what:
          endsOn === null
            ? 'Make it last until further notice.'
            : `${d.endsOn !== null && endsOn < d.endsOn ? 'Shorten it to end' : 'Extend it to end'} on ${longDate(endsOn)} (it ${d.endsOn === null ? 'had no end date' : `ended on ${longDate(d.endsOn)}`}).`,
        hidden: { until, 'ends-day': ends.day, 'ends-month': ends.month, 'ends-year': ends.year },
      };
    } else {
      const kind = fields.get('effect') ?? '';
      const delayDays = fields.get('delay-days') ?? '';
      const read = effectOf(kind, delayDays);
      if ('error' in read) return disruptionPage(req, res, session, d, { errors: [read.error], values: { effect: kind, delayDays } });
      change = { patch: { effect: read.effect }, what: `Change what happens to collections to: ${effectWords(read.effect)} (it was: ${effectWords(d.effect)}).`, hidden: { effect: kind, 'delay-days': delayDays } };
    }
    if (change.patch && Object.entries(change.patch).every(([key, value]) => JSON.stringify(d[key as keyof Disruption]) === JSON.stringify(value))) {
      // Nothing would change: say so, rather than publish a "change" that changes nothing.
      const field = action === 'effect' ? 'effect' : 'until';
      return disruptionPage(req, res, session, d, { errors: [{ field, text: 'That is what it already says: choose something different to change it' }], values: Object.fromEntries(Object.entries(change.hidden).map(([k, v]) => [k === 'delay-days' ? 'delayDays' : k, v])) });
    }
    if (!confirmed) {
      // One step, with a confirmation: the same form again with confirm=yes, nothing written yet.
      page(req, res, 200, 'console-confirm.njk', session, action === 'withdraw' ? 'Withdraw this disruption?' : 'Confirm the change', {
        d,
        action: `/console/disruptions/${d.id}/${action}`,
        what: change.what,
        hidden: Object.entries(change.hidden).map(([name, value]) => ({ name, value })),
        isWithdraw: action === 'withdraw',
      });
      return;
    }
    try {
      if (action === 'withdraw') store.withdraw(person.councilCode, d.id, actorOf(person));
      else store.update(person.councilCode, d.id, change.patch as DraftInput, actorOf(person));
    } catch (error) {
      if (error instanceof DisruptionValidationError) return disruptionPage(req, res, session, d, { errors: error.problems.map((text) => ({ field: action === 'effect' ? 'effect' : 'until', text })) });
      throw error;
    }
    redirect(req, res, `/console/disruptions/${d.id}?${action === 'withdraw' ? 'withdrawn' : 'changed'}`);
  }

  // ---- Routing -------------------------------------------------------------------------------------------

  async function route(req: IncomingMessage, res: ServerResponse, url: URL, session: ConsoleSession): Promise<void> {
    const person = session.person;
    const path = url.pathname;
    const isGet = req.method === 'GET' || req.method === 'HEAD';
    if (!isGet && req.method !== 'POST') return sendText(req, res, 405, 'Use GET or POST here.\n', { allow: 'GET, HEAD, POST', ...NO_STORE });

    let fields: URLSearchParams | null = null;
    if (!isGet) {
      const form = await readForm(req);
      if ('problem' in form) return sendText(req, res, form.problem.status, `${form.problem.message}\n`, NO_STORE);
      // Before anything else: a forged or stale form changes nothing, whoever sent it.
      if (!auth.csrfMatches(session, form.fields.get('csrf'))) {
        options.log?.({ level: 'warn', msg: 'console form refused: CSRF token missing or not this session\'s', accountId: person.accountId, path });
        throw new PageError(403, 'This form could not be accepted', 'Nothing has been saved. The form was not sent from a page of this console in your current session: it may have been open from before you last signed in, or another website may have tried to send it for you. Go back to the console and try again.');
      }
      fields = form.fields;
    }

    if (path === '/console' || path === '/console/') {
      if (!isGet) throw new PageError(405, 'Not here', 'Use the buttons on the console’s pages.');
      return dashboard(req, res, session, url);
    }
    if (path === '/console/audit') {
      if (!isGet) throw new PageError(405, 'Not here', 'The audit trail cannot be changed.');
      return page(req, res, 200, 'console-audit.njk', session, 'Audit trail', { entries: store.auditTrail(person.councilCode, 500).map(auditLine) });
    }
    if (path === '/console/disruptions/new') {
      return isGet ? stepPage(req, res, session, 'what', null, false) : postStep(req, res, session, 'what', null, fields!);
    }
    const template = TEMPLATE.exec(path);
    if (template) {
      if (isGet || !(TEMPLATE_NAMES as readonly string[]).includes(template[1])) throw notFound();
      const draft = store.createDraft(person.councilCode, templateInput(template[1] as TemplateName, today()), actorOf(person));
      return redirect(req, res, `/console/drafts/${draft.id}/preview`);
    }
    const draftStep = DRAFT_STEP.exec(path);
    if (draftStep) {
      const draft = draftOf(person, draftStep[1]);
      const step = draftStep[2];
      if (step === 'preview') return isGet ? previewPage(req, res, session, draft) : sendText(req, res, 405, 'Use GET here.\n', { allow: 'GET, HEAD', ...NO_STORE });
      if (step === 'publish' || step === 'discard') {
        if (isGet) return redirect(req, res, `/console/drafts/${draft.id}/preview`);
        if (step === 'publish') return publish(req, res, session, draft);
        store.discardDraft(person.councilCode, draft.id, actorOf(person));
        return redirect(req, res, '/console/?discarded');
      }
      return isGet ? stepPage(req, res, session, step as StepName, draft, url.searchParams.get('return') === 'preview') : postStep(req, res, session, step as StepName, draft, fields!);
    }
    const one = DISRUPTION.exec(path);
    if (one) {
      if (!isGet) throw new PageError(405, 'Not here', 'Use the buttons on the disruption’s page.');
      const d = disruptionOf(person, one[1]);
      const notice = url.searchParams.has('published') ? 'Published. Residents see it now, and apps are told.' : url.searchParams.has('changed') ? 'Changed. Residents see the change now.' : url.searchParams.has('withdrawn') ? 'Withdrawn. Collections are back to their usual days.' : null;
      return disruptionPage(req, res, session, d, { notice });
    }
    const action = DISRUPTION_ACTION.exec(path);
    if (action) {
      if (isGet) return redirect(req, res, `/console/disruptions/${action[1]}`);
      const d = disruptionOf(person, action[1]);
      if (action[2] === 'review') {
        store.markReviewed(person.councilCode, d.id, actorOf(person), now());
        return redirect(req, res, '/console/?reviewed');
      }
      return changeDisruption(req, res, session, d, action[2] as 'end-date' | 'effect' | 'withdraw', fields!);
    }
    throw notFound();
  }

  return async (req, res, url) => {
    if (url.pathname !== '/console' && !url.pathname.startsWith('/console/')) return false;
    const session = auth.sessionOf(req);
    if (!session) {
      req.resume();
      // A form sent after the session expired is not kept: the person signs in and starts that step again.
      redirect(req, res, `${CONSOLE_SIGN_IN_PATH}?next=${encodeURIComponent(req.method === 'GET' ? url.pathname + url.search : '/console/')}`);
      return true;
    }
    try {
      await route(req, res, url, session);
    } catch (error) {
      const known =
        error instanceof PageError
          ? error
          : error instanceof DraftNotFoundError || error instanceof DisruptionNotFoundError
            ? notFound()
            : error instanceof DisruptionWithdrawnError
              ? new PageError(409, 'Already withdrawn', 'This disruption has been withdrawn and can no longer be changed.')
              : null;
      if (!known) {
        options.log?.({ level: 'error', msg: 'console page failed', path: url.pathname, error: String(error) });
      }
      const shown = known ?? new PageError(500, 'Sorry, something went wrong', 'The page could not be shown. Nothing you did caused this. Try again in a minute; what was saved before is still there.');
      // Every page that refuses a method here is read-only (the dashboard, the audit trail, a disruption's page).
      if (shown.status === 405 && !res.headersSent) res.setHeader('allow', 'GET, HEAD');
      if (!res.headersSent) page(req, res, shown.status, 'console-problem.njk', session, shown.title, { message: shown.message });
    }
    return true;
  };
}

/** Where an error summary link takes the person: the field's first input. */
function hrefOf(field: string): string {
  return field === 'starts' || field === 'ends' ? `${field}-day` : field;
}

function fieldMessages(errors: readonly FieldError[]): Record<string, string> {
  const messages: Record<string, string[]> = {};
  for (const e of errors) (messages[e.field] ??= []).push(e.text);
  return Object.fromEntries(Object.entries(messages).map(([field, texts]) => [field, texts.join('. ')]));
}
