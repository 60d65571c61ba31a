// Static assets under /assets/: GOV.UK Frontend's compiled stylesheet from node_modules, Binfo's own few
// styles and icon. Everything is served from this origin: the pages never load anything from the internet.
//
// GOV.UK Frontend's code is MIT-licensed, but its typeface (GDS Transport) is "customised for exclusive use
// on gov.uk" and this is not a government service; the crown images are GOV.UK's brand. So the stylesheet
// is served without its @font-face rules (text falls back to the Arial in the same font stack) and no font
// or crown file is served.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { projectPath } from '../project-path.js';
import { etagOf, sendCacheable, sendText } from './http.js';

export const ASSET_PREFIX = '/assets/';

interface Asset {
  contentType: string;
  load(): string;
}

const require = createRequire(import.meta.url);

/** GOV.UK Frontend's compiled CSS without the GDS Transport font faces, their licence note or a source map link. */
export function govukStylesheet(): string {
  const css = readFileSync(require.resolve('govuk-frontend/dist/govuk/govuk-frontend.min.css'), 'utf8');
  return css
    .replace(/\/\*![^*]*Margaret Calvert[^*]*\*\//g, '')
    .replace(/@font-face\{[^}]*GDS Transport[^}]*\}/g, '')
    .replace(/\/\*# sourceMappingURL=[^*]*\*\//g, '');
}

// Binfo's files live in the source tree, found from the project root so the bundled dist/ finds them too.
const ownFile = (name: string) => () => readFileSync(projectPath('lib', 'web', 'assets', name), 'utf8');

const ASSETS: Record<string, Asset> = {
  'govuk-frontend.min.css': { contentType: 'text/css; charset=utf-8', load: govukStylesheet },
  'binfo.css': { contentType: 'text/css; charset=utf-8', load: ownFile('binfo.css') },
  'binfo-icon.svg': { contentType: 'image/svg+xml', load: ownFile('binfo-icon.svg') },
};

// Read on first use, not at start-up: the gateway starts fast and pays for the page only when it is used.
const loaded = new Map<string, { body: string; version: string }>();

function load(name: string): { body: string; version: string } | null {
  const asset = ASSETS[name];
  if (!asset) return null;
  let entry = loaded.get(name);
  if (!entry) {
    const body = asset.load();
    entry = { body, version: etagOf(body).slice(1, 11) };
    loaded.set(name, entry);
  }
  return entry;
}

/** The URL of an asset, with a content version so it can be cached for a long time and still change. */
export function assetUrl(name: string): string {
  const entry = load(name);
  return `${ASSET_PREFIX}${name}${entry ? `?v=${entry.version}` : ''}`;
}

export function handleAsset(req: IncomingMessage, res: ServerResponse, url: URL): void {
  const name = url.pathname.slice(ASSET_PREFIX.length);
  const entry = Object.hasOwn(ASSETS, name) ? load(name) : null;
  if (!entry) {
    sendText(req, res, 404, 'No such asset.\n');
    return;
  }
  // Versioned URLs (assetUrl) never change content; an unversioned request is revalidated daily.
  const cacheControl = url.searchParams.get('v') === entry.version ? 'public, max-age=31536000, immutable' : 'public, max-age=86400';
  sendCacheable(req, res, entry.body, { 'content-type': ASSETS[name].contentType, 'cache-control': cacheControl });
}
