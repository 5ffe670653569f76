// Makes docs/screenshot.png, the README's picture: the lost-update lesson at
// the step where the timer's store lands between main's load and store.
// Run after a release build (`cargo xtask test` makes one in web/dist):
//   node e2e/screenshot.mjs
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launch, newPage, open } from './tests/browser.mjs';

const out = join(dirname(fileURLToPath(import.meta.url)), '../docs/screenshot.png');
const server = await startServer();
const browser = await launch();
try {
  const page = await newPage(browser, { width: 1440, height: 900 });
  await open(page, server.url, '#v=2&lesson=lost-update&sched=TIMER0@2&step=7');
  await page.waitForSelector('[data-testid=readout]');
  // The story folded, so the code with each context's current line shows.
  await page.evaluate(() => document.querySelectorAll('details[open]').forEach((d) => d.removeAttribute('open')));
  await page.screenshot({ path: out });
  if (page.problems.length > 0) throw new Error(page.problems.join('\n'));
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
