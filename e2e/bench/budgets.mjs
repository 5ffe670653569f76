// The web budgets of the issue, measured on this machine's headless Chromium
// against the release build, written to web/BENCHMARKS-web.md. A benchmark,
// not a test: it reports, and marks each budget met or missed.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST, startServer, launch, newPage, open } from '../tests/browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = join(here, '../..');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];
const kb = (n) => (n / 1024).toFixed(1);

/** A worker's files: the compiler (the Rust front end), fetched only when the learner first
 * edits code, or the explorer, fetched on the first "Try every arrival point". */
async function workerSizes(name = 'irqlab-compiler') {
  const rows = [];
  for (const f of [`${name}_bg.wasm`, `${name}.js`, `${name}_loader.js`]) {
    const body = await readFile(join(DIST, f));
    rows.push({ file: f, raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
  }
  return rows;
}

/** The code and the data of a shipped wasm, each gzipped alone (section 10 and 11). */
function sections(body) {
  const leb = (i) => { let r = 0, s = 0, b; do { b = body[i++]; r += (b & 0x7f) * 2 ** s; s += 7; } while (b & 0x80); return [r, i]; };
  const out = { code: 0, data: 0, codeGz: 0, dataGz: 0 };
  for (let i = 8; i < body.length;) {
    const id = body[i];
    const [n, start] = leb(i + 1);
    const part = body.subarray(start, start + n);
    if (id === 10) Object.assign(out, { code: n, codeGz: gzipSync(part, { level: 9 }).length });
    if (id === 11) Object.assign(out, { data: n, dataGz: gzipSync(part, { level: 9 }).length });
    i = start + n;
  }
  return out;
}

/** Which crates a wasm's code comes from: \`twiggy top\` on cargo's wasm (before wasm-bindgen
 * and wasm-opt, so with names), each function counted for the first irqlab crate in its name,
 * else its first path segment; wasm-bindgen's descriptors and custom sections left out.
 * Shares, as the shipped wasm is optimized further. Null without twiggy. */
function crates(bin) {
  const target = process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target');
  const wasm = join(target, 'wasm32-unknown-unknown/web-release', `${bin}.wasm`);
  let csv;
  try {
    csv = execFileSync('twiggy', ['top', '-n', '1000000', '-f', 'csv', wasm], { maxBuffer: 1 << 28 }).toString();
  } catch {
    return null;
  }
  const by = new Map();
  let total = 0;
  for (const line of csv.split('\n').slice(1)) {
    const m = line.match(/^(.*),(\d+),([\d.]+),/);
    if (!m) continue;
    const name = m[1].replace(/^"|"$/g, '');
    const size = Number(m[2]);
    // wasm-bindgen runs the descriptors (`WasmDescribe::describe`) at build time and drops them.
    if (/^custom section|subsection|__wbindgen_describe|^export "__wbindgen_describe|WasmDescribe(Vector)?>::describe/.test(name)) continue;
    const paths = [...name.matchAll(/([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::/g)].map((x) => x[1]);
    let key = name.startsWith('data segment') ? '(data)' : (paths.find((p) => p.startsWith('irqlab')) ?? paths[0] ?? '(other)');
    if (key === '_' || key === 'impl') key = '(other)';
    by.set(key, (by.get(key) ?? 0) + size);
    total += size;
  }
  const rows = [...by].sort((a, b) => b[1] - a[1]);
  const top = rows.slice(0, 12);
  const rest = rows.slice(12).reduce((s, [, n]) => s + n, 0);
  return [...top, ['(the rest)', rest]].map(([crate, n]) => ({ crate, bytes: n, share: (100 * n) / total }));
}

function breakdown(file, bin) {
  return readFile(join(DIST, file)).then((body) => ({ sections: sections(body), crates: crates(bin) }));
}

const crateTable = (rows) => (rows
  ? `| crate | bytes before wasm-opt | share |\n| --- | ---: | ---: |\n${rows.map((r) => `| ${r.crate} | ${r.bytes} | ${r.share.toFixed(1)} % |`).join('\n')}`
  : '(no `twiggy` on the PATH: `cargo install twiggy --locked` for the breakdown by crate)');

async function sizes() {
  const files = ['irqlab-web_bg.wasm', 'irqlab-web.js', 'boot.js', 'theme.js'];
  const rows = [];
  for (const f of files) {
    const body = await readFile(join(DIST, f));
    rows.push({ file: f, raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
  }
  return rows;
}

/** The lesson data file (fetched at start, not part of the code): its name has a content hash. */
async function dataSize() {
  const file = (await readdir(DIST)).find((f) => /^lessons-[0-9a-f]+\.bin$/.test(f));
  if (!file) throw new Error(`no lesson data file (lessons-HASH.bin) in ${DIST}`);
  const body = await readFile(join(DIST, file));
  return { file, raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
}

async function startTimes(browser, url, runs = 9) {
  const started = [];
  const rendered = [];
  const shown = [];
  for (let i = 0; i < runs; i++) {
    const page = await newPage(browser);
    await page.addInitScript(() => {
      addEventListener('TrunkApplicationStarted', () => { window.startedAt = performance.now(); });
    });
    await open(page, url, '#v=2&lesson=lost-update');
    await page.waitForFunction(() => window.startedAt !== undefined);
    started.push(await page.evaluate(() => window.startedAt));
    rendered.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? 0));
    // `open` returns once the lesson's title is drawn, so the data has arrived: when did it?
    shown.push(await page.evaluate(() => performance.getEntriesByType('resource')
      .filter((e) => /lessons-[0-9a-f]+\.bin$/.test(e.name)).map((e) => e.responseEnd)[0] ?? NaN));
    await page.context().close();
  }
  return { started, rendered, shown };
}

/** A long run: 2,500 TIMER0 arrivals after main, so the timeline has thousands of marks. */
async function stepLatency(browser, url) {
  const page = await newPage(browser);
  await open(page, url, '#v=2&lesson=lost-update');
  const schedule = Array.from({ length: 2500 }, (_, i) => `TIMER0@${40 + i * 14}`).join(',');
  await page.locator('input.schedule').fill(schedule);
  await page.locator('input.schedule').press('Enter');
  await page.waitForFunction(() => /(\d+) marks in the whole run/.test(document.querySelector('#tl-desc')?.textContent ?? '')
    && Number(document.querySelector('#tl-desc').textContent.match(/(\d+) marks/)[1]) > 2000, null, { timeout: 60000 });
  const marks = await page.evaluate(() => Number(document.querySelector('#tl-desc').textContent.match(/(\d+) marks/)[1]));
  const steps = await page.evaluate(() => Number(document.querySelector('input[type=range]').max));
  // Move to the middle of the run, then step with the keyboard.
  await page.evaluate((mid) => {
    const r = document.querySelector('input[type=range]');
    r.value = String(mid);
    r.dispatchEvent(new Event('input', { bubbles: true }));
  }, Math.floor(steps / 2));
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  const times = await page.evaluate(async () => {
    const readout = document.querySelector('[data-testid=readout]');
    const out = [];
    for (let i = 0; i < 80; i++) {
      const changed = new Promise((resolve) => {
        const observer = new MutationObserver(() => { observer.disconnect(); resolve(performance.now()); });
        observer.observe(readout, { childList: true, subtree: true, characterData: true });
      });
      const t0 = performance.now();
      document.body.dispatchEvent(new KeyboardEvent('keydown', { key: i % 4 === 3 ? 'ArrowLeft' : 'ArrowRight', bubbles: true, cancelable: true }));
      out.push((await changed) - t0);
      await new Promise((r) => requestAnimationFrame(() => r()));
    }
    return out;
  });
  await page.context().close();
  return { marks, steps, times };
}

async function explorer(browser, url) {
  const page = await newPage(browser);
  await open(page, url, '');
  const ids = await page.locator('.card a').evaluateAll((as) => as.map((a) => a.dataset.lesson));
  const native = join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'release/examples/explore_native');
  const rows = [];
  // The search runs in the explorer worker (the page's wasm has no explorer):
  // the page hands over each scenario's program, the worker times its search.
  await page.evaluate(() => new Promise((resolve) => {
    window.benchWorker = new Worker('irqlab-explorer_loader.js');
    window.benchWorker.onmessage = (e) => { if (e.data === 'ready') resolve(); };
  }));
  for (const id of ids) {
    const nat = JSON.parse(execFileSync(native, [id, '300']).toString());
    const browserMs = await page.evaluate((id) => new Promise((resolve) => {
      const program = window.irqlab.bench_program(id);
      if (!program) return resolve(-1);
      window.benchWorker.onmessage = (e) => resolve(e.data);
      window.benchWorker.postMessage([0, 'bench', program, 300]);
    }), id);
    rows.push({ id, native: nat.mean_ms, browser: browserMs });
  }
  await page.evaluate(() => window.benchWorker.terminate());
  // The panel end to end (slices, timers and rendering included).
  await open(page, url, '#v=2&lesson=lost-update');
  const t0 = Date.now();
  await page.locator('[data-testid=explore]').click();
  await page.waitForSelector('[data-testid=explorer-report]', { timeout: 120000 });
  const panelMs = Date.now() - t0;
  await page.context().close();
  return { rows, panelMs };
}

const server = await startServer();
const browser = await launch();
try {
  const size = await sizes();
  const worker = await workerSizes();
  const explorerWorker = await workerSizes('irqlab-explorer');
  const data = await dataSize();
  const { started, rendered, shown } = await startTimes(browser, server.url);
  const step = await stepLatency(browser, server.url);
  const ex = await explorer(browser, server.url);
  const wasmJs = size.reduce((s, r) => s + r.gzip, 0);
  const workerGz = worker.reduce((s, r) => s + r.gzip, 0);
  const pageParts = await breakdown('irqlab-web_bg.wasm', 'irqlab-web');
  const workerParts = await breakdown('irqlab-compiler_bg.wasm', 'irqlab-compiler');
  const part = (p) => `code ${p.sections.code} B (${p.sections.codeGz} B gzipped alone), data ${p.sections.data} B (${p.sections.dataGz} B gzipped alone)`;
  const startMs = median(started);
  const stepMs = median(step.times);
  const worst = Math.max(...ex.rows.map((r) => (r.native > 0 ? r.browser / r.native : 1)));
  const ok = (b) => (b ? 'met' : '**missed**');
  const chromium = execFileSync('/usr/bin/chromium', ['--version']).toString().trim();
  const md = `# Web budgets

Measured by \`cargo xtask bench\` (e2e/bench/budgets.mjs) against the release build
(\`trunk build --release\`, opt-level "z", LTO, wasm-opt -Oz from binaryen 132), served on
127.0.0.1 and driven in headless ${chromium}.
Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}. Date: ${new Date().toISOString().slice(0, 10)}.

| budget | target | measured | |
| --- | --- | --- | --- |
| first load: the page's wasm + JS, gzipped | ≤ 150 KB | ${kb(wasmJs)} KB | ${ok(wasmJs <= 150 * 1024)} |
| the compiler worker's wasm + JS, gzipped (loaded on the first edit) | ≤ 300 KB | ${kb(workerGz)} KB | ${ok(workerGz <= 300 * 1024)} |
| app started (\`TrunkApplicationStarted\`) after navigation, median of ${started.length} cold loads | ≤ 500 ms | ${startMs.toFixed(0)} ms | ${ok(startMs <= 500)} |
| one step, keydown to updated DOM, median of ${step.times.length} (timeline of ${step.marks} marks, ${step.steps} steps) | < 16 ms | ${stepMs.toFixed(2)} ms (p95 ${p95(step.times).toFixed(2)} ms) | ${ok(stepMs < 16)} |
| explorer in the browser vs native, worst lesson | ≤ 5× | ${worst.toFixed(2)}× | ${ok(worst <= 5)} |

## Sizes

| file | bytes | gzipped |
| --- | ---: | ---: |
${size.map((r) => `| ${r.file} | ${r.raw} | ${r.gzip} |`).join('\n')}

The lesson data file, fetched by the page at start (not code, so not in the budget above):
${data.file} ${data.raw} B (${data.gzip} B gzipped; ${kb(data.gzip)} KB) for ${ex.rows.length} lessons.

Loaded only on the first edit (the compiler worker: crates/lang with syn; no lesson, the page sends the lesson's setup with each edit), not
part of the page's start: ${worker.map((r) => `${r.file} ${r.raw} B (${r.gzip} B gzipped)`).join(', ')}.

Loaded on the first "Try every arrival point" (the explorer worker: irqlab_sim, which searches
off the page's thread): ${explorerWorker.map((r) => `${r.file} ${r.raw} B (${r.gzip} B gzipped)`).join(', ')}.

## Breakdown

The page's wasm: ${part(pageParts)}. By crate:

${crateTable(pageParts.crates)}

The compiler worker's wasm: ${part(workerParts)}. By crate:

${crateTable(workerParts.crates)}

By crate means \`twiggy top\` on cargo's wasm (target/wasm32-unknown-unknown/web-release, before
wasm-bindgen and wasm-opt, so with names): each function counts for the first irqlab crate in its
name, else its first path segment (\`core\`, \`alloc\`: generic code instantiated for the others);
\`(data)\` is the data segment (strings and tables).

## What the page carries

The page's wasm holds the simulator (irqlab_sim: machine and schedules, for stepping), Yew, the
postcard decoder and the components. It holds no explorer search (that runs in the explorer
worker, where the budgets script also times it), no compiler (edits go to the compiler worker,
to which it sends the lesson's setup with each edit), no markdown parser, no JSON decoder, no deflate
compressor (the browser's \`CompressionStream\` deflates a permalink's code; the page keeps the inflater
to open links), and no lesson: cards, narratives (parsed to a safe tree at build time), code, the scenarios' compiled programs and the firmware bins' sources are in the
lesson data file (postcard, versioned, its name a hash of its content), which build.rs writes
and the page fetches from next to its wasm. So more lessons make the data file grow, not the code.

## App start (ms after navigation)

TrunkApplicationStarted: ${started.map((t) => t.toFixed(0)).join(', ')}; DOMContentLoaded: ${rendered.map((t) => t.toFixed(0)).join(', ')}.
Lesson data received (median ${median(shown).toFixed(0)} ms): ${shown.map((t) => t.toFixed(0)).join(', ')}.

## Explorer, one whole search of each lesson's scenario

Mean over at least 300 ms after 3 warm-up searches, the same code natively
(\`explore_native\`, release) and in the browser (the release explorer worker, its
\`[0, "bench", program, 300]\` message, the program from the page's \`bench_program\`).

| lesson | native ms | browser ms | ratio |
| --- | ---: | ---: | ---: |
${ex.rows.map((r) => `| ${r.id} | ${r.native.toFixed(4)} | ${r.browser.toFixed(4)} | ${(r.native > 0 ? r.browser / r.native : 0).toFixed(2)} |`).join('\n')}

The explorer panel on 04-lost-update, click to report (in the explorer worker, slices of
at most 50 ms between progress reports; the worker's start on the first search, the messages
and rendering included): ${ex.panelMs} ms.
`;
  await writeFile(process.env.IRQLAB_BENCH_OUT ?? join(ROOT, 'web/BENCHMARKS-web.md'), md);
  console.log(md);
} finally {
  await browser.close();
  await server.close();
}
