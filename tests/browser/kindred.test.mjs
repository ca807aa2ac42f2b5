// Real-browser tests of the reading and conversation pages: the script in static/kindred.js
// (reactions in place, quoting a selection, marked passages, confirmations), the same pages with
// JavaScript turned off, insights and the mail journeys. The harness is harness.mjs.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  ARTIFACTS, EPISODE, KINDRED_BIN, PASSWORD, browser, contexts, here, linkIn, mailFor, mailedLink,
  markStay, memberPage, newPage, noProblems, normalise, plainPage, screenshot, server, serverEnv,
  stayed, test, axeViolations,
} from './harness.mjs';

// ------------------------------------------------------------------ helpers on pages

/* The viewport box of character `at` of the n-th text node in the episode body containing
 * `needle` (at counts from the needle's start). Scrolls it into view first when asked. */
async function charBox(page, needle, at, { nth = 0, scroll = false } = {}) {
  const box = await page.evaluate(({ needle, at, nth, scroll }) => {
    const body = document.querySelector('.episode .body');
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    let seen = 0;
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const i = n.data.indexOf(needle);
      if (i < 0 || seen++ < nth)
        continue;
      if (scroll)
        n.parentElement.scrollIntoView({ block: 'center' });
      const range = document.createRange();
      range.setStart(n, i + at);
      range.setEnd(n, i + at + 1);
      const r = range.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    }
    return null;
  }, { needle, at, nth, scroll });
  assert.ok(box, `the episode body has "${needle}"`);
  return box;
}

/* Selects text with the mouse: presses before the first character and drags past the last. */
async function dragSelect(page, from, to) {
  const y1 = (from.top + from.bottom) / 2;
  const y2 = (to.top + to.bottom) / 2;
  await page.mouse.move(from.left + 1, y1);
  await page.mouse.down();
  await page.mouse.move((from.left + to.right) / 2, (y1 + y2) / 2, { steps: 4 });
  await page.mouse.move(to.right - 1, y2, { steps: 4 });
  await page.mouse.up();
}

/* Submits a form with the button and waits for the redirect to a comment; returns its id. */
async function postAndLand(page, button) {
  await Promise.all([page.waitForURL(/#c-\d+$/), button.click()]);
  return Number(/#c-(\d+)$/.exec(page.url())[1]);
}

/* Posts a top-level comment through the page's form; returns its id. */
async function postComment(page, body, quote = '') {
  await page.goto(EPISODE);
  await page.fill('#f-quote_exact', quote);
  await page.fill('#f-body', body);
  return postAndLand(page, page.locator('#comment-form button[type="submit"]'));
}

/* Selects a passage with the mouse, quotes it, comments, posts; returns {id, fields}. */
async function quoteByMouse(page, { startNeedle, startAt, endNeedle, endAt, nth = 0, body }) {
  await page.goto(EPISODE);
  await charBox(page, startNeedle, startAt, { nth, scroll: true });
  const from = await charBox(page, startNeedle, startAt, { nth });
  const to = await charBox(page, endNeedle, endAt, { nth });
  await dragSelect(page, from, to);
  const quoteButton = page.locator('.quote-button');
  await quoteButton.waitFor({ state: 'visible' });
  const selected = normalise(await page.evaluate(() => String(window.getSelection())));
  // the button sits by the selection, not somewhere else on the page
  const at = await quoteButton.boundingBox();
  assert.ok(Math.abs(at.y - to.bottom) < 60, `the quote button is under the selection (${at.y} vs ${to.bottom})`);
  await quoteButton.click();
  const fields = await page.evaluate(() => ({
    exact: document.getElementById('f-quote_exact').value,
    prefix: document.querySelector('#comment-form input[name="quote_prefix"]').value,
    suffix: document.querySelector('#comment-form input[name="quote_suffix"]').value,
    focused: document.activeElement && document.activeElement.id,
  }));
  assert.equal(fields.exact, selected, 'the quote field holds the selected words');
  assert.equal(fields.focused, 'f-body', 'the comment field has the focus');
  assert.ok(await quoteButton.isHidden(), 'the quote button goes away once used');
  await page.keyboard.type(body);
  const id = await postAndLand(page, page.locator('#comment-form button[type="submit"]'));
  return { id, fields };
}

/* The text of the marks for the passage first quoted by comment id, and the count badge. */
async function passageMark(page, id) {
  return page.evaluate((id) => {
    const marks = [...document.querySelectorAll(`.episode .body mark.passage[data-first="c-${id}"]`)];
    const badge = document.querySelector(`.episode .body a.passage-count[href="#c-${id}"]`);
    return {
      text: marks.map((m) => m.textContent).join(''),
      marks: marks.length,
      inBlockquote: marks.length > 0 && marks.every((m) => m.closest('blockquote') !== null),
      // the badge ends the block (paragraph, list item) of the passage's last mark
      badge: badge && { text: badge.textContent, label: badge.getAttribute('aria-label'),
        endsBlock: marks.length > 0 && badge.parentElement.contains(marks[marks.length - 1]) &&
          badge.parentElement.lastChild === badge },
    };
  }, id);
}

/* The state of one reaction button of a group (its value is "target:id:kind:1|0"); a kind
 * not in view (a comment's unused kinds wait behind "React") counts 0. */
async function reaction(page, group, kind) {
  const button = page.locator(`${group} button[name="react"][value*=":${kind}:"]`);
  if (await button.count() === 0)
    return { button, count: 0, pressed: 'false', value: null };
  return {
    button,
    count: Number(await button.locator('.count').textContent()),
    pressed: await button.getAttribute('aria-pressed'),
    value: await button.getAttribute('value'),
  };
}

async function waitForCount(page, group, kind, count) {
  await page.waitForFunction(({ group, kind, count }) => {
    const b = document.querySelector(`${group} button[name="react"][value*=":${kind}:"] .count`);
    return count === 0 ? !b || b.textContent === '0' : b && b.textContent === String(count);
  }, { group, kind, count });
}

const EPISODE_REACTIONS = '.reactions[data-target="episode"]';

// ------------------------------------------------------------------ quote links (text fragments)

// A quote links back with a URL text fragment (#:~:text=…). Chromium scrolls to the match and
// paints it with its own ::target-text colours; nothing in the DOM records the match (no
// selection, no :target), so these helpers look at where the passage is and at the pixels.
const TARGET_TEXT_BACKGROUND = [233, 210, 253]; // Chromium's default ::target-text background

/* Every text-fragment link on the demo's episode pages (from the sitemap), without repeats. */
async function quoteLinks(page) {
  await page.goto('/sitemap.xml');
  const episodes = (await page.content()).match(/\/n\/[a-z0-9-]+\/(?!season\/)[a-z0-9-]+(?=<\/loc>)/g) || [];
  const links = new Set();
  for (const episode of episodes) {
    await page.goto(episode);
    for (const href of await page.$$eval('a[href*="#:~:text="]', (as) => as.map((a) => a.getAttribute('href'))))
      links.add(href);
  }
  return [...links];
}

/* The words a fragment starts with (its textStart) and its prefix ('' without one). */
function fragmentStart(href) {
  const terms = href.split('#:~:text=')[1].split(',').map(decodeURIComponent);
  return terms[0].endsWith('-') && terms.length > 1
    ? { prefix: terms[0].slice(0, -1), words: terms[1] } : { prefix: '', words: terms[0] };
}

/* The viewport rectangles of the first occurrence of words (after prefix, when given) in the
 * episode body, with case and whitespace ignored as browsers do, or null. Works with
 * JavaScript off too: evaluate runs in Playwright's own world. */
async function passageRects(page, { prefix, words }) {
  return page.evaluate(({ prefix, words }) => {
    const body = document.querySelector('.episode .body');
    // no filter callback: with JavaScript off the page cannot run one
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    let text = '';
    const at = []; // [node, offset] of each character of text
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.parentElement.closest('.passage-count'))
        continue; // the script's count badges
      for (let i = 0; i < n.data.length; i++) {
        const space = /\s/.test(n.data[i]);
        if (space && (text === '' || text.endsWith(' ')))
          continue;
        text += space ? ' ' : n.data[i].toLowerCase();
        at.push([n, i]);
      }
    }
    const norm = (s) => s.replace(/\s+/g, ' ').trim().toLowerCase();
    const needle = norm(words);
    let i = -1;
    for (const before of prefix ? [norm(prefix) + ' ', norm(prefix)] : ['']) {
      const j = text.indexOf(before + needle);
      if (j >= 0) {
        i = j + before.length;
        break;
      }
    }
    if (i < 0)
      return null;
    const range = document.createRange();
    range.setStart(at[i][0], at[i][1]);
    const [endNode, endOffset] = at[i + needle.length - 1];
    range.setEnd(endNode, endOffset + 1);
    return [...range.getClientRects()].filter((r) => r.width > 2 && r.height > 2)
      .map((r) => ({ x: r.left, y: r.top, width: r.width, height: r.height }));
  }, { prefix, words });
}

/* How many pixels inside rects of a PNG screenshot have the ::target-text background. The PNG
 * is decoded by a canvas in a blank page of its own (no CSP there). */
async function targetTextPixels(decoder, png, rects) {
  return decoder.evaluate(async ({ b64, rects, colour }) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const g = canvas.getContext('2d');
    g.drawImage(img, 0, 0);
    let n = 0;
    for (const r of rects) {
      const x = Math.max(0, Math.floor(r.x));
      const y = Math.max(0, Math.floor(r.y));
      const w = Math.min(img.width - x, Math.ceil(r.width));
      const h = Math.min(img.height - y, Math.ceil(r.height));
      if (w <= 0 || h <= 0)
        continue;
      const d = g.getImageData(x, y, w, h).data;
      for (let i = 0; i < d.length; i += 4)
        n += d[i] === colour[0] && d[i + 1] === colour[1] && d[i + 2] === colour[2] ? 1 : 0;
    }
    return n;
  }, { b64: png.toString('base64'), rects, colour: TARGET_TEXT_BACKGROUND });
}

/* Opens href in a fresh page of context, as a reader following the link would, and says whether
 * the passage is in the viewport and painted as the fragment's match. */
async function followQuoteLink(context, decoder, href, screenshotName) {
  const page = await newPage(context);
  try {
    await page.goto(href);
    const start = fragmentStart(href);
    let rects = null;
    let pixels = 0;
    // the browser scrolls and paints once the page has loaded: give it a moment (up to about
    // 8 s: on a loaded machine Chromium has been seen to take over the 3 s allowed before)
    for (let tries = 0; tries < 55 && pixels === 0; tries++) {
      await page.waitForTimeout(tries === 0 ? 100 : 150);
      rects = await passageRects(page, start);
      const viewport = page.viewportSize();
      const visible = (rects || []).filter((r) => r.y >= 0 && r.y + r.height <= viewport.height);
      if (visible.length)
        pixels = await targetTextPixels(decoder, await page.screenshot(), visible);
    }
    if (pixels > 0 && screenshotName)
      await page.screenshot({ path: path.join(ARTIFACTS, `${screenshotName}.png`) });
    noProblems(page);
    return { found: rects !== null, pixels, words: start.words };
  } finally {
    await page.close();
  }
}

/* Posts a comment quoting exact with the context a selection would have sent (the hidden
 * fields the script fills); returns its id. */
async function postQuote(page, exact, prefix, suffix, body) {
  await page.goto(EPISODE);
  await page.fill('#f-quote_exact', exact);
  await page.evaluate(({ prefix, suffix }) => {
    document.querySelector('#comment-form input[name="quote_prefix"]').value = prefix;
    document.querySelector('#comment-form input[name="quote_suffix"]').value = suffix;
  }, { prefix, suffix });
  await page.fill('#f-body', body);
  return postAndLand(page, page.locator('#comment-form button[type="submit"]'));
}

async function quoteLinksLand() {
  // A repeated phrase (its link needs the words before it) right after another quoted passage,
  // whose count badge the script must not put between those words.
  const liwei = await memberPage('liwei');
  await postQuote(liwei, 'People share their certainties in a', '', 'second language.',
    'The whole sentence turns on this half.');
  const repeated = await postQuote(liwei, 'second language', 'their certainties in a',
    '. They share', 'And this is where it turns.');
  const link = await liwei.locator(`#c-${repeated} blockquote.quote a`).getAttribute('href');
  assert.match(link, /#:~:text=[^,]*certainties%20in%20a-,second%20language$/, link);

  const guest = await browser.newContext({ baseURL: server.base, viewport: { width: 1100, height: 800 } });
  const decoder = await (await browser.newContext()).newPage();
  const failures = [];
  try {
    const links = await quoteLinks(await newPage(guest));
    assert.ok(links.length >= 4, `the demo has quote links (${links.length})`);
    assert.ok(links.includes(link));
    for (const javaScript of [true, false]) {
      const context = await browser.newContext({ baseURL: server.base, javaScriptEnabled: javaScript,
        viewport: { width: 1100, height: 800 } });
      let landed = 0;
      for (const href of links) {
        const shot = href === link ? `quote-link-landed-${javaScript ? 'js' : 'nojs'}` : null;
        let r = await followQuoteLink(context, decoder, href, shot);
        // Without JavaScript the scroll and the highlight are Chromium's own: on a loaded
        // machine it once painted nothing within the 8 s (1 link of 7, a full CI-like run,
        // passing alone). A reader would see it on a second look: one more page load.
        if (!javaScript && r.found && r.pixels === 0)
          r = await followQuoteLink(context, decoder, href, shot);
        if (r.found && r.pixels > 50)
          landed++;
        else
          failures.push(`${javaScript ? 'with' : 'without'} JavaScript: ${href} (words "${r.words}"${r.found ? '' : ' not in the body'}, ${r.pixels} highlighted pixels in view)`);
      }
      console.log(`    quote links landing with JavaScript ${javaScript ? 'on' : 'off'}: ${landed} of ${links.length}`);
      for (const f of failures)
        console.log(`    not landing ${f}`);
      await context.close();
    }
  } finally {
    await decoder.context().close();
    await guest.close();
  }
  assert.deepEqual(failures, [], 'every quote link scrolls to its passage and highlights it');
}

// ------------------------------------------------------------------ the tests

test('quote_a_passage_selected_with_the_mouse', async () => {
  const page = await memberPage('sam');
  // "Slower meetings." is bold: the selection starts inside <strong> and ends outside it
  const { id, fields } = await quoteByMouse(page, {
    startNeedle: 'Slower meetings.', startAt: 'Slower '.length,
    endNeedle: ' Anyone could say', endAt: ' Anyone could say'.length - 1,
    body: 'Saying "again, more slowly" out loud is such a small, kind habit.',
  });
  assert.equal(fields.exact, 'meetings. Anyone could say');
  assert.ok(fields.prefix.endsWith('confusion. Slower'), `prefix: ${fields.prefix}`);
  assert.ok(fields.suffix.startsWith('"again, more slowly'), `suffix: ${fields.suffix}`);
  assert.ok([...fields.prefix].length <= 32 && [...fields.suffix].length <= 32);

  // the redirect lands on the comment, which shows the quote as a link into the text
  const quote = page.locator(`#c-${id} blockquote.quote a`);
  assert.equal(await quote.textContent(), 'meetings. Anyone could say');
  assert.match(await quote.getAttribute('href'), /#:~:text=/);
  assert.match(await page.locator(`#c-${id} .comment-body`).textContent(), /small, kind habit/);

  // back on the episode page, the passage is marked in the text with its count
  await page.goto(EPISODE);
  const li = page.locator(`.passage-list li[data-first="c-${id}"]`);
  assert.equal(await li.getAttribute('data-exact'), 'meetings. Anyone could say');
  const mark = await passageMark(page, id);
  assert.equal(mark.text, 'meetings. Anyone could say');
  assert.equal(mark.marks, 2, 'one mark inside <strong>, one after it');
  assert.deepEqual(mark.badge, { text: '1', label: '1 comment on this passage', endsBlock: true });
  noProblems(page);
  await screenshot(page, 'episode-quoted-passage');

  // the badge leads to the comment
  await page.locator(`a.passage-count[href="#c-${id}"]`).click();
  assert.ok(page.url().endsWith(`#c-${id}`));
});

test('quote_of_a_repeated_phrase_keeps_its_place', async () => {
  const page = await memberPage('sam');
  // "second language" is in the text twice; select the one in the pull quote
  const needle = 'certainties in a second language.';
  const start = 'certainties in a '.length;
  const { id, fields } = await quoteByMouse(page, {
    startNeedle: needle, startAt: start, endNeedle: needle, endAt: start + 'second language'.length - 1,
    body: 'This line is the whole letter for me.',
  });
  assert.equal(fields.exact, 'second language');
  assert.ok(fields.prefix.endsWith('their certainties in a'), `prefix: ${fields.prefix}`);
  assert.ok(fields.suffix.startsWith('. They share their doubts'), `suffix: ${fields.suffix}`);
  await page.goto(EPISODE);
  const mark = await passageMark(page, id);
  assert.equal(mark.text, 'second language');
  assert.ok(mark.inBlockquote, 'the second occurrence (in the pull quote) is marked, not the first');
  // and the first occurrence is left alone
  const firstOccurrence = await page.evaluate(() => {
    const p = [...document.querySelectorAll('.episode .body p')]
      .find((el) => el.textContent.includes('learn out loud in their second language'));
    return p.querySelector('mark') === null;
  });
  assert.ok(firstOccurrence);
  noProblems(page);
});

test('reactions_change_in_place_and_back', async () => {
  const page = await memberPage('liwei');
  await page.goto(EPISODE);
  let commentId = await page.evaluate(() => {
    const c = document.querySelector('article.comment .reactions[data-target="comment"]');
    return c ? Number(c.dataset.id) : 0;
  });
  if (!commentId) // run alone: make a comment to react to
    commentId = await postComment(page, 'Something to react to.');
  await page.goto(EPISODE);
  await markStay(page);
  const navigations = [];
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations.push(f.url()); });

  for (const form of [EPISODE_REACTIONS, `#c-${commentId} > .reactions`]) {
    const target = form === EPISODE_REACTIONS ? 'episode' : 'comment';
    const id = await page.locator(form).getAttribute('data-id');
    const before = await reaction(page, form, 'insightful');
    assert.equal(before.pressed, 'false');
    if (before.value === null) // a comment's unused kinds wait behind "React"
      await page.locator(`${form} > a.react-more`).click();
    else
      assert.equal(before.value, `${target}:${id}:insightful:1`);
    await page.locator(`${form} button[name="react"][value*=":insightful:"]`).click();
    await waitForCount(page, form, 'insightful', before.count + 1);
    const on = await reaction(page, form, 'insightful');
    assert.equal(on.pressed, 'true');
    assert.equal(on.value, `${target}:${id}:insightful:0`);
    if (form === EPISODE_REACTIONS)
      await screenshot(page, 'episode-reacted');

    await on.button.click(); // take it back
    await waitForCount(page, form, 'insightful', before.count);
    const off = await reaction(page, form, 'insightful');
    assert.equal(off.pressed, 'false');
    if (before.value !== null)
      assert.equal(off.value, `${target}:${id}:insightful:1`);
  }
  assert.ok(await stayed(page), 'the page was not reloaded');
  assert.deepEqual(navigations, []);

  // the server agrees: a change made in place is there after a reload
  const love = await reaction(page, EPISODE_REACTIONS, 'love');
  const step = love.pressed === 'true' ? -1 : 1; // the demo has reactions of its own
  await love.button.click();
  await waitForCount(page, EPISODE_REACTIONS, 'love', love.count + step);
  await page.reload();
  const after = await reaction(page, EPISODE_REACTIONS, 'love');
  assert.equal(after.count, love.count + step);
  assert.equal(after.pressed, step > 0 ? 'true' : 'false');
  noProblems(page);
});

test('reaction_falls_back_to_the_form_when_the_api_fails', async () => {
  const page = await memberPage('liwei');
  await page.goto(EPISODE);
  let tried = 0;
  await page.route('**/api/v1/reactions', (route) => { tried++; route.abort('failed'); });
  await markStay(page);
  const before = await reaction(page, EPISODE_REACTIONS, 'celebrate');
  assert.equal(before.pressed, 'false');
  await Promise.all([page.waitForNavigation(), before.button.click()]);
  assert.equal(tried, 1, 'the script tried the API first');
  assert.equal(await stayed(page), false, 'then sent the plain form: a new page');
  const after = await reaction(page, EPISODE_REACTIONS, 'celebrate');
  assert.equal(after.count, before.count + 1);
  assert.equal(after.pressed, 'true');
  await page.unroute('**/api/v1/reactions');
  await after.button.click(); // the API again, in place
  await waitForCount(page, EPISODE_REACTIONS, 'celebrate', before.count);
});

test('reply_to_a_reply_nests_three_levels', async () => {
  const liwei = await memberPage('liwei');
  const sam = await memberPage('sam');
  const top = await postComment(liwei, 'Our team thinks in Portuguese and writes in English.');

  await sam.goto(EPISODE); // not EPISODE#c-N: from EPISODE#c-M that would not load anew
  await sam.click(`#c-${top} > .comment-actions > a.reply`); // the form opens in place
  await sam.fill(`#reply-${top}`, 'Does anything get lost between the two?');
  const middle = await postAndLand(sam, sam.locator(`#c-${top} > .comment-actions > form.reply-form button[type="submit"]`));

  await liwei.goto(EPISODE);
  await liwei.click(`#c-${middle} > .comment-actions > a.reply`);
  await liwei.fill(`#reply-${middle}`, 'The doubts, mostly. Exactly as the letter says.');
  const bottom = await postAndLand(liwei, liwei.locator(`#c-${middle} > .comment-actions > form.reply-form button[type="submit"]`));

  const nested = liwei.locator(`article#c-${top} > .replies > article#c-${middle} > .replies > article#c-${bottom}`);
  assert.equal(await nested.count(), 1, 'reply inside reply inside comment');
  assert.match(await nested.locator(':scope > .comment-body').textContent(), /The doubts, mostly/);
  assert.equal(await liwei.locator(`article#c-${bottom} .replies`).count(), 0);
  // each level is indented further than the one above it
  const x = async (id) => (await liwei.locator(`#c-${id} > .comment-head`).boundingBox()).x;
  const [x1, x2, x3] = [await x(top), await x(middle), await x(bottom)];
  assert.ok(x1 < x2 && x2 < x3, `indents ${x1} < ${x2} < ${x3}`);
  await liwei.locator(`#c-${top}`).scrollIntoViewIfNeeded();
  await screenshot(liwei, 'episode-thread');
  noProblems(liwei);
  noProblems(sam);
});

test('delete_asks_first', async () => {
  const page = await memberPage('sam');
  const id = await postComment(page, 'A comment I will think better of.');
  await markStay(page);
  const del = page.locator(`#c-${id} button[data-confirm]`);
  let asked = null;
  page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
  await del.click();
  await page.waitForTimeout(300);
  assert.equal(asked, 'Delete this comment?');
  assert.ok(await stayed(page), 'cancelling keeps the page');
  assert.equal(await page.locator(`#c-${id} .comment-body`).count(), 1);

  page.once('dialog', (d) => d.accept());
  await Promise.all([page.waitForNavigation(), del.click()]);
  assert.equal(await page.locator(`#c-${id} .comment-body`).count(), 0, 'the comment is gone');
  noProblems(page);
});

test('without_javascript_forms_still_work', async () => {
  const page = await memberPage('ana', { javaScript: false });
  await page.goto(EPISODE);
  // every page links the script, deferred, with its content hash
  assert.match(await page.locator('script').last().evaluate((s) => s.outerHTML),
    /^<script src="\/static\/kindred\.js\?v=[0-9a-f]{16}" defer=""><\/script>$/);
  assert.equal(await page.locator('.quote-button').count(), 0);
  assert.equal(await page.locator('mark.passage').count(), 0);

  // react through the plain form: the server answers with the page again
  const before = await reaction(page, EPISODE_REACTIONS, 'agree');
  assert.equal(before.pressed, 'false');
  await Promise.all([page.waitForNavigation(), before.button.click()]);
  const after = await reaction(page, EPISODE_REACTIONS, 'agree');
  assert.equal(after.count, before.count + 1);
  assert.equal(after.pressed, 'true');
  assert.match(after.value, /^episode:\d+:agree:0$/); // "target:id:kind:0" takes it back

  // quote by pasting: line breaks and doubled spaces are fine
  await page.fill('#f-quote_exact', '  polite,  careful\nand quietly divided ');
  await page.fill('#f-body', 'We had the same kind of quiet divide.');
  const id = await postAndLand(page, page.locator('#comment-form button[type="submit"]'));
  assert.equal(await page.locator(`#c-${id} blockquote.quote a`).textContent(),
    'polite, careful and quietly divided');
  assert.equal(await page.locator(`.passage-list li[data-first="c-${id}"]`).getAttribute('data-exact'),
    'polite, careful and quietly divided');
  await screenshot(page, 'episode-without-javascript');

  // a passage that is not in the episode is refused, and the comment kept
  await page.goto(EPISODE);
  await page.fill('#f-quote_exact', 'words that are nowhere in this letter');
  await page.fill('#f-body', 'Kept for another try.');
  await Promise.all([page.waitForNavigation(), page.click('#comment-form button[type="submit"]')]);
  assert.match(await page.locator('.field-error, .form-error').first().textContent(), /not in this episode/);
  assert.equal(await page.inputValue('#f-body'), 'Kept for another try.');
});

test('guests_see_marked_passages_but_no_quote_button', async () => {
  const context = await browser.newContext({ baseURL: server.base });
  try {
    const page = await newPage(context);
    await page.goto(EPISODE);
    assert.ok(await page.locator('.passage-list li').count() > 0, 'the demo has quoted passages');
    assert.ok(await page.locator('.episode .body mark.passage').count() > 0, 'passages are marked');
    assert.ok(await page.locator('.episode .body a.passage-count').count() > 0);
    assert.equal(await page.locator('.quote-button').count(), 0, 'no quoting without an account');
    assert.equal(await page.locator('.reactions[data-target], button[name="react"], #kd-act').count(), 0);
    // selecting text does nothing for a guest
    const from = await charBox(page, 'Slower', 0, { scroll: true });
    await dragSelect(page, from, await charBox(page, 'Slower', 5));
    await page.waitForTimeout(300);
    assert.equal(await page.locator('.quote-button').count(), 0);
    noProblems(page);
  } finally {
    await context.close();
  }
});

test('quote_links_land_on_the_passage', quoteLinksLand);

// The Chinese interface around English content, as a newcomer switches to it in the footer:
// a guest's switch keeps the page, the page speaks Chinese while the letter stays English, the
// script's own words come in Chinese, and a member signing in on that browser gets the editor in
// Chinese too (the kd_lang cookie; mira has no saved language, so nothing changes for her other
// browsers). Screenshots: episode-zh.png and editor-zh.png (JavaScript on), *-nojs.png (off).
test('chinese_interface_from_the_footer_switcher', async () => {
  for (const javaScript of [false, true]) {
    const suffix = javaScript ? '' : '-nojs';
    const context = await browser.newContext({ baseURL: server.base, javaScriptEnabled: javaScript,
      locale: 'en-GB', viewport: { width: 1100, height: 800 } });
    try {
      const page = await newPage(context);
      await page.goto(`${EPISODE}?from=switcher`);
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      assert.match(await page.locator('#comments-h').textContent(), /^\d+ comments?$/);
      // the real form: pick the language, press the button, land on the same page
      await page.selectOption('#kd-language', 'zh-CN');
      await Promise.all([page.waitForNavigation(),
        page.click('form.language-switcher button[type="submit"]')]);
      assert.equal(new URL(page.url()).pathname + new URL(page.url()).search,
        `${EPISODE}?from=switcher`, 'the switcher brings the reader back, query and all');
      assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
      assert.match(await page.locator('#comments-h').textContent(), /^\d+ 条评论$/);
      assert.equal(await page.locator('#kd-language').inputValue(), 'zh-CN');
      assert.equal(await page.locator('.site-header a[href="/login"]').textContent(), '登录');
      // the letter stays English, and says so
      assert.equal(await page.getAttribute('.episode h1.p-name', 'lang'), 'en');
      assert.equal(await page.getAttribute('.episode .body', 'lang'), 'en');
      assert.match(await page.locator('.episode .body').textContent(), /People share their certainties/);
      // Li Wei writes in Chinese
      assert.ok(await page.locator('.comment-body[lang="zh-CN"]').count() > 0, 'a comment marked zh-CN');
      if (javaScript) {
        // words the script writes: the passage badges' labels
        const badge = page.locator('.episode .body a.passage-count').first();
        await badge.waitFor();
        assert.match(await badge.getAttribute('aria-label'), /^这段话有 \d+ 条评论$/);
      } else {
        assert.equal(await page.locator('.episode .body a.passage-count').count(), 0);
      }
      await screenshot(page, `episode-zh${suffix}`);
      noProblems(page);

      // Mira signs in on this browser: the login page and the editor are in Chinese.
      await page.goto('/login');
      assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
      await page.fill('#f-login', 'mira');
      await page.fill('#f-password', PASSWORD);
      await Promise.all([page.waitForURL((url) => url.pathname !== '/login'),
        page.click('main form button[type="submit"]')]);
      await page.goto(EPISODE);
      const edit = page.locator('main a.button[href^="/write/episode/"]');
      assert.equal(await edit.textContent(), '编辑本期');
      if (javaScript) {
        // a member's script offers quoting, in Chinese
        const from = await charBox(page, 'Slower', 0, { scroll: true });
        await dragSelect(page, from, await charBox(page, 'Slower', 5));
        const quote = page.locator('.quote-button');
        await quote.waitFor({ state: 'visible' });
        assert.equal(await quote.textContent(), '引用这段话');
      }
      await Promise.all([page.waitForNavigation(), edit.click()]);
      assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
      assert.equal(await page.locator('main h1').first().textContent(), '编辑本期');
      assert.equal(await page.locator('#f-language').inputValue(), 'en');
      await Promise.all([page.waitForNavigation(),
        page.click('button[name="action"][value="preview"]')]);
      assert.equal(await page.locator('#preview-h').textContent(), '预览');
      assert.equal(await page.getAttribute('.preview article.episode', 'lang'), 'en');
      assert.match(await page.locator('.preview .meta').textContent(), /\d+ 字/);
      await screenshot(page, `editor-zh${suffix}`);
      noProblems(page);
    } finally {
      await context.close();
    }
  }
});

test('too_many_reactions_says_so_in_place', async () => {
  const page = await memberPage('june');
  await page.goto(EPISODE);
  // spend the minute's allowance through the API, as a too-eager reader would
  const statuses = await page.evaluate(async () => {
    const form = document.querySelector('.reactions[data-target="episode"]');
    const csrf = document.querySelector('#kd-act input[name="_csrf"]').value;
    const seen = [];
    for (let i = 0; i < 125 && !seen.includes(429); i++) {
      const res = await fetch('/api/v1/reactions', {
        method: i % 2 ? 'DELETE' : 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
        body: JSON.stringify({ target: 'episode', id: Number(form.dataset.id), kind: 'curious' }),
      });
      seen.push(res.status);
    }
    return seen;
  });
  assert.equal(statuses[statuses.length - 1], 429, 'the allowance runs out');
  await markStay(page);
  const before = await reaction(page, EPISODE_REACTIONS, 'like');
  await before.button.click();
  const status = page.locator(`${EPISODE_REACTIONS} [role="status"]`);
  await page.waitForFunction((sel) => document.querySelector(sel).textContent.length > 0,
    `${EPISODE_REACTIONS} [role="status"]`);
  assert.match(await status.textContent(), /faster than this site allows/);
  const after = await reaction(page, EPISODE_REACTIONS, 'like');
  assert.equal(after.count, before.count);
  assert.equal(after.pressed, before.pressed);
  assert.ok(await stayed(page));
  noProblems(page);
});

test('asks_propose_and_vote_in_place_and_without_javascript', async () => {
  const asks = '/n/learning-in-public/asks';
  const liwei = await memberPage('liwei');
  await liwei.goto(`${asks}/new`);
  await liwei.fill('#f-title', 'Browser-tested ask: retros across time zones');
  await liwei.fill('#f-body', 'Half of us start when the others *finish*.');
  await Promise.all([liwei.waitForURL(/\/asks\/\d+$/), liwei.click('main form button[type="submit"]')]);
  const id = /\/asks\/(\d+)$/.exec(liwei.url())[1];
  const mine = liwei.locator(`form.ask-vote[data-ask="${id}"] button.vote`);
  assert.equal(await mine.getAttribute('aria-pressed'), 'true', 'proposing is a vote');
  assert.equal(await mine.locator('.count').textContent(), '1');
  noProblems(liwei);

  // with JavaScript the vote changes in place, and back
  const ana = await memberPage('ana');
  await ana.goto(`${asks}?view=new`);
  await markStay(ana);
  const button = ana.locator(`form.ask-vote[data-ask="${id}"] button.vote`);
  assert.equal(await button.getAttribute('aria-pressed'), 'false');
  await button.click();
  await ana.waitForFunction((sel) => document.querySelector(sel).getAttribute('aria-pressed') === 'true',
    `form.ask-vote[data-ask="${id}"] button.vote`);
  assert.equal(await button.locator('.count').textContent(), '2');
  assert.equal(await button.locator('.vote-label').textContent(), 'votes');
  await screenshot(ana, 'asks-voted-in-place');
  await button.click();
  await ana.waitForFunction((sel) => document.querySelector(sel).getAttribute('aria-pressed') === 'false',
    `form.ask-vote[data-ask="${id}"] button.vote`);
  assert.equal(await button.locator('.count').textContent(), '1');
  assert.ok(await stayed(ana), 'the page was not reloaded');
  noProblems(ana);

  // without JavaScript the plain form votes and comes back to the same list
  const sam = await memberPage('sam', { javaScript: false });
  await sam.goto(`${asks}/${id}`);
  const plain = sam.locator(`form.ask-vote[data-ask="${id}"] button.vote`);
  await Promise.all([sam.waitForNavigation(), plain.click()]);
  assert.equal(new URL(sam.url()).pathname, `${asks}/${id}`);
  assert.equal(await plain.getAttribute('aria-pressed'), 'true');
  assert.equal(await plain.locator('.count').textContent(), '2');
  await screenshot(sam, 'ask-voted-without-javascript');
});

// "Questions for you" and "I tried this" (web/prompts.c, web/tried.c), with JavaScript and
// without: a member answers a question under it, and records trying the idea and how it went.
// Screenshots: prompts-answered.png, tried-recorded.png.
for (const javaScript of [true, false]) {
  test(`answer_a_question_and_say_you_tried_it${javaScript ? '' : '_without_javascript'}`, async () => {
    const page = await memberPage(javaScript ? 'admin' : 'tomas', { javaScript }); // neither tried it yet
    await page.goto(EPISODE);
    const question = page.locator('.prompt-list > .prompt').nth(1);
    const qid = Number((await question.getAttribute('id')).slice(2));
    const text = javaScript ? 'Nothing broke, and we wrote down why.' : 'A note in two languages, 两种语言。';
    await question.locator('textarea[name="body"]').last().fill(text);
    const id = await postAndLand(page, question.locator('.answer-form button[type="submit"]'));
    const answer = page.locator(`#q-${qid} #c-${id}`);
    assert.equal(await answer.count(), 1, 'the answer sits under its question');
    assert.match(await answer.locator('.comment-body').first().textContent(), /two languages|wrote down why/);
    assert.equal(await page.locator(`#comments #c-${id}`).count(), 0, 'not in the conversation');
    if (javaScript)
      await screenshot(page, 'prompts-answered');

    await page.goto(EPISODE + '#tried');
    const box = page.locator('#tried');
    const before = Number(/(\d+)/.exec(await box.locator('.tried-summary').textContent())?.[1] || 0);
    await box.locator('textarea[name="note"]').fill('Ran a Friday note with my team.');
    await Promise.all([page.waitForURL(/#tried$/), box.locator('.tried-form button[type="submit"]').click()]);
    await page.locator('#tried input[name="outcome"][value="worked"]').check();
    await page.locator('#tried textarea[name="outcome_note"]').fill('People wrote more honestly.');
    await Promise.all([page.waitForURL(/#tried$/), page.locator('#tried .tried-outcome button[type="submit"]').click()]);
    const summary = await page.locator('#tried .tried-summary').textContent();
    assert.match(summary, new RegExp(`${before + 1} (person|people) tried this`));
    assert.match(summary, /worked/);
    assert.ok(await page.locator('#tried .tried-mine').count() === 1, 'the member sees their record');
    if (javaScript)
      await screenshot(page, 'tried-recorded');
    noProblems(page);
  });
}

// Spaces (web/spaces.c): ana starts a thread with the plain form (no JavaScript), sam answers
// her opening post from its Reply button, and ana finds the reply quoted under her thread and
// a notification more.
test('start_a_thread_in_a_space_and_get_a_reply', async () => {
  const ana = await memberPage('ana', { javaScript: false });
  await ana.goto('/');
  const unreadBefore = Number(await ana.locator('.notifications-link .unread-count').textContent()
    .catch(() => '0')) || 0;
  await ana.goto('/spaces/porch');
  await ana.fill('#new-thread #f-title', 'Does anyone else grade in cafés?');
  await ana.fill('#new-thread #f-body', 'The noise helps me *concentrate*. Is that strange?');
  await Promise.all([ana.waitForURL(/\/spaces\/porch\/\d+$/), ana.click('#new-thread button[type="submit"]')]);
  const threadUrl = new URL(ana.url()).pathname;
  assert.equal(await ana.locator('main h1').textContent(), 'Does anyone else grade in cafés?');
  assert.equal(await ana.locator('article.post em').first().textContent(), 'concentrate');
  const sam = await memberPage('sam');
  await sam.goto(threadUrl);
  const opening = sam.locator('article.post').first();
  await opening.locator('details.reply summary').click();
  await opening.locator('details.reply textarea').fill('Not strange at all: I sketch best on trams.');
  await Promise.all([sam.waitForURL(/#p-\d+$/), opening.locator('details.reply button[type="submit"]').click()]);
  const replyId = new URL(sam.url()).hash.slice(1);
  const reply = sam.locator(`article#${replyId}`);
  assert.match(normalise(await reply.locator('.post-parent').textContent()),
    /In reply to Ana Beatriz Costa The noise helps me concentrate\. Is that strange\?$/);
  noProblems(sam);
  await ana.goto(threadUrl);
  assert.match(await ana.locator('main').textContent(), /I sketch best on trams/);
  const unreadAfter = Number(await ana.locator('.notifications-link .unread-count').textContent());
  assert.equal(unreadAfter, unreadBefore + 1, 'ana is told of the reply');
  await screenshot(ana, 'space-thread');
  noProblems(ana);
  await ana.close();
  await sam.close();
});

// A member writes a build-on quoting a passage (with JavaScript and without), lands on its page,
// and its quote leads back to the passage in the episode.
test('buildon_quoting_a_passage', async () => {
  const RETRO = '/n/learning-in-public/the-fifteen-minute-retro';
  const decoder = await (await browser.newContext()).newPage();
  try {
    for (const javaScript of [true, false]) {
      const page = await memberPage('ana', { javaScript });
      await page.goto(RETRO);
      await Promise.all([page.waitForURL(/\/b\/new$/),
        page.click('#buildons a.button[href$="/b/new"]')]);
      await page.fill('#f-title', `Three questions in a workshop (${javaScript ? 'js' : 'no js'})`);
      await page.fill('#f-quote_exact', 'Surprise is where the learning is.');
      await page.fill('#f-body', 'I tried the *first question* alone with a workshop of twelve.');
      await Promise.all([page.waitForURL(/\/b\/\d+$/),
        page.click('form.buildon-form button[type="submit"]')]);
      assert.match(await page.locator('article.buildon h1').textContent(), /Three questions in a workshop/);
      assert.equal(await page.locator('article.buildon .buildon-body em').textContent(), 'first question');
      const chain = await page.locator('nav.chain li').allTextContents();
      assert.equal(chain.length, 2, 'the chain: the episode, this one');
      const link = await page.locator('article.buildon blockquote.quote a').getAttribute('href');
      assert.match(link, new RegExp(`^${RETRO}#:~:text=`), link);
      await screenshot(page, `buildon-written-${javaScript ? 'js' : 'nojs'}`);
      const landed = await followQuoteLink(page.context(), decoder, link,
        javaScript ? 'buildon-quote-landed' : null);
      assert.ok(landed.found && landed.pixels > 50, `the quote link lands (${landed.pixels} px)`);
      await page.goto(RETRO);
      assert.ok(await page.locator('#buildons').getByText(/Three questions in a workshop/).count() >= 1,
        'the episode shows it under Built on this');
      noProblems(page);
      await page.close();
    }
  } finally {
    await decoder.context().close();
  }
});

// Insights beacons (docs/insights.md, "Recording"): with JavaScript, "seen" after 3 s of being
// visible and "read" once the end of the text was in view after 30% of the reading time (a
// skimmer who jumps to the end at once has not read it); without, only the "seen" image. The
// page's clock is Playwright's, so the minute of reading takes no minute.
test('reading_beacons_seen_then_read', async () => {
  for (const javaScript of [true, false]) {
    const context = await browser.newContext({ javaScriptEnabled: javaScript, baseURL: server.base,
      viewport: { width: 1100, height: 800 } });
    try {
      const page = await newPage(context);
      const sent = [];
      page.on('requestfinished', async (req) => {
        const url = new URL(req.url());
        if (url.pathname.startsWith('/e')) {
          const res = await req.response();
          sent.push(`${req.method()} ${url.pathname} ${req.postData() || ''} ${res ? res.status() : 0}`);
        }
      });
      if (!javaScript) {
        await page.goto(EPISODE);
        await page.waitForTimeout(500);
        await page.mouse.wheel(0, 20000);
        await page.waitForTimeout(500);
        const id = await page.locator('#kd-reading').getAttribute('data-episode');
        assert.deepEqual(sent, [`GET /e/${id}/seen.gif  200`], 'only the seen image, once');
        noProblems(page);
        continue;
      }
      await page.clock.install();
      await page.goto(EPISODE);
      const id = await page.locator('#kd-reading').getAttribute('data-episode');
      const minutes = Number(await page.locator('#kd-reading').getAttribute('data-minutes'));
      const readAfter = Math.min(180_000, Math.max(10_000, minutes * 60_000 * 0.3));
      await page.clock.runFor(2000);
      assert.deepEqual(sent, [], 'nothing in the first 2 s');
      // a beacon's answer arrives in real time, not on the page's clock: wait for it (up to
      // 10 s on a loaded machine), then check nothing more came
      const answered = async (n) => {
        for (let waited = 0; sent.length < n && waited < 10_000; waited += 50)
          await new Promise((resolve) => setTimeout(resolve, 50));
        await new Promise((resolve) => setTimeout(resolve, 300));
      };
      await page.clock.runFor(2000);
      await page.waitForFunction(() => true);
      await answered(1);
      assert.deepEqual(sent, [`POST /e episode=${id}&kind=seen 204`], 'seen after 3 s');
      await page.locator('#kd-read-marker').scrollIntoViewIfNeeded();
      await page.clock.runFor(2000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(sent.length, 1, 'at the end after 6 s: not read yet');
      await page.clock.runFor(readAfter);
      await answered(2);
      assert.deepEqual(sent, [`POST /e episode=${id}&kind=seen 204`,
        `POST /e episode=${id}&kind=read 204`], `read after ${readAfter / 1000} s`);
      await page.clock.runFor(readAfter);
      assert.equal(sent.length, 2, 'each once per page');
      noProblems(page);
    } finally {
      await context.close();
    }
  }
});

// Insights (web/insights.c): mira opens her newsletter's insights over a few weeks of history
// loaded with `kindred events load`; the charts are inline SVG with their tables, the page
// passes an axe-core audit (no serious or critical violation), and at 360 px nothing scrolls
// sideways.
test('insights_charts_tables_and_accessibility', async () => {
  const lines = [];
  const ev = (at, kind, member, episode, other = '') =>
    lines.push([at, kind, member, '', 2, episode, other, ''].join('\t'));
  const days = { 6: '2026-11-10', 7: '2026-11-17', 8: '2026-11-24', 9: '2026-12-01' };
  for (const [episode, day] of Object.entries(days)) {
    for (const member of [4, 5, 6, 7]) ev(`${day}T09:00:00Z`, 'view', member, episode);
    ev(`${day}T10:00:00Z`, 'reaction', 5, episode);
    ev(`${day}T10:00:00Z`, 'comment', 6, episode);
    ev(`${day}T11:00:00Z`, 'reply', 7, episode, 6);
    ev(`${day}T12:00:00Z`, 'reply', 2, episode, 6);
  }
  ev('2026-11-18T10:00:00Z', 'buildon', 7, 7, 2);
  execFileSync(KINDRED_BIN, ['events', 'load', '-', '--data', server.data],
    { input: lines.join('\n') + '\n', stdio: ['pipe', 'pipe', 'pipe'], env: serverEnv });

  const page = await memberPage('mira');
  await page.goto('/');
  await Promise.all([page.waitForURL(/\/insights$/), page.click('.member-menu a[href="/insights"]')]);
  await Promise.all([page.waitForURL(/\/insights\/learning-in-public/),
    page.click('.insights-index a[href="/insights/learning-in-public"]')]);
  await page.goto('/insights/learning-in-public?from=2026-11-02&to=2026-12-06');
  // every chart is an accessible SVG image with a title, and has its numbers as a table
  const charts = page.locator('figure.chart');
  assert.ok(await charts.count() >= 6, 'the charts');
  for (const id of ['returning', 'ladder', 'cohorts', 'm2m', 'connections']) {
    const figure = page.locator(`#chart-${id}`);
    const svg = figure.locator('svg[role="img"]');
    assert.equal(await svg.count(), 1, `${id}: one svg`);
    const labelledBy = await svg.getAttribute('aria-labelledby');
    assert.ok((await figure.locator(`[id="${labelledBy}"]`).textContent()).length > 0, `${id}: title`);
    await figure.locator('details.chart-numbers summary').click();
    assert.ok(await figure.locator('table tbody tr').count() >= 1, `${id}: the table`);
  }
  // the ladder's table and its drawing say the same: at least the four readers who viewed
  const readers = Number(await page.locator('#chart-ladder tbody tr').first().locator('td').first().textContent());
  assert.ok(readers >= 4, `readers: ${readers}`);
  assert.match(await page.locator('#chart-ladder svg').textContent(), new RegExp(`Readers: ${readers}\\b`));
  await screenshot(page, 'insights-desktop');

  // the accessibility audit, in a context of its own that lets the test inject axe-core (the
  // site's CSP allows no script but its own, rightly)
  const auditContext = await browser.newContext({ baseURL: server.base, bypassCSP: true,
    viewport: { width: 1100, height: 800 } });
  try {
    const audit = await newPage(auditContext);
    await audit.goto('/login');
    await audit.fill('#f-login', 'mira');
    await audit.fill('#f-password', PASSWORD);
    await Promise.all([audit.waitForURL((url) => url.pathname !== '/login'),
      audit.click('main form button[type="submit"]')]);
    for (const address of ['/insights/learning-in-public?from=2026-11-02&to=2026-12-06', '/insights',
      '/insights/learning-in-public?from=2026-13-45']) {
      await audit.goto(address);
      await audit.addScriptTag({ path: path.join(here, 'node_modules', 'axe-core', 'axe.min.js') });
      const result = await audit.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
      const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
        [], `axe-core on ${address}: serious or critical violations`);
    }
  } finally {
    await auditContext.close();
  }

  // a phone: no sideways scrolling, the charts shrink to fit
  await page.setViewportSize({ width: 360, height: 800 });
  await page.reload();
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth,
    document.documentElement.clientWidth]);
  assert.ok(widths[0] <= widths[1], `no horizontal scroll at 360 px (${widths})`);
  const svgWidth = await page.locator('#chart-returning svg').evaluate((el) => el.getBoundingClientRect().width);
  assert.ok(svgWidth <= 360, `the chart fits (${svgWidth} px)`);
  await screenshot(page, 'insights-360');
  noProblems(page);
  await page.setViewportSize({ width: 1100, height: 800 });
  await page.close();
});

test('the_demo_mailbox_shows_what_the_site_sends', async () => {
  execFileSync(KINDRED_BIN, ['mail', 'test', 'newcomer@example.org', '--data', server.data],
    { stdio: 'pipe', env: serverEnv });
  const m = await mailFor((x) => x.to === 'newcomer@example.org', 'for newcomer@example.org');
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await newPage(context);
  await page.goto(server.mailbox.url + '/');
  await page.click(`a[href="/m/${m.id}"]`);
  assert.match(await page.locator('h1').innerText(), /Test message from/);
  assert.match(await page.locator('pre').innerText(), /if you read it, mail works/);
  await screenshot(page, 'mailbox-message');
  await context.close();
});

test('a_newcomer_confirms_the_address_then_resets_the_password', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await newPage(context);
  await page.goto(server.base + '/signup');
  await page.fill('#f-handle', 'browser_newcomer');
  await page.fill('#f-display_name', 'Browser Newcomer');
  await page.fill('#f-email', 'browser-newcomer@example.org');
  await page.fill('#f-password', 'a long enough passphrase');
  await page.click('form[action="/signup"] button[type="submit"]');
  assert.match(await page.locator('h1').innerText(), /Check your inbox/);
  await screenshot(page, 'signup-check-inbox');
  const confirm = await mailFor((x) => x.to.includes('browser-newcomer@example.org') &&
    /Confirm your account/.test(x.subject), 'confirming the sign-up');
  await page.goto(mailedLink(confirm, '/signup/confirm'));
  await page.click('form[action="/signup/confirm"] button[type="submit"]');
  await page.goto(server.base + '/settings');
  assert.match(await page.content(), /browser-newcomer@example\.org/);
  // forgotten: log out, ask for a link from the login page, choose a new password
  await context.clearCookies();
  await page.goto(server.base + '/login');
  await page.click('a[href="/password/forgot"]');
  await page.fill('#f-email', 'browser-newcomer@example.org');
  await page.click('form[action="/password/forgot"] button[type="submit"]');
  assert.match(await page.locator('.notice').innerText(), /on its way/);
  const reset = await mailFor((x) => x.to.includes('browser-newcomer@example.org') &&
    /Reset your password/.test(x.subject), 'with a reset link');
  await page.goto(mailedLink(reset, '/password/reset'));
  await page.fill('#f-password', 'an even newer passphrase');
  await page.click('form[action="/password/reset"] button[type="submit"]');
  assert.match(await page.locator('.notice').innerText(), /new password is saved/);
  await screenshot(page, 'password-reset-done');
  await mailFor((x) => x.to.includes('browser-newcomer@example.org') &&
    /password on .* was changed/.test(x.subject), 'saying the password changed');
  await context.close();
});

/* Issue 14's "done when", as a newcomer walks it in the demo: subscribe by email as a guest,
 * confirm, receive the next scheduled episode, unsubscribe in one click; choose a weekly
 * digest (the reset of a forgotten password is the test above). Without JavaScript throughout. */
test('mail_journeys_of_a_newcomer', async () => {
  const guest = await plainPage();
  const address = 'newcomer-guest@example.org';
  await guest.goto('/n/learning-in-public');
  const form = guest.locator('form.subscribe-email').first();
  await form.locator('input[name="email"]').fill(address);
  await Promise.all([guest.waitForLoadState(), form.locator('button[type="submit"]').click()]);
  assert.match(await guest.locator('main h1').innerText(), /Check your inbox/);
  await screenshot(guest, 'mail-1-subscribe-check-inbox');

  // the confirmation link: opening it changes nothing, its button confirms
  const confirm = await mailFor((m) => m.to.includes(address) && m.links.some((l) => l.includes('/subscribe/confirm')),
    'with the confirmation link');
  await guest.goto(linkIn(confirm, '/subscribe/confirm'));
  await Promise.all([guest.waitForLoadState(), guest.click('main form button[type="submit"]')]);
  await screenshot(guest, 'mail-2-subscribed');

  // the author publishes the scheduled episode (its time set to this minute, UTC)
  const mira = await memberPage('mira', { javaScript: false });
  await mira.goto('/write');
  const edit = mira.locator('a[href^="/write/episode/"]', { hasText: 'Demo Days Without the Theatre' }).first();
  await Promise.all([mira.waitForLoadState(), edit.click()]);
  const nowMinute = new Date().toISOString().slice(0, 16);
  await mira.fill('input[name="publish_at"]', nowMinute);
  await Promise.all([mira.waitForLoadState(), mira.click('button[name="action"][value="publish"]')]);
  const episode = await mailFor((m) => m.to.includes(address) && m.subject.includes('Demo Days Without the Theatre'),
    'with the new episode', 45_000);
  assert.ok(episode.list_unsubscribe.includes('/unsubscribe/'), 'List-Unsubscribe names the link');
  assert.ok(episode.one_click, 'List-Unsubscribe-Post: one click');
  const reader = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const inbox = await newPage(reader);
  await inbox.goto(`${server.mailbox.url}/m/${episode.id}`);
  await screenshot(inbox, 'mail-3-episode-in-the-inbox');

  // one click, as the mail client's button does: a bare POST to the List-Unsubscribe URL
  await Promise.all([inbox.waitForLoadState(), inbox.click('form[action$="/unsubscribe"] button')]);
  assert.match(await inbox.locator('main, body').first().innerText(), /answered 200/);
  // the visible link's page now says so and offers to subscribe again
  await guest.goto(linkIn(episode, '/unsubscribe/'));
  await screenshot(guest, 'mail-4-unsubscribed');
  assert.equal(await guest.locator('input[name="action"][value="resubscribe"]').count(), 1,
    'the page offers to subscribe again');

  // a member chooses a weekly digest of what happens while they are away
  const sam = await memberPage('sam', { javaScript: false });
  await sam.goto('/settings/notification-mail');
  await sam.check('input[name="choice"][value="weekly"]');
  await Promise.all([sam.waitForLoadState(), sam.click('main form button[type="submit"]')]);
  assert.equal(await sam.locator('input[name="choice"][value="weekly"]').isChecked(), true);
  assert.match(await sam.locator('main').innerText(), /Your next digest is due on Monday/);
  await screenshot(sam, 'mail-5-weekly-digest-chosen');
  for (const p of [guest, mira, inbox, sam])
    noProblems(p);
  await reader.close();
  await guest.context().close();
});

