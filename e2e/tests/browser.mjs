// Shared set-up for the end-to-end tests and the budgets: a static server for
// the release build (started and stopped by the test itself, on 127.0.0.1,
// under a base path to prove the build works from any base), and Debian's
// Chromium driven by playwright-core.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const DIST = process.env.IRQLAB_DIST ?? join(here, '../../web/dist');
export const SCREENSHOTS = join(here, '../screenshots');
export const BASE = '/irqlab/';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Serves DIST under BASE on an ephemeral port of 127.0.0.1. */
export async function startServer() {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error(`no release build in ${DIST}: run \`cargo xtask test\` (it builds web/ with trunk first)`);
  }
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!path.startsWith(BASE)) {
      res.writeHead(404).end('not found');
      return;
    }
    let file = normalize(path.slice(BASE.length)).replace(/^(\.\.[/\\])+/, '');
    if (file === '' || file === '.') file = 'index.html';
    try {
      const body = await readFile(join(DIST, file));
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  // Closing also drops kept-alive connections: a test can cut the network.
  const close = () => new Promise((r) => {
    server.close(r);
    server.closeAllConnections();
  });
  return { url: `http://127.0.0.1:${port}${BASE}`, close };
}

/** Debian's Chromium with the flags TOOLCHAIN.md lists for this network. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
    ],
  });
}

/**
 * A fresh page (own storage) that records console errors, page errors and
 * CSP violations, so a test can assert there were none.
 */
export async function newPage(browser, { width = 1440, height = 1000, colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') page.problems.push(`console: ${m.text()}`);
  });
  return page;
}

/** Opens a fragment of the app and waits until the app has rendered. */
export async function open(page, url, fragment = '') {
  await page.goto(url + fragment);
  await page.waitForSelector('main h1', { timeout: 30000 });
}

export async function screenshot(page, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export const readout = (page) => page.locator('[data-testid=readout]').innerText();
