// Rendering the console's pages: one Nunjucks environment over the console's templates, Binfo's layout
// and GOV.UK Frontend's macros, with the console's wording as filters so templates say things one way.
import { projectPath } from '../../../lib/project-path.js';
import { assetUrl } from '../../../lib/web/assets.js';
import { createTemplateEnvironment, renderTemplate } from '../../../lib/web/templates.js';
import type { ConsolePerson } from './console-person.js';
import { DETAIL_MAX, TEMPLATE_LABELS, TITLE_MAX } from './draft-form.js';
import { areaWords, count, dateTime, effectWords, longDate, periodWords, plural, POSTABLE_REASONS, REASON_WORDS } from './wording.js';

/** From the project root, so the bundled dist/start.js finds them too. */
const CONSOLE_TEMPLATES = projectPath('subgraphs', 'council', 'console', 'templates');

const environment = createTemplateEnvironment({ templateDirs: [CONSOLE_TEMPLATES, projectPath('lib', 'web', 'templates')] });
environment.addFilter('longDate', (date: string | null) => (date ? longDate(date) : ''));
environment.addFilter('dateTime', (iso: string | null) => (iso ? dateTime(iso) : ''));
environment.addFilter('effectWords', effectWords);
environment.addFilter('areaWords', areaWords);
environment.addFilter('periodWords', periodWords);
environment.addFilter('reasonWords', (reason: keyof typeof REASON_WORDS) => REASON_WORDS[reason] ?? reason);
environment.addFilter('count', count);
environment.addFilter('plural', plural);
environment.addFilter('json', (value: unknown) => JSON.stringify(value));
environment.addGlobal('reasons', POSTABLE_REASONS.map((value) => ({ value, text: REASON_WORDS[value] })));
environment.addGlobal('templateLabels', TEMPLATE_LABELS);
environment.addGlobal('limits', { title: TITLE_MAX, detail: DETAIL_MAX });

export interface PageContext {
  pageTitle: string;
  hasErrors: boolean;
  person: ConsolePerson;
  councilName: string;
  csrfToken: string;
}

export function renderConsolePage(template: string, context: PageContext, view: Record<string, unknown>): string {
  return renderTemplate(environment, template, {
    htmlLang: 'en',
    pageTitle: context.pageTitle,
    hasErrors: context.hasErrors,
    errorPrefix: 'Error: ',
    serviceName: 'Binfo council console',
    serviceUrl: '/console/',
    assets: { css: assetUrl('govuk-frontend.min.css'), binfoCss: assetUrl('binfo.css'), icon: assetUrl('binfo-icon.svg') },
    footerHeading: 'About this console',
    footerLines: ['Disruptions posted here reach residents through Binfo: its calendar feeds, its pages and the apps that use it.'],
    person: { name: context.person.name, email: context.person.email, isPublisher: context.person.roles.has('publisher'), isEditor: context.person.roles.has('editor') },
    councilName: context.councilName,
    nav: template === 'console-audit.njk' ? 'audit' : 'disruptions',
    csrfToken: context.csrfToken,
    view,
  });
}
