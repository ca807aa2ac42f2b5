// Real-browser tests of writing (docs/writing.md): an author writes an episode with two images
// in the text (one pasted, one dropped) and a cover, watches the live preview, saves with the
// keyboard, schedules it and publishes it now; the same without JavaScript (the plain image
// field, the delete confirmation, 410); and a comment whose session ended, kept through the
// log-in. The harness is harness.mjs.

import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import {
  PASSWORD, axeViolations, browser, memberPage, newPage, noProblems, screenshot,
  screenshotVariants, scrollsSideways, server, test,
} from './harness.mjs';

const NL = 'learning-in-public';

// ------------------------------------------------------------------ helpers

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++)
      c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/* A real PNG of w x h pixels in a gradient of the colour [r, g, b]: something a reader can see
 * in a screenshot. */
function png(w, h, [r, g, b]) {
  const raw = Buffer.alloc(h * (1 + 3 * w));
  for (let y = 0, i = 0; y < h; y++) {
    raw[i++] = 0;
    for (let x = 0; x < w; x++) {
      const shade = 0.55 + 0.45 * (x / w);
      raw[i++] = Math.round(r * shade);
      raw[i++] = Math.round(g * shade);
      raw[i++] = Math.round(b * (1 - 0.3 * y / h));
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/* Pastes (or drops) an image file into the editor's text, as a browser does from the
 * clipboard or the desktop. */
async function giveImage(page, how, bytes, name) {
  await page.evaluate(({ how, data, name }) => {
    const file = new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], name,
      { type: 'image/png' });
    const transfer = new DataTransfer();
    transfer.items.add(file);
    const text = document.querySelector('textarea[name="body"]');
    text.focus();
    text.setSelectionRange(text.value.length, text.value.length);
    if (how === 'paste') {
      text.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true,
        cancelable: true }));
    } else {
      text.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true,
        cancelable: true }));
      text.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true,
        cancelable: true }));
    }
  }, { how, data: bytes.toString('base64'), name });
}

/* A context that axe-core can be injected into (bypassCSP), signed in as handle. */
async function auditPage(handle) {
  const context = await browser.newContext({ baseURL: server.base, bypassCSP: true,
    viewport: { width: 1100, height: 800 } });
  const page = await newPage(context);
  await page.goto('/login');
  await page.fill('#f-login', handle);
  await page.fill('#f-password', PASSWORD);
  await Promise.all([page.waitForURL((url) => url.pathname !== '/login'),
    page.click('main form button[type="submit"]')]);
  return page;
}

function future(days) {
  const d = new Date(Date.now() + days * 86400_000);
  return d.toISOString().slice(0, 16);
}

// ------------------------------------------------------------------ with JavaScript

test('write_an_episode_with_two_images_preview_schedule_and_publish_now', async () => {
  const page = await memberPage('mira');
  await page.goto(`/write/n/${NL}/episode`);
  await page.fill('#f-title', 'Two Pictures and a Kite');
  await page.fill('#f-subtitle', 'Written in the browser test');
  const text = page.locator('textarea[name="body"]');
  await text.fill('## Up on the hill\n\nThe wind came from the sea, as it always does in March.\n');

  // the live preview, opened with the keyboard, rendered by the server
  await text.focus();
  await page.keyboard.press('Control+p');
  const pane = page.locator('#live-preview');
  await pane.waitFor({ state: 'visible' });
  await page.locator('#live-preview h2#up-on-the-hill').waitFor();
  assert.equal(await page.locator('.live-preview-toggle').getAttribute('aria-pressed'), 'true');
  await text.press('End');
  await text.type('A **bold** claim.\n');
  await page.locator('#live-preview strong', { hasText: 'bold' }).waitFor();

  // the first image, pasted: its alt text is asked for, then it lands at the cursor
  await giveImage(page, 'paste', png(480, 270, [200, 90, 40]), 'kite.png');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-inline_alt');
  await page.locator('.inline-images-note', { hasText: 'Describe the image' }).waitFor();
  // alt text is required: the button says so instead of uploading
  await page.click('button[data-insert-image]');
  await page.locator('.inline-images-note.field-error').waitFor();
  await page.fill('#f-inline_alt', 'A red kite over the green hill');
  await page.click('button[data-insert-image]');
  await page.locator('.inline-images-note', { hasText: 'The image is in the text.' }).waitFor();
  let body = await text.inputValue();
  assert.match(body, /!\[A red kite over the green hill\]\(\/media\/[0-9a-f]{64}\.png\)/);

  // the second image, dropped
  await text.press('End');
  await text.type('\nThen the rain.\n');
  await giveImage(page, 'drop', png(400, 300, [40, 90, 190]), 'rain.png');
  await page.fill('#f-inline_alt', 'Rain clouds above the bay');
  await page.click('button[data-insert-image]');
  await page.waitForFunction(() =>
    document.querySelector('textarea[name="body"]').value.includes('![Rain clouds above the bay]('));
  body = await text.inputValue();
  assert.equal((body.match(/!\[[^\]]+\]\(\/media\//g) || []).length, 2);

  // both show in the live preview, from this site
  await page.waitForFunction(() => document.querySelectorAll('#live-preview img').length === 2);
  for (const src of await page.locator('#live-preview img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src'))))
    assert.match(src, /^\/media\/[0-9a-f]{64}\.png$/);

  // an image from elsewhere is named in the preview (and would be refused at save)
  await text.press('End');
  await text.type('\n![a cat](https://example.org/cat.png)\n');
  await page.locator('.live-preview-note.field-error', { hasText: 'another site' }).waitFor();
  // shown as its alt text, never fetched (the CSP would refuse it, readers would see a hole)
  await page.locator('#live-preview .refused-image', { hasText: 'a cat' }).waitFor();
  assert.equal(await page.locator('#live-preview img[src^="https:"]').count(), 0);
  await text.fill(body);
  await page.locator('.live-preview-note:not(.field-error)').waitFor();

  // the autosave kept a copy
  await page.locator('#autosave-status', { hasText: 'A copy was kept' }).waitFor({ timeout: 10_000 });

  // the cover
  await page.setInputFiles('#f-cover', { name: 'cover.png', mimeType: 'image/png',
    buffer: png(960, 540, [30, 120, 80]) });
  await page.fill('#f-cover_alt', 'A green field under a wide sky');
  await page.waitForTimeout(300);
  await screenshot(page, 'write-editor-live-preview');
  assert.equal(await scrollsSideways(page), false, 'the editor scrolls sideways');
  await page.setViewportSize({ width: 390, height: 800 });
  assert.equal(await scrollsSideways(page), false, 'the editor scrolls sideways on a phone');
  await screenshot(page, 'write-editor-live-preview-phone');
  await page.setViewportSize({ width: 1100, height: 800 });

  // schedule it
  await page.fill('#f-publish_at', future(3));
  await Promise.all([page.waitForURL(/\/n\/learning-in-public\/two-pictures-and-a-kite$/),
    page.click('button[name="action"][value="publish"]')]);
  const address = new URL(page.url()).pathname;
  assert.equal(await page.locator('.episode .body img').count(), 2);
  const guest = await newPage(await browser.newContext({ baseURL: server.base }));
  assert.equal((await guest.goto(address)).status(), 404, 'scheduled: not for readers yet');

  // publish it now, from the editor
  await page.goto('/write');
  await page.click('a:text("Two Pictures and a Kite")');
  await page.locator('button[value="publish_now"]').waitFor();
  await screenshotVariants(page, 'write-editor-scheduled');
  await Promise.all([page.waitForURL(address), page.click('button[value="publish_now"]')]);
  const response = await guest.goto(address);
  assert.equal(response.status(), 200, 'published now: readers see it');
  const images = guest.locator('.episode .body img');
  assert.equal(await images.count(), 2);
  for (const img of await images.all())
    assert.ok(await img.evaluate((i) => i.complete && i.naturalWidth > 0), 'an image loaded');
  assert.ok(await guest.locator('img.cover, .cover img, figure img').count() >= 1, 'the cover');
  await screenshotVariants(guest, 'write-published-with-images');
  noProblems(page);
  noProblems(guest);
  await guest.context().close();
});

test('ctrl_s_saves_and_the_autosave_comes_back', async () => {
  const page = await memberPage('mira');
  await page.goto(`/write/n/${NL}/episode`);
  await page.fill('#f-title', 'Saved With The Keyboard');
  await page.fill('textarea[name="body"]', 'Nothing fancy.');
  await page.locator('textarea[name="body"]').focus();
  await Promise.all([page.waitForURL(/saved-with-the-keyboard$/), page.keyboard.press('Control+s')]);
  // a draft: the author sees it, marked as not public
  assert.ok(await page.locator('text=Draft').count() >= 1 || (await page.content()).includes('draft'));

  // typing without saving, then leaving: the copy is offered back
  await page.goto(`/write/n/${NL}/episode`);
  await page.fill('#f-title', 'Lost Laptop');
  await page.fill('textarea[name="body"]', 'Words that must not be lost.');
  await page.locator('#autosave-status', { hasText: 'A copy was kept' }).waitFor({ timeout: 10_000 });
  page.once('dialog', (d) => d.accept()); /* nothing is left unkept: no dialog, or accept it */
  await page.goto(`/write/n/${NL}/episode`);
  await page.locator('.autosave-offer').waitFor();
  await screenshotVariants(page, 'write-autosave-offer');
  await Promise.all([page.waitForURL(/restore=1/), page.click('.autosave-offer a')]);
  assert.equal(await page.inputValue('textarea[name="body"]'), 'Words that must not be lost.');
  assert.equal(await page.inputValue('#f-title'), 'Lost Laptop');
  noProblems(page);
});

test('the_editor_passes_axe_and_fits_a_phone', async () => {
  const page = await auditPage('mira');
  for (const path of [`/write/n/${NL}/episode`, '/write/episode/1', '/write/episode/1/delete',
    '/write/episode/1/unpublish', '/settings']) {
    await page.setViewportSize({ width: 1100, height: 800 });
    await page.goto(path);
    await page.locator('main').waitFor();
    const open = page.locator('details.markdown-help summary');
    if (await open.count())
      await open.click();
    assert.deepEqual(await axeViolations(page), [], `axe on ${path}`);
    // the settings page's other sections (language) are the audit's (audit.test.mjs)
    if (path === '/settings')
      continue;
    await page.setViewportSize({ width: 360, height: 800 });
    assert.equal(await scrollsSideways(page), false, `${path} scrolls sideways at 360 px`);
  }
  await page.setViewportSize({ width: 1100, height: 800 });
  await page.goto('/write/episode/1/delete');
  await screenshotVariants(page, 'write-delete-confirm');
  await page.context().close();
});

// ------------------------------------------------------------------ without JavaScript

test('without_javascript_images_go_in_and_delete_asks_first', async () => {
  const page = await memberPage('mira', { javaScript: false });
  await page.goto(`/write/n/${NL}/episode`);
  assert.equal(await page.locator('#live-preview').count(), 0, 'no script, no live preview');
  await page.fill('#f-title', 'Plain Form Pictures');
  await page.fill('textarea[name="body"]', 'A first line.');
  await page.setInputFiles('#f-inline_image', { name: 'plain.png', mimeType: 'image/png',
    buffer: png(300, 200, [120, 60, 160]) });
  await page.fill('#f-inline_alt', 'A purple square');
  await page.click('button[value="insert_image"]');
  await page.locator('.notice', { hasText: 'The image is at the end of the text.' }).waitFor();
  const body = await page.inputValue('textarea[name="body"]');
  assert.match(body, /^A first line\.\n\n!\[A purple square\]\(\/media\/[0-9a-f]{64}\.png\)\n$/);
  await screenshotVariants(page, 'write-nojs-image-inserted');

  // an image from elsewhere is refused at save, with the text kept
  await page.fill('textarea[name="body"]', `${body}\n![x](https://example.org/x.png)\n`);
  await page.click('button[value="publish"]');
  await page.locator('.field-error', { hasText: 'is on another site' }).waitFor();
  await page.fill('textarea[name="body"]', body);
  await Promise.all([page.waitForURL(/plain-form-pictures$/), page.click('button[value="publish"]')]);
  const address = new URL(page.url()).pathname;

  // delete: a confirmation page, then 410 for readers
  await page.goto('/write');
  await page.click('a:text("Plain Form Pictures")');
  await page.click('a.danger-link');
  await page.locator('h1', { hasText: 'Delete “Plain Form Pictures”?' }).waitFor();
  await Promise.all([page.waitForURL(/\/write\?done=deleted$/), page.click('button.danger')]);
  await page.locator('.notice', { hasText: 'The episode is deleted.' }).waitFor();
  const guest = await newPage(await browser.newContext({ baseURL: server.base, javaScriptEnabled: false }));
  assert.equal((await guest.goto(address)).status(), 410);
  await guest.locator('text=deleted by its author').waitFor();
  await screenshot(guest, 'write-deleted-410');
  await guest.context().close();
  noProblems(page);
});

test('a_comment_whose_session_ended_is_kept_through_the_log_in', async () => {
  const context = await browser.newContext({ baseURL: server.base, javaScriptEnabled: false,
    viewport: { width: 1100, height: 800 } });
  const page = await newPage(context);
  await page.goto('/login');
  await page.fill('#f-login', 'sam');
  await page.fill('#f-password', PASSWORD);
  await Promise.all([page.waitForURL((u) => u.pathname !== '/login'),
    page.click('main form button[type="submit"]')]);
  await page.goto('/n/learning-in-public/two-languages-one-team');
  const words = 'I wrote this slowly, over lunch, and my session ran out meanwhile.';
  await page.fill('#comment-form textarea[name="body"]', words);
  // the session ends (expired, or logged out in another tab)
  const cookies = await context.cookies();
  await context.clearCookies();
  await context.addCookies(cookies.filter((c) => c.name !== 'kd_session'));
  await page.locator('#comment-form button[type="submit"]').click();
  await page.waitForURL(/\/login\?next=%2Fkept%2F/);
  await page.locator('.notice', { hasText: 'Its text is kept' }).waitFor();
  await screenshotVariants(page, 'write-kept-login');
  await page.fill('#f-login', 'sam');
  await page.fill('#f-password', PASSWORD);
  await Promise.all([page.waitForURL(/\/kept\//), page.click('main form button[type="submit"]')]);
  assert.equal(await page.inputValue('form.kept-form [name="body"]'), words);
  await screenshotVariants(page, 'write-kept-form');
  await Promise.all([page.waitForURL(/two-languages-one-team/), page.click('main form.kept-form button[type="submit"]')]);
  await page.locator('article.comment', { hasText: words }).first().waitFor();
  noProblems(page);
  await context.close();
});
