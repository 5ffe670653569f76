import { startServer, launch, newPage, open } from './tests/browser.mjs';
const server = await startServer(); const browser = await launch();
const page = await newPage(browser, { width: 1280, height: 800 });
await open(page, server.url, '#v=1&lesson=02-lost-update&sched=TIMER0@2&step=6');
await page.waitForSelector('svg.timeline');
console.log(await page.evaluate(() => Object.fromEntries(['.lesson-head', '.narrative', '.code', 'textarea.source', '.controls', '.readout-box', '.timeline-box', '.core-state', '.tabs'].map((s) => { const r = document.querySelector(s).getBoundingClientRect(); return [s, [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)]]; }))));
await page.screenshot({ path: '/tmp/layout-1280.png' });
await browser.close(); await server.close();
