// What a learner (or a teacher) does in the playground, in a real browser,
// against the release build. Each test saves a screenshot in e2e/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startServer, launch, newPage, open, screenshot, readout, SCREENSHOTS } from './browser.mjs';

const LOST = '#v=2&lesson=lost-update';
let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Fails the test on any console error, page error or CSP violation. */
function assertClean(page) {
  assert.deepEqual(page.problems, [], 'the page logged no errors');
}

/** How many steps the cursor has taken: "(3 of 41 steps taken)". */
const stepOf = async (page) => Number((await readout(page)).match(/\((\d+) of \d+ steps taken\)/)[1]);

test('opens the first lesson', async () => {
  const page = await newPage(browser);
  await open(page, server.url);
  await page.waitForSelector('.lesson-list');
  const cards = page.locator('.card a');
  assert.ok((await cards.count()) >= 3, 'the list shows the lessons');
  const title = (await cards.first().locator('.card-title').innerText()).trim();
  await cards.first().click();
  await page.waitForSelector('article.lesson');
  assert.equal((await page.locator('#lesson-title').innerText()).trim(), title);
  // The narrative, the code, the timeline with its title and description.
  assert.ok((await page.locator('.readme').innerText()).length > 50, 'the narrative is shown');
  assert.ok((await page.locator('textarea.source').inputValue()).includes('fn '), 'the code is shown');
  assert.equal(await page.locator('svg.timeline title#tl-title').count(), 1);
  assert.equal(await page.locator('svg.timeline desc#tl-desc').count(), 1);
  assert.match(await readout(page), /^Before step 0: reset, nothing has run yet \(0 of \d+ steps taken\)/);
  // Progress is saved: back on the list the lesson says "opened".
  await page.goBack();
  await page.waitForSelector('.lesson-list', { timeout: 10000 }).catch(async (e) => {
    // Say where back went and what the page shows, not only that it timed out.
    const where = await page.evaluate(() => `${location.href}, ${history.length} entries, h1 “${document.querySelector('h1')?.innerText}”`);
    throw new Error(`back did not return to the lesson list (${where}): ${e.message}`);
  });
  assert.match(await page.locator('.card').first().innerText(), /opened/);
  await screenshot(page, 'opens-the-first-lesson');
  assertClean(page);
});

test('steps forward and back with the keyboard', async () => {
  const page = await newPage(browser);
  await open(page, server.url, LOST);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /\(3 of/.test(document.querySelector('[data-testid=readout]').innerText));
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => /\(2 of/.test(document.querySelector('[data-testid=readout]').innerText));
  // The readout is a live region, so screen readers hear each step.
  assert.equal(await page.locator('[data-testid=readout]').getAttribute('aria-live'), 'polite');
  // A context's current line is marked in the code with its name.
  assert.ok((await page.locator('.ctx-chip').count()) >= 1, 'a current line is marked');
  // Keys typed in the editor edit the code, they do not step.
  await page.locator('textarea.source').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.equal(await stepOf(page), 2, 'arrows in the editor do not step');
  // A modifier held: the browser's shortcut, not ours.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+ArrowRight');
  assert.equal(await stepOf(page), 2, 'Ctrl+→ does not step');
  await page.keyboard.press('End');
  await page.waitForFunction(() => document.querySelector('.finished, .outcomes'));
  await page.keyboard.press('Home');
  await page.waitForFunction(() => /^Before step 0: reset/.test(document.querySelector('[data-testid=readout]').innerText));
  await page.keyboard.press('?');
  await page.waitForSelector('[role=dialog]');
  await screenshot(page, 'steps-with-the-keyboard');
  await page.keyboard.press('Escape');
  await page.waitForSelector('[role=dialog]', { state: 'detached' });
  assertClean(page);
});

test('places an interrupt by clicking the timeline', async () => {
  const page = await newPage(browser);
  await open(page, server.url, LOST);
  assert.equal(await page.locator('input.schedule').inputValue(), '');
  const lane = page.locator('rect.lane-hit[data-lane=TIMER0]');
  const box = await lane.boundingBox();
  // Two columns (steps) into the lane.
  await page.mouse.click(box.x + 2 * 28, box.y + box.height / 2);
  await page.waitForFunction(() => document.querySelector('input.schedule').value !== '');
  const placed = (await page.locator('input.schedule').inputValue()).match(/^TIMER0@(\d+)$/);
  assert.ok(placed, 'the schedule names the arrival');
  const mark = page.locator('g.mark.arrival');
  assert.equal(await mark.count(), 1, 'an arrival mark is drawn');
  // The mark and the schedule text number the step alike (as `irqlab run --schedule` reads it).
  assert.match(await mark.getAttribute('aria-label'), new RegExp(`TIMER0 arrives before step ${placed[1]}\\.`));
  // The handler now runs: the timeline shows its preemption.
  assert.ok((await page.locator('g.mark.preemption').count()) >= 1, 'TIMER0 preempts main');
  await screenshot(page, 'places-an-interrupt');
  // Activating the mark from the keyboard removes it.
  await mark.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('input.schedule').value === '');
  // Keyboard placement: focus the lane, Enter places one at the current step.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await lane.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('input.schedule').value !== '');
  assert.equal(await page.locator('g.mark.arrival').count(), 1);
  assertClean(page);
});

test('a lesson that asks the learner to find the arrival first keeps the counterexample back until asked', async () => {
  const page = await newPage(browser);
  await open(page, server.url, '#v=2&lesson=edge-counter');
  await page.locator('[data-testid=explore]').click();
  await page.waitForSelector('[data-testid=explorer-report]', { timeout: 60000 });
  const report = await page.locator('[data-testid=explorer-report]').innerText();
  assert.match(report, /violated \(a counterexample exists: find it yourself first\)/, report);
  assert.equal(await page.locator('[data-testid=replay]').count(), 0, 'no replay yet');
  assert.equal(await page.locator('[data-testid=story]').count(), 0, 'no story yet');
  assert.match(await page.locator('[data-testid=held]').innerText(), /after 3 more tries/);
  await screenshot(page, 'find-the-arrival-first');
  await page.locator('[data-testid=show-counterexamples]').click();
  await page.waitForSelector('[data-testid=replay]');
  assert.equal(await page.locator('[data-testid=held]').count(), 0);
  // No spoiler in the story: "Why the fix works" waits for a proof or the solution.
  assert.doesNotMatch(await page.locator('.narrative').innerText(), /Why the fix works/);
  assert.equal(await page.locator('[data-testid=why-it-works]').count(), 0);
  for (let i = 0; i < 10 && (await page.locator('button', { hasText: 'Show a hint' }).count()) > 0; i++) {
    await page.locator('button', { hasText: 'Show a hint' }).click();
  }
  await page.locator('button', { hasText: 'Show the solution in the editor' }).click();
  await page.waitForSelector('[data-testid=why-it-works]');
  assert.match(await page.locator('[data-testid=why-it-works]').innerText(), /Why the fix works/);
  assertClean(page);
});

test('runs the explorer on the lost-update lesson and replays its counterexample', async () => {
  const page = await newPage(browser);
  await open(page, server.url, LOST);
  await page.locator('[data-testid=explore]').click();
  await page.waitForSelector('[data-testid=explorer-report]', { timeout: 60000 });
  const report = await page.locator('[data-testid=explorer-report]').innerText();
  assert.match(report, /Complete/);
  assert.match(report, /violated/);
  assert.ok((await page.locator('.histogram tbody tr').count()) >= 2, 'more than one final outcome');
  // Each counterexample is told step by step, down to the lost store.
  const story = page.locator('[data-testid=story]').first();
  await story.locator('summary').click();
  const told = await story.innerText();
  assert.match(told, /TIMER0's event arrives/);
  assert.match(told, /step \d+ main: writes COUNT ← \d+: TIMER0's store of step \d+ is lost/);
  await page.locator('[data-testid=replay]').first().click();
  await page.waitForFunction(() => document.querySelector('input.schedule').value !== '');
  assert.match(await readout(page), /^Before step 0: reset/, 'the replay starts at step 0');
  // The replay is said, and the timeline it loaded is brought into view.
  assert.match(await page.locator('[data-testid=replayed]').innerText(), /^Replaying the counterexample to “.+” \(\d+ steps\) in the timeline/);
  await page.waitForFunction(() => {
    const r = document.querySelector('.timeline-box').getBoundingClientRect();
    return r.top >= 0 && r.top < innerHeight && r.bottom > 0;
  }, null, { timeout: 5000 });
  await page.keyboard.press('End');
  await page.waitForSelector('.outcomes');
  const outcomes = await page.locator('.outcomes').innerText();
  assert.match(outcomes, /false|race|lost/i, `the failure is replayed: ${outcomes}`);
  await screenshot(page, 'explorer-replays-a-counterexample');
  assertClean(page);
});

test('a stack budget: the explorer reports the worst-case stack, and the core-state panel the bytes in use', async () => {
  const page = await newPage(browser);
  await open(page, server.url, '#v=2&lesson=one-stack');
  // At reset main's frame is on the stack (40 bytes, docs/SEMANTICS.md "Stack").
  assert.match(await page.locator('table.core-regs').innerText(), /main: 40 bytes/);
  await page.locator('[data-testid=explore]').click();
  await page.waitForSelector('[data-testid=explorer-report]', { timeout: 60000 });
  const report = await page.locator('[data-testid=explorer-report]').innerText();
  assert.match(report, /Complete/);
  assert.match(await page.locator('[data-testid=worst-stack]').innerText(), /Worst-case stack\s+292 bytes/);
  assert.match(report, /the stack stays within its 280 bytes: violated/, report);
  assertClean(page);
  // A lesson whose properties do not read the stack shows no worst case.
  await open(page, server.url, LOST);
  await page.locator('[data-testid=explore]').click();
  await page.waitForSelector('[data-testid=explorer-report]', { timeout: 60000 });
  assert.equal(await page.locator('[data-testid=worst-stack]').count(), 0);
  assertClean(page);
});

test('a DMA lesson: the explorer finds the torn message, and the replay tells each byte the DMA writes', async () => {
  const page = await newPage(browser);
  await open(page, server.url, '#v=2&lesson=dma-buffer');
  await page.locator('[data-testid=explore]').click();
  await page.waitForSelector('[data-testid=explorer-report]', { timeout: 60000 });
  const report = await page.locator('[data-testid=explorer-report]').innerText();
  assert.match(report, /Complete/);
  assert.match(report, /every message is checked whole: violated/, report);
  const story = page.locator('[data-testid=story]').first();
  await story.locator('summary').click();
  const told = await story.innerText();
  assert.match(told, /UARTE0_UART0's DMA: writes RX\[0\] ← 2/, told);
  await page.locator('[data-testid=replay]').first().click();
  await page.waitForFunction(() => document.querySelector('input.schedule').value !== '');
  // Step to the byte of the second message: the step view says the DMA wrote it.
  let said = '';
  for (let i = 0; i < 40 && !/DMA writes RX\[0\] ← 2/.test(said); i++) {
    await page.keyboard.press('ArrowRight');
    said = await readout(page);
  }
  assert.match(said, /UARTE0_UART0's DMA writes RX\[0\] ← 2/, said);
  await screenshot(page, 'dma-buffer-replay');
  assertClean(page);
});

test('the explorer runs in a web worker, off the page\'s thread', async () => {
  const page = await newPage(browser);
  await open(page, server.url, LOST);
  assert.equal(page.workers().filter((w) => /irqlab-explorer/.test(w.url())).length, 0, 'no explorer worker before a search');
  const started = page.waitForEvent('worker', { predicate: (w) => /irqlab-explorer/.test(w.url()), timeout: 30000 });
  await page.locator('[data-testid=explore]').click();
  await started;
  await page.waitForSelector('[data-testid=explorer-report]', { timeout: 60000 });
  assert.match(await page.locator('[data-testid=explorer-report]').innerText(), /violated/);
  // Edited code: the report goes, and its search runs in the same worker.
  const editor = page.locator('textarea.source');
  await editor.fill(`// edited\n${await editor.inputValue()}`);
  await page.waitForFunction(() => !document.querySelector('[data-testid=explore]')?.disabled, null, { timeout: 30000 });
  await page.locator('[data-testid=explore]').click();
  await page.waitForSelector('[data-testid=explorer-report]', { timeout: 60000 });
  assert.match(await page.locator('[data-testid=explorer-report]').innerText(), /violated/);
  assert.equal(page.workers().filter((w) => /irqlab-explorer/.test(w.url())).length, 1, 'one explorer worker');
  assertClean(page);
});

test('edits the code to the fix and sees the proof', async () => {
  const page = await newPage(browser);
  await open(page, server.url, LOST);
  const editor = page.locator('textarea.source');
  const scenario = await editor.inputValue();
  // A broken edit: diagnostics appear inline, the last good timeline stays.
  await editor.fill(scenario.replace('pub fn foreground() {', 'pub fn foreground() {\n    let = ;'));
  await page.waitForSelector('.diagnostic.error');
  assert.ok((await page.locator('.diag-inline.error').count()) >= 1, 'the error is shown at its line');
  assert.equal(await page.locator('svg.timeline').count(), 1, 'the last good timeline is kept');
  await page.waitForSelector('.stale');
  // The explorer would answer for the last code that compiled: it waits, and says why.
  assert.equal(await page.locator('[data-testid=explore]').isDisabled(), true);
  assert.match(await page.locator('[data-testid=explorer-waits]').innerText(), /code has errors/);
  // The fix: main's increment inside a critical section.
  const fixed = scenario.replace(/unsafe \{ COUNT \+= 1 \}(\s*\/\/[^\n]*)?\n\}/, 'critical_section::with(|_| unsafe { COUNT += 1 });\n}');
  assert.notEqual(fixed, scenario, 'the scenario has the increment to fix');
  await editor.fill(fixed);
  await page.waitForFunction(() => document.querySelectorAll('.diagnostic.error').length === 0 && !document.querySelector('.stale'));
  await page.locator('[data-testid=explore]').click();
  await page.waitForSelector('[data-testid=explorer-report]', { timeout: 60000 });
  const report = await page.locator('[data-testid=explorer-report]').innerText();
  assert.match(report, /Complete/);
  assert.doesNotMatch(report, /violated/);
  assert.match(report, /holds on every schedule/);
  // "Download my code" holds the edited code, for `cargo xtask flash`.
  await page.locator('#tab-firmware').click();
  const href = await page.locator('[data-testid=download-code]').getAttribute('href');
  assert.equal(decodeURIComponent(href.replace(/^data:text\/plain;charset=utf-8,/, '')), fixed);
  // The lesson as a whole program for the micro:bit: its handler, and how to flash the solution.
  const companion = await page.locator('[data-testid=companion-source]').innerText();
  assert.match(companion, /#\[interrupt\]\s*fn TIMER0\(\) \{\s*lesson::on_timer\(\);/);
  assert.match(companion, /set_priority\(Interrupt::TIMER0, board::nvic_priority\(1\)\)/);
  assert.match(
    await page.locator('[data-testid=companion-command]').innerText(),
    /cargo run --release --example lost_update --features solution\s+# solution\.rs/,
  );
  await screenshot(page, 'the-fix-is-proven');
  assertClean(page);
});

test('a link from before the lessons were renumbered opens the lesson it always did', async () => {
  const page = await newPage(browser);
  // Version 1 named lessons by their folder of the time: 14 was priorities (now 03).
  await open(page, server.url, '#v=1&lesson=14-priorities&sched=UARTE0_UART0@3');
  await page.waitForSelector('article.lesson');
  assert.match(await page.locator('#lesson-title').innerText(), /priorit/i);
  assert.equal(await page.locator('input.schedule').inputValue(), 'UARTE0_UART0@3');
  await page.waitForFunction(() => /^#v=2&lesson=priorities/.test(location.hash), null, { timeout: 5000 });
  assertClean(page);
});

test('opens a permalink and lands on the same step', async () => {
  const page = await newPage(browser);
  await open(page, server.url, LOST);
  await page.locator('input.schedule').fill('TIMER0@2');
  await page.locator('input.schedule').press('Enter');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /step=5/.test(location.hash));
  const link = await page.evaluate(() => location.href);
  assert.match(link, /#v=2&lesson=lost-update&sched=TIMER0@2&step=5$/);
  const words = await readout(page);
  const other = await newPage(browser);
  await open(other, link, '');
  await other.waitForFunction(() => /\(5 of/.test(document.querySelector('[data-testid=readout]').innerText));
  assert.equal(await readout(other), words, 'the same moment, in words');
  assert.equal(await other.locator('input.schedule').inputValue(), 'TIMER0@2');
  // Edited code travels compressed in the link.
  await other.locator('textarea.source').fill('// edited by the teacher\n' + (await other.locator('textarea.source').inputValue()));
  await other.waitForFunction(() => /&code=/.test(location.hash));
  const third = await newPage(browser);
  await open(third, await other.evaluate(() => location.href), '');
  assert.match(await third.locator('textarea.source').inputValue(), /^\/\/ edited by the teacher/);
  await screenshot(other, 'permalink-same-step');
  assertClean(page);
  assertClean(other);
  assertClean(third);
});

/** A permalink's `code=`: raw deflate, base64url, as the page writes it. */
const codeParam = (code) => deflateRawSync(Buffer.from(code)).toString('base64url');

test('a permalink with edited code reopens at its step with its schedule', async () => {
  // The moment with the lesson's own code, for comparison.
  const plain = await newPage(browser);
  await open(plain, server.url, `${LOST}&sched=TIMER0@1&step=5`);
  await plain.waitForFunction(() => !/^Before step 0/.test(document.querySelector('[data-testid=readout]').innerText));
  const words = await readout(plain);
  const scenario = await plain.locator('textarea.source').inputValue();
  // The same moment with edited code (a comment at the end: the same run).
  const edited = `${scenario}// edited by the teacher\n`;
  const fragment = `${LOST}&code=${codeParam(edited)}&sched=TIMER0@1&step=5`;
  const page = await newPage(browser);
  await open(page, server.url, fragment);
  await page.waitForFunction(() => document.querySelector('input.schedule')?.value === 'TIMER0@1', null, { timeout: 30000 });
  await page.waitForFunction((w) => document.querySelector('[data-testid=readout]').innerText === w, words);
  assert.equal(await page.locator('textarea.source').inputValue(), edited);
  // The page rewrites the address as the moment it shows: the same one.
  await page.waitForTimeout(500);
  assert.ok((await page.evaluate(() => location.hash)).endsWith('&sched=TIMER0@1&step=5'), await page.evaluate(() => location.hash));
  assert.equal(await page.locator('[data-testid=notice]').count(), 0, 'nothing to report');
  assertClean(plain);
  assertClean(page);
});

test('a long search can be cancelled: the worker stops and the page says the results are partial', async () => {
  // Lesson 04 with a main that adds 2,000 times per call: tens of thousands
  // of steps, and every one an arrival point, so the search runs for long.
  const plain = await newPage(browser);
  await open(plain, server.url, LOST);
  const scenario = await plain.locator('textarea.source').inputValue();
  await plain.close();
  const long = scenario.replace('unsafe { COUNT += 1 } // load, add, store', 'for _ in 0..2000 {\n        unsafe { COUNT += 1 }\n    }');
  assert.notEqual(long, scenario, 'the edit applies');
  const page = await newPage(browser);
  await open(page, server.url, `${LOST}&code=${codeParam(long)}`);
  const explore = page.locator('[data-testid=explore]');
  await page.waitForFunction(() => !document.querySelector('[data-testid=explore]')?.disabled, null, { timeout: 30000 });
  await explore.click();
  // Cancel once the worker is searching (it has reported states); a cancel
  // before its wasm has started just returns the panel to idle.
  await page.waitForFunction(
    () => /Searching… \d+ schedules, [1-9]\d* states/.test(document.querySelector('[data-testid=explorer-progress]')?.innerText ?? ''),
    null,
    { timeout: 30000 },
  );
  await page.locator('.explorer .running button', { hasText: 'Cancel' }).click();
  await page.waitForSelector('[data-testid=explorer-report]', { timeout: 10000 });
  const report = await page.locator('[data-testid=explorer-report]').innerText();
  assert.match(report, /Cancelled: these are partial results\./, report);
  assert.doesNotMatch(report, /Complete/, report);
  // The worker is free for a new search, and the page still steps.
  assert.ok(await page.locator('.explorer button', { hasText: 'Try every arrival point again' }).isEnabled());
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /\(1 of/.test(document.querySelector('[data-testid=readout]').innerText), null, { timeout: 5000 });
  assertClean(page);
});

test('a damaged permalink keeps its lesson and says what it left out', async () => {
  const page = await newPage(browser);
  await open(page, server.url, `${LOST}&code=%%%&sched=TIMER0@2&step=-3&zoom=2`);
  const notice = page.locator('[data-testid=notice]');
  await notice.waitFor();
  const words = await notice.innerText();
  assert.match(words, /code in the link is damaged/);
  assert.match(words, /`-3`/);
  assert.match(words, /`zoom`/);
  const title = (await page.locator('#lesson-title').innerText()).trim();
  assert.match(title, /lost update/i, `lesson 04 is open, not another (${title})`);
  assert.equal(await page.locator('input.schedule').inputValue(), 'TIMER0@2', 'the rest of the link is kept');
  await screenshot(page, 'damaged-permalink');
  assert.deepEqual(page.problems, []);
});

test('while edited code compiles the status says so and the explorer waits', async () => {
  const page = await newPage(browser);
  await open(page, server.url, LOST);
  await page.waitForSelector('.check-status');
  assert.match(await page.locator('.check-status').innerText(), /compiles/);
  // An edit, then the status as soon as the page has handled it (one task later).
  const status = await page.evaluate(async () => {
    const area = document.querySelector('textarea.source');
    area.value = `// an edit\n${area.value}`;
    area.dispatchEvent(new InputEvent('input', { bubbles: true }));
    await new Promise((r) => setTimeout(r, 0));
    return {
      check: document.querySelector('.check-status').innerText,
      explore: document.querySelector('[data-testid=explore]').disabled,
      waits: document.querySelector('[data-testid=explorer-waits]')?.innerText ?? '',
    };
  });
  assert.match(status.check, /checking/, 'no "compiles" for code not yet checked');
  assert.equal(status.explore, true, 'the explorer cannot run the code before the edit');
  assert.match(status.waits, /Waiting for the edited code to compile/);
  // Once checked: compiles again, and the explorer can run.
  await page.waitForFunction(() => /compiles/.test(document.querySelector('.check-status').innerText), null, { timeout: 30000 });
  assert.equal(await page.locator('[data-testid=explore]').isDisabled(), false);
  assertClean(page);
});

/** The timeline's drawn width and its panel's, and where the cursor is in the panel. */
const geometry = (page) => page.evaluate(() => {
  const panel = document.querySelector('.timeline-drawing').getBoundingClientRect();
  const cursor = document.querySelector('svg.timeline .cursor line').getBoundingClientRect();
  return {
    svg: document.querySelector('svg.timeline').getBoundingClientRect().width,
    panel: panel.width,
    cursorInside: cursor.left >= panel.left && cursor.right <= panel.right,
  };
});

test('the timeline fits its panel and keeps the cursor in view', async () => {
  for (const fragment of [LOST, `${LOST}&sched=TIMER0@200`]) {
    const page = await newPage(browser);
    await open(page, server.url, fragment);
    await page.waitForSelector('svg.timeline');
    let g = await geometry(page);
    assert.ok(g.svg <= g.panel, `${fragment}: ${g.svg} px drawn in a ${g.panel} px panel`);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('End');
    await page.waitForSelector('.finished, .outcomes');
    g = await geometry(page);
    assert.ok(g.svg <= g.panel && g.cursorInside, `${fragment}: at the end the cursor is in view (${JSON.stringify(g)})`);
    // Zoom in around the cursor: it stays in view, the steps get wider.
    const before = await page.locator('svg.timeline').getAttribute('width');
    await page.keyboard.press('+');
    await page.waitForFunction((w) => document.querySelector('svg.timeline').getAttribute('width') !== w, before);
    g = await geometry(page);
    assert.ok(g.svg <= g.panel && g.cursorInside, `${fragment}: zoomed, the cursor is in view (${JSON.stringify(g)})`);
    assertClean(page);
  }
});

test('a click on a bar of a lane places an arrival there', async () => {
  const page = await newPage(browser);
  await open(page, server.url, `${LOST}&sched=TIMER0@2`);
  const lane = await page.locator('rect.lane-hit[data-lane=TIMER0]').boundingBox();
  // A bar drawn on TIMER0's lane (the handler running), away from marks.
  const bar = await page.evaluate(({ top, bottom }) => {
    for (const r of document.querySelectorAll('svg.timeline .bars rect')) {
      const b = r.getBoundingClientRect();
      const y = b.top + b.height / 2;
      if (y > top && y < bottom && b.width >= 40) return { x: b.left + b.width - 10, y };
    }
    return null;
  }, { top: lane.y, bottom: lane.y + lane.height });
  assert.ok(bar, 'TIMER0 runs: a bar is drawn on its lane');
  await page.mouse.click(bar.x, bar.y);
  await page.waitForFunction(() => document.querySelector('input.schedule').value.split(',').length === 2, null, { timeout: 5000 });
  assert.match(await page.locator('input.schedule').inputValue(), /^TIMER0@2,TIMER0@\d+$/);
  assertClean(page);
});

test('a polled source has its own lane and takes an arrival by mouse', async () => {
  const page = await newPage(browser);
  await open(page, server.url, '#v=2&lesson=superloop');
  const lane = page.locator('rect.lane-hit[data-lane=TIMER0]');
  await lane.waitFor({ timeout: 5000 });
  const box = await lane.boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction(() => /^TIMER0@\d+$/.test(document.querySelector('input.schedule').value), null, { timeout: 5000 });
  assert.equal(await page.locator('g.mark.arrival').count(), 1, 'its arrival is drawn');
  assert.match(await page.locator('svg.timeline').innerHTML(), /TIMER0 \(event\)/);
  await screenshot(page, 'polled-source-lane');
  assertClean(page);
});

test('the debugger layout shows code, timeline and core state on one 1280x800 screen', async () => {
  const page = await newPage(browser, { width: 1280, height: 800 });
  await open(page, server.url, `${LOST}&sched=TIMER0@2&step=6`);
  await page.locator('[data-testid=debugger-layout]').click();
  assert.equal(await page.locator('[data-testid=debugger-layout]').getAttribute('aria-pressed'), 'true');
  const inView = async (when) => {
    const boxes = await page.evaluate(() => Object.fromEntries(
      [['code', '.code .editor'], ['current line', '.ctx-chip'], ['timeline', 'svg.timeline'], ['core state', '.core-state'], ['step button', '[data-testid=step]']]
        .map(([name, selector]) => {
          const r = document.querySelector(selector).getBoundingClientRect();
          return [name, { top: Math.round(r.top), bottom: Math.round(r.bottom), left: Math.round(r.left), right: Math.round(r.right) }];
        }),
    ));
    for (const [name, box] of Object.entries(boxes)) {
      const whole = name === 'code' ? box.top + 200 : box.bottom;
      assert.ok(box.top >= 0 && whole <= 800 && box.left >= 0 && box.right <= 1280, `${when}: ${name} in view: ${JSON.stringify(boxes)}`);
    }
  };
  await inView('step 6');
  // Stepping keeps working in this layout; the long words of the data race
  // (step 7) push nothing out of view; the story is still on the page.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /\(7 of/.test(document.querySelector('[data-testid=readout]').innerText));
  await inView('step 7, a data race explained');
  assert.ok((await page.locator('.readme').innerText()).length > 50);
  await screenshot(page, 'debugger-layout-1280');
  assertClean(page);
});

/** Every text of the timeline, at the size it is shown: its computed font size times the drawing's scale. */
const timelineTextPx = (page) => page.evaluate(() => [...document.querySelectorAll('svg.timeline text')]
  .filter((t) => t.textContent.trim() !== '')
  .map((t) => ({ text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a })));

test('presenter mode: large type, no story, driven by the keyboard, kept in the link', async () => {
  const page = await newPage(browser, { width: 1920, height: 1080 });
  await open(page, server.url, `${LOST}&sched=TIMER0@2`);
  assert.ok((await page.locator('.readme').count()) === 1, 'the story is shown before');
  const before = Math.min(...(await timelineTextPx(page)).map((t) => t.px));
  assert.ok(before < 18, `without presenter mode the timeline's text is small (${before} px)`);
  await page.locator('[data-testid=presenter-mode]').click();
  assert.equal(await page.locator('[data-testid=presenter-mode]').getAttribute('aria-pressed'), 'true');
  await page.waitForFunction(() => new URLSearchParams(location.search).has('present'));
  // The story is hidden; code, timeline and core state are shown.
  assert.equal(await page.locator('.readme').count(), 0, 'the story is hidden');
  assert.equal(await page.locator('.narrative').count(), 0, 'the story panel is hidden');
  for (const selector of ['.code .editor', 'svg.timeline', '.core-state']) {
    assert.ok(await page.locator(selector).isVisible(), `${selector} is shown`);
  }
  // Large type: every timeline text at least 18 px as shown, the code larger still.
  const texts = await timelineTextPx(page);
  const small = texts.filter((t) => t.px < 18 - 0.01);
  assert.deepEqual(small, [], 'no timeline text under 18 px');
  const code = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.highlighted')).fontSize));
  assert.ok(code > 18, `the code is larger (${code} px)`);
  // The timeline still fits its panel.
  const g = await geometry(page);
  assert.ok(g.svg <= g.panel, `the drawing fits (${JSON.stringify(g)})`);
  // Keyboard-driven: arrows step, End, Home, e explores, r replays.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /\(1 of/.test(document.querySelector('[data-testid=readout]').innerText));
  await page.keyboard.press('End');
  await page.waitForSelector('.finished, .outcomes');
  await page.keyboard.press('Home');
  await page.waitForFunction(() => /^Before step 0: reset/.test(document.querySelector('[data-testid=readout]').innerText));
  await page.keyboard.press('e');
  await page.waitForSelector('[data-testid=explorer-report]', { timeout: 60000 });
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('r');
  await page.waitForSelector('[data-testid=replayed]:not(:empty)');
  assert.match(await page.locator('[data-testid=replayed]').innerText(), /^Replaying the counterexample/);
  // The help dialog lists the keys.
  await page.keyboard.press('?');
  const help = await page.locator('[role=dialog]').innerText();
  for (const words of [/step forward/, /Home/, /End/, /explore/, /replay/, /presenter mode/]) assert.match(help, words);
  await screenshot(page, 'presenter-mode-1920');
  await page.keyboard.press('Escape');
  // The link keeps the mode: a copy opens in presenter mode.
  await page.waitForTimeout(300);
  const link = await page.evaluate(() => location.href);
  assert.match(link, /\?present#v=2&lesson=lost-update/);
  const other = await newPage(browser, { width: 1920, height: 1080 });
  await open(other, link, '');
  await other.waitForSelector('.lesson.presenting');
  assert.equal(await other.locator('.readme').count(), 0);
  // `p` leaves presenter mode, and the address says so.
  await other.locator('body').click({ position: { x: 5, y: 5 } });
  await other.keyboard.press('p');
  await other.waitForSelector('.readme');
  await other.waitForFunction(() => !new URLSearchParams(location.search).has('present'));
  assertClean(page);
  assertClean(other);
});

test('numbers steps as schedules do, across an idle skip', async () => {
  // main finishes long before step 200: the machine idles and skips ahead to the arrival.
  const page = await newPage(browser);
  await open(page, server.url, `${LOST}&sched=TIMER0@200&step=200`);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  const taken = await stepOf(page);
  assert.ok(taken < 200, `fewer steps drawn than numbered (${taken})`);
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /^Step 200 \(cycle/.test(document.querySelector('[data-testid=readout]').innerText));
  assert.equal(await stepOf(page), taken + 1);
  await page.waitForFunction(() => /step=201$/.test(location.hash));
  assertClean(page);
});

test('loads a tampered permalink', async () => {
  const cases = [
    ['#v=2&lesson=lost-update&code=AAAA', /damaged/],
    ['#v=7&lesson=04-lost-update', /version/],
    ['#v=1&lesson=%3Cimg%20src%3Dx%20onerror%3Dwindow.pwned%3D1%3E', /not a lesson name/],
    ['#v=2&lesson=no-such-lesson', /no lesson/],
    ['#v=2&lesson=lost-update&sched=NOPE@3', /schedule/],
  ];
  for (const [fragment, message] of cases) {
    const page = await newPage(browser);
    await open(page, server.url, fragment);
    const notice = page.locator('[data-testid=notice]');
    await notice.waitFor();
    assert.match(await notice.innerText(), message, fragment);
    assert.equal(await page.evaluate(() => window.pwned), undefined, 'nothing in a link runs');
    assert.equal(await page.locator('main img').count(), 0);
    if (fragment.includes('code=AAAA')) await screenshot(page, 'tampered-permalink');
    // Only the CSP-free path: problems are errors the page explains, not crashes.
    assert.deepEqual(page.problems.filter((p) => !/favicon/.test(p)), []);
  }
});

test('explains a missing or damaged lesson data file instead of a blank page', async () => {
  const cases = [
    [{ status: 404, body: 'not found' }, /could not be loaded: the server answered 404/],
    [{ status: 200, body: '<!doctype html><title>Sign in</title>' }, /lesson data is (damaged|version)/],
  ];
  for (const [answer, message] of cases) {
    const page = await newPage(browser);
    await page.route('**/lessons-*.bin', (route) => route.fulfill({ ...answer, contentType: 'application/octet-stream' }));
    await open(page, server.url, LOST);
    const error = page.locator('[data-testid=load-error]');
    await error.waitFor();
    assert.match(await error.innerText(), message);
    assert.match(await error.innerText(), /Reload the page/);
    if (answer.status === 404) await screenshot(page, 'lesson-data-missing');
    await page.context().close();
  }
});

test('fits a phone at 360 px and a projector at 1920 px', async () => {
  for (const [width, height, scheme] of [[360, 800, 'dark'], [1920, 1080, 'light']]) {
    const page = await newPage(browser, { width, height, colorScheme: scheme });
    await open(page, server.url, LOST);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `no sideways scrolling of the page at ${width} px (${overflow} px too wide)`);
    const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const dark = bg === 'rgb(17, 19, 24)';
    assert.equal(dark, scheme === 'dark', `the ${scheme} theme follows the system (${bg})`);
    await screenshot(page, `layout-${width}`);
    assertClean(page);
  }
});

/** Where each of `selectors` is on the screen, rounded to whole px. */
const boxesOf = (page, selectors) => page.evaluate((selectors) => Object.fromEntries(selectors.map((selector) => {
  const r = document.querySelector(selector)?.getBoundingClientRect();
  return [selector, r && { top: Math.round(r.top), bottom: Math.round(r.bottom), left: Math.round(r.left), right: Math.round(r.right) }];
})), selectors);

test('a lesson page at 360, 1280 and 1920 px: screenshots, and what each screen shows', async () => {
  const moment = `${LOST}&sched=TIMER0@2&step=6`;
  // A laptop and a projector: code, timeline and core state in the viewport at once.
  for (const [width, height] of [[1280, 800], [1920, 1080]]) {
    const page = await newPage(browser, { width, height });
    await open(page, server.url, moment);
    await page.locator('[data-testid=debugger-layout]').click();
    await page.waitForSelector('.lesson.debugger');
    const boxes = await boxesOf(page, ['.code .editor', 'svg.timeline', '.core-state']);
    for (const [name, box] of Object.entries(boxes)) {
      assert.ok(box && box.top >= 0 && box.bottom <= height && box.left >= 0 && box.right <= width,
        `${width}x${height}: ${name} in the viewport: ${JSON.stringify(boxes)}`);
    }
    await page.screenshot({ path: join(SCREENSHOTS, `lesson-${width}.png`) });
    assertClean(page);
    await page.context().close();
  }
  // A phone: the code and the timeline in one flow, nothing between them
  // but the stepping bar and the step in words; the bar stays on screen.
  const page = await newPage(browser, { width: 360, height: 800 });
  await open(page, server.url, moment);
  await page.waitForSelector('svg.timeline');
  const flow = await boxesOf(page, ['.code', '.controls .buttons', '.readout-box', 'svg.timeline', '.core-state', '.narrative']);
  const code = flow['.code'];
  const timeline = flow['svg.timeline'];
  assert.ok(code && timeline && timeline.top > code.bottom, `the timeline follows the code: ${JSON.stringify(flow)}`);
  for (const box of [code, timeline]) assert.ok(box.left >= 0 && box.right <= 360, `within the phone's width: ${JSON.stringify(flow)}`);
  for (const other of ['.core-state', '.narrative']) {
    const box = flow[other];
    assert.ok(box.bottom <= code.top || box.top >= timeline.bottom, `${other} is not between the code and the timeline: ${JSON.stringify(flow)}`);
  }
  assert.equal(await page.locator('.controls .buttons').evaluate((b) => getComputedStyle(b).position), 'sticky');
  const barInView = async (where) => {
    const bar = (await boxesOf(page, ['.controls .buttons']))['.controls .buttons'];
    assert.ok(bar.top >= 0 && bar.bottom <= 800, `${where}: the stepping bar is on screen (${JSON.stringify(bar)})`);
  };
  // Reading the code (the bar's place is below it): the bar is on screen, and steps.
  await page.locator('.code').evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await barInView('at the code');
  await page.locator('[data-testid=step]').click();
  await page.waitForFunction(() => /\(7 of/.test(document.querySelector('[data-testid=readout]').innerText));
  // Further down, at the core state: still on screen.
  await page.locator('.core-state').evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await barInView('at the core state');
  await page.evaluate(() => scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOTS, 'lesson-360.png'), fullPage: true });
  assertClean(page);
});

test('keeps the chosen theme with no flash on load', async () => {
  const page = await newPage(browser, { colorScheme: 'light' });
  await open(page, server.url, LOST);
  await page.locator('.theme-switch select').selectOption('dark');
  // Record the theme at the first script that runs after theme.js, before the app.
  await page.addInitScript(() => {
    document.addEventListener('DOMContentLoaded', () => {
      window.themeAtFirstPaint = document.documentElement.dataset.theme ?? 'none';
    });
  });
  await page.reload();
  await page.waitForSelector('main h1');
  assert.equal(await page.evaluate(() => window.themeAtFirstPaint), 'dark');
  assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor), 'rgb(17, 19, 24)');
  assertClean(page);
});

test('keeps working when the network drops (service worker)', async () => {
  // Its own server, so that stopping it cuts this page's network only.
  const own = await startServer();
  const page = await newPage(browser);
  try {
    await open(page, own.url, LOST);
    // The worker has cached the build once it is active.
    const version = await page.evaluate(async () => {
      const registration = await Promise.race([
        navigator.serviceWorker.ready,
        new Promise((_, reject) => setTimeout(() => reject(new Error('no service worker became active in 20 s')), 20000)),
      ]);
      return { scope: registration.scope, caches: await caches.keys() };
    });
    assert.equal(version.scope, own.url, 'the worker covers the page');
    assert.equal(version.caches.length, 1, `one versioned cache: ${version.caches}`);
    assert.match(version.caches[0], /^irqlab-[0-9a-f]{16}$/);
    const cached = await page.evaluate(async (name) => (await (await caches.open(name)).keys()).map((r) => r.url.split('/').pop()), version.caches[0]);
    for (const file of ['', 'index.html', 'boot.js', 'irqlab-web_bg.wasm', 'irqlab-compiler.js', 'irqlab-compiler_bg.wasm', 'style.css']) {
      assert.ok(cached.includes(file), `${file || './'} is cached (${cached})`);
    }
    assert.ok(cached.some((f) => /^lessons-[0-9a-f]+\.bin$/.test(f)), 'the lesson data is cached');
    // The network drops: the server stops and the browser is offline.
    await own.close();
    await page.context().setOffline(true);
    await page.reload();
    await page.waitForSelector('article.lesson', { timeout: 30000 });
    assert.match((await page.locator('#lesson-title').innerText()), /lost update/i);
    // Another lesson from the list, and an edit (the compiler worker loads now).
    await page.goto(`${own.url}#v=2&lesson=superloop`);
    await page.waitForSelector('svg.timeline', { timeout: 30000 });
    const editor = page.locator('textarea.source');
    await editor.fill(`// offline\n${await editor.inputValue()}`);
    await page.waitForFunction(() => /compiles/.test(document.querySelector('.check-status').innerText), null, { timeout: 30000 });
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => /\(1 of/.test(document.querySelector('[data-testid=readout]').innerText));
    await screenshot(page, 'offline');
    assertClean(page);
  } finally {
    await page.context().close();
    await own.close();
  }
});

/** axe-core's violations of the page as it is now (every rule axe runs by default). */
async function axeViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) {
    // Evaluated by the test driver, not a script tag: the page's CSP allows no inline script.
    await page.evaluate(await readFile(new URL('../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8'));
  }
  const result = await page.evaluate(() => axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

test('axe-core finds no accessibility violations', async () => {
  const states = [
    ['the lesson list', '', async () => {}],
    ['a lesson at a step', `${LOST}&sched=TIMER0@2&step=6`, async () => {}],
    ['a polled source', '#v=2&lesson=superloop', async () => {}],
    ['the table view', `${LOST}&sched=TIMER0@2&step=6`, async (page) => {
      await page.locator('.view-switch button', { hasText: 'Table' }).click();
      await page.waitForSelector('table.timeline-table');
    }],
    ['the explorer report and a replay', LOST, async (page) => {
      await page.locator('[data-testid=explore]').click();
      await page.waitForSelector('[data-testid=explorer-report]', { timeout: 60000 });
      await page.locator('[data-testid=replay]').first().click();
      await page.waitForFunction(() => document.querySelector('input.schedule').value !== '');
    }],
    ['the debugger layout', `${LOST}&sched=TIMER0@2&step=7`, async (page) => {
      await page.locator('[data-testid=debugger-layout]').click();
      await page.waitForSelector('.lesson.debugger');
    }],
    ['presenter mode', `?present${LOST}&sched=TIMER0@2&step=7`, async (page) => page.waitForSelector('.lesson.presenting')],
    ['a damaged link', `${LOST}&code=%%%&step=-3`, async (page) => page.locator('[data-testid=notice]').waitFor()],
    ['the help dialog', LOST, async (page) => {
      await page.locator('body').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('?');
      await page.waitForSelector('[role=dialog]');
    }],
  ];
  const found = {};
  for (const [width, height, colorScheme] of [[1280, 800, 'light'], [360, 800, 'dark']]) {
    for (const [name, fragment, act] of states) {
      const page = await newPage(browser, { width, height, colorScheme });
      await open(page, server.url, fragment);
      await act(page);
      const violations = await axeViolations(page);
      if (violations.length > 0) found[`${name} at ${width} px, ${colorScheme}`] = violations;
      assertClean(page);
      await page.context().close();
    }
  }
  assert.deepEqual(found, {});
});
