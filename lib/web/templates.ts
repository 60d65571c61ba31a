// Server-rendered pages (the resident page at the gateway, the council console at the council host) are
// Nunjucks templates that call GOV.UK Frontend's own macros (govukButton, govukErrorSummary, ...), found
// in the templates `govuk-frontend` ships. The markup is then exactly GOV.UK's and upgrades with the package.
//
// Autoescaping is on: everything a page shows comes from people (postcodes, what a council officer types)
// or from councils, so nothing may reach the page unescaped unless a template says `| safe` on purpose.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import nunjucks from 'nunjucks';

const require = createRequire(import.meta.url);

/** `node_modules/govuk-frontend/dist`: imports read `{% from "govuk/components/button/macro.njk" import govukButton %}`. */
export const GOVUK_FRONTEND_TEMPLATES = dirname(dirname(require.resolve('govuk-frontend/dist/govuk/template.njk')));

export interface TemplateEnvironmentOptions {
  /** The caller's own template folders, searched before GOV.UK Frontend's. */
  templateDirs: readonly string[];
  /** Re-read templates when they change (development only); cached once read otherwise. */
  watch?: boolean;
}

/** A Nunjucks environment over the caller's templates and GOV.UK Frontend's, with autoescaping on. */
export function createTemplateEnvironment(options: TemplateEnvironmentOptions): nunjucks.Environment {
  const loader = new nunjucks.FileSystemLoader([...options.templateDirs, GOVUK_FRONTEND_TEMPLATES], { noCache: options.watch ?? false });
  return new nunjucks.Environment(loader, {
    autoescape: true,
    // GOV.UK's macros test optional parameters for being undefined, so undefined must render as nothing.
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
  });
}

/** Renders a template to a string (Nunjucks' sync API: the templates do no I/O beyond the first read). */
export function renderTemplate(environment: nunjucks.Environment, name: string, context: Record<string, unknown>): string {
  return environment.render(name, context);
}

