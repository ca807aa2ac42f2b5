// Issue 15's "done when", the member's half, as a newcomer walks it in the demo: sign up, be
// welcomed (not "welcomed back"), follow a newsletter and say who you are, find an old episode by
// a phrase from it with the header's search box, and recognise people by their faces in its
// conversation. The author's half (two inline images and a cover, live preview, schedule, publish
// now) is write.test.mjs's write_an_episode_with_two_images_preview_schedule_and_publish_now.
// The harness is harness.mjs.

import assert from 'node:assert/strict';
import path from 'node:path';
import {
  ARTIFACTS, browser, mailFor, mailedLink, newPage, noProblems, screenshot, screenshotVariants,
  scrollsSideways, server, test,
} from './harness.mjs';

test('a_newcomer_is_welcomed_finds_an_old_episode_and_sees_faces', async () => {
  const context = await browser.newContext({ baseURL: server.base, viewport: { width: 1100, height: 800 } });
  const page = await newPage(context);

  // sign up from the header, confirm from the mailed link
  await page.goto('/');
  await Promise.all([page.waitForURL(/\/signup/), page.click('.site-header a[href^="/signup"]')]);
  await page.fill('#f-handle', 'journey_newcomer');
  await page.fill('#f-display_name', 'Juno Newcomer');
  await page.fill('#f-email', 'juno@example.org');
  await page.fill('#f-password', 'a long enough passphrase');
  await page.click('form[action="/signup"] button[type="submit"]');
  const confirm = await mailFor((x) => x.to.includes('juno@example.org') &&
    /Confirm your account/.test(x.subject), 'confirming the sign-up');
  await page.goto(mailedLink(confirm, '/signup/confirm'));
  await Promise.all([page.waitForURL(/\/welcome/),
    page.click('form[action="/signup/confirm"] button[type="submit"]')]);

  // welcomed, not welcomed back
  const heading = await page.locator('h1').innerText();
  assert.match(heading, /^Welcome, Juno Newcomer!/);
  assert.doesNotMatch(await page.locator('main').innerText(), /Welcome back/);
  await screenshot(page, 'journey-welcome');
  const newsletters = page.locator('.welcome-newsletters li');
  assert.ok(await newsletters.count() >= 2, 'newsletters to follow');
  assert.ok((await newsletters.first().locator('.description').innerText()).length > 20,
    'each newsletter says what it is about');
  await newsletters.first().locator('input[type="checkbox"]').check();
  await page.fill('#f-headline', 'Learning to run a team in two languages');
  await page.click('form.welcome-form button[type="submit"]');
  assert.match(await page.locator('.notice').innerText(), /Saved/);
  await page.goto('/@journey_newcomer');
  assert.match(await page.locator('main').innerText(), /Learning to run a team in two languages/);

  // find an old episode by a phrase from it, with the header's box
  await page.goto('/');
  await page.fill('#site-search-q', 'portacabin beside a substation');
  await Promise.all([page.waitForURL((url) => url.pathname === '/search'),
    page.press('#site-search-q', 'Enter')]);
  const hit = page.locator('.search-results .search-hit').first();
  assert.equal(await hit.locator('h2 a').getAttribute('href'),
    '/n/learning-in-public/the-fifteen-minute-retro');
  assert.ok(await hit.locator('.search-snippet mark').count() >= 2, 'the phrase is marked');
  await screenshot(page, 'journey-search');
  await Promise.all([page.waitForURL(/the-fifteen-minute-retro$/), hit.locator('h2 a').click()]);

  // faces in the conversation: every comment has one, uploaded photos and generated initials
  const comments = page.locator('.comment');
  const n = await comments.count();
  assert.ok(n >= 2, `a conversation to join (${n} comments)`);
  for (let i = 0; i < n; i++)
    assert.equal(await comments.nth(i).locator('.avatar').first().count(), 1, `comment ${i} has a face`);
  // each face shows: a picture the server serves as an image (it may wait to load until it is
  // scrolled to), or initials drawn on a colour
  const faces = await page.locator('.comment .avatar').evaluateAll((els) => els.map((e) =>
    e.tagName.toLowerCase() === 'img'
      ? { kind: 'img', src: e.currentSrc || e.getAttribute('src'), alt: e.getAttribute('alt') }
      : { kind: 'svg', initials: e.textContent.trim(), drawn: !!e.querySelector('circle, rect') }));
  for (const face of faces) {
    if (face.kind === 'svg') {
      assert.ok(face.initials.length > 0 && face.drawn, `initials on a colour: ${JSON.stringify(face)}`);
      continue;
    }
    assert.notEqual(face.alt, null, `a picture has alt: ${face.src}`);
    const answer = await page.request.get(face.src);
    assert.equal(answer.status(), 200, face.src);
    assert.match(answer.headers()['content-type'], /^image\//, face.src);
  }
  assert.ok(faces.some((f) => f.kind === 'img'), 'a member who uploaded a picture shows it');
  assert.equal(await scrollsSideways(page), false);
  await page.locator('#comments').screenshot({ path: path.join(ARTIFACTS, 'journey-faces.png') });
  await screenshotVariants(page, 'journey-conversation');
  noProblems(page);
  await context.close();
});
