// Real-browser tests of a member's first day and of the conversation's polish (docs/welcome.md):
// the welcome page after a confirmed sign-up (with and without JavaScript), compact reactions
// opened from "React" by mouse and keyboard, the page that asks before a comment is deleted
// without JavaScript, a notification that opens at its comment (highlighted) and is read, the
// notification kinds page, and @mentions that lead to the profile. Screenshots in the four views
// (screenshotVariants), axe-core and the 360 px rule on the new pages.

import assert from 'node:assert/strict';
import path from 'node:path';
import {
  ARTIFACTS, EPISODE, axeViolations, browser, mailFor, mailedLink, memberPage, newPage, noProblems,
  screenshot, screenshotVariants, scrollsSideways, server, test,
} from './harness.mjs';

/* Posts a comment (parent: reply to it) through the page's form; returns its id. */
async function comment(page, body, parent = 0) {
  await page.goto(parent ? `${EPISODE}#c-${parent}` : EPISODE);
  if (parent) {
    const actions = page.locator(`#c-${parent} > .comment-actions`);
    await actions.locator('a.reply').click(); // the form opens in place (the reply page without script)
    const reply = actions.locator('form.reply-form');
    await reply.locator('textarea').fill(body);
    await Promise.all([page.waitForURL(/#c-\d+$/), reply.locator('button[type="submit"]').click()]);
  } else {
    await page.fill('#f-body', body);
    await Promise.all([page.waitForURL(/#c-\d+$/),
      page.locator('#comment-form button[type="submit"]').click()]);
  }
  return Number(/#c-(\d+)$/.exec(page.url())[1]);
}

/* Signs up through the form and opens the mailed link's button: the page it lands on. */
async function signUp(page, handle, name) {
  await page.goto(server.base + '/signup');
  await page.fill('#f-handle', handle);
  await page.fill('#f-display_name', name);
  await page.fill('#f-email', `${handle}@example.org`);
  await page.fill('#f-password', 'a long enough passphrase');
  await page.click('form[action="/signup"] button[type="submit"]');
  assert.match(await page.locator('h1').innerText(), /Check your inbox/);
  const confirm = await mailFor((x) => x.to.includes(`${handle}@example.org`) &&
    /Confirm your account/.test(x.subject), `confirming ${handle}'s sign-up`);
  await page.goto(mailedLink(confirm, '/signup/confirm'));
  await Promise.all([page.waitForURL(/\/welcome/),
    page.click('form[action="/signup/confirm"] button[type="submit"]')]);
}

async function expectClean(page, what) {
  assert.deepEqual(await axeViolations(page), [], `axe-core on ${what}`);
  const width = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 800 });
  assert.equal(await scrollsSideways(page), false, `${what} scrolls sideways at 360 px`);
  await page.setViewportSize(width);
}

test('a_newcomer_is_welcomed_follows_and_says_who_they_are', async () => {
  // bypassCSP only so that axe-core can be injected; the site's own script runs as usual
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, bypassCSP: true });
  try {
    const page = await newPage(context);
    await signUp(page, 'first_day', 'Farida Day');
    assert.equal(new URL(page.url()).pathname, '/welcome');
    assert.equal(await page.locator('h1').innerText(), 'Welcome, Farida Day!');
    assert.doesNotMatch(await page.locator('main').innerText(), /Welcome back/);
    // the newsletters with their descriptions, none followed yet; labels tick the boxes
    const boxes = page.locator('.welcome-newsletters input[type="checkbox"]');
    assert.equal(await boxes.count(), 2);
    assert.match(await page.locator('.welcome-newsletters').innerText(), /Six square metres of balcony/);
    await screenshotVariants(page, 'welcome');
    await expectClean(page, 'the welcome page');
    await page.click('label:has-text("Learning in Public")');
    assert.equal(await page.isChecked('.welcome-newsletters li:has-text("Learning in Public") input[type="checkbox"]'), true);
    await page.fill('#f-headline', 'Keeps bees on a roof in Ghent');
    await Promise.all([page.waitForURL(/saved=1/), page.click('.welcome-form button[type="submit"]')]);
    assert.match(await page.locator('.notice').innerText(), /Saved/);
    assert.equal(await page.inputValue('#f-headline'), 'Keeps bees on a roof in Ghent');
    assert.equal(await page.isChecked('.welcome-newsletters li:has-text("Learning in Public") input[type="checkbox"]'), true);
    // the first step into the conversation leads to the newest episode's comments
    await Promise.all([page.waitForURL(/#comments$/), page.click('a:has-text("Go to the conversation")')]);
    assert.ok(await page.locator('#comment-form').count() === 1, 'the comment form is there');
    // the profile says who they are now
    await page.goto(server.base + '/@first_day');
    assert.match(await page.locator('main').innerText(), /Keeps bees on a roof in Ghent/);
    assert.match(await page.locator('main').innerText(), /Learning in Public/);
    noProblems(page);
  } finally {
    await context.close();
  }
});

test('the_welcome_works_without_javascript', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 800 } });
  try {
    const page = await newPage(context);
    await signUp(page, 'plain_day', 'Pablo Plain');
    assert.equal(await page.locator('h1').innerText(), 'Welcome, Pablo Plain!');
    await page.check('.welcome-newsletters li:has-text("Fourth-Floor Garden") input[type="checkbox"]');
    await page.fill('#f-headline', 'Grows chillies on a windowsill');
    await Promise.all([page.waitForNavigation(), page.click('.welcome-form button[type="submit"]')]);
    assert.match(await page.locator('.notice').innerText(), /Saved/);
    assert.equal(await page.isChecked('.welcome-newsletters li:has-text("Fourth-Floor Garden") input[type="checkbox"]'), true);
    await screenshot(page, 'welcome-saved-phone-nojs');
  } finally {
    await context.close();
  }
});

test('reactions_on_a_comment_wait_behind_react', async () => {
  const sam = await memberPage('sam');
  const id = await comment(sam, 'A comment nobody has reacted to yet.');
  const page = await memberPage('liwei');
  await page.goto(`${EPISODE}#c-${id}`);
  const group = page.locator(`#c-${id} > .reactions`);
  const more = group.locator(':scope > a.react-more');
  const kind = (k) => group.locator(`button[name="react"][value="comment:${id}:${k}:1"], button[name="react"][value="comment:${id}:${k}:0"]`);
  // no six zero-count buttons: only "React" is in view
  assert.equal(await group.locator('button[name="react"]:visible').count(), 0);
  assert.match(await more.innerText(), /React|回应/); // liwei reads the site in Chinese
  // by keyboard: open the picker, pick Insightful with Enter
  await more.focus();
  await page.keyboard.press('Enter');
  const insightful = kind('insightful');
  await insightful.waitFor({ state: 'visible' });
  assert.equal(await group.locator('button[name="react"]:visible').count(), 6);
  assert.equal(await group.locator('.react-picker a.who').count(), 1, 'who reacted, in the picker');
  await page.locator(`#c-${id}`).screenshot({ path: path.join(ARTIFACTS, 'comment-react-picker-open.png') });
  assert.equal(await group.locator('.react-picker button').first().evaluate((b) => b === document.activeElement),
    true, 'the picker takes the focus');
  await insightful.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction((sel) => {
    const b = document.querySelector(sel);
    return b && b.getAttribute('aria-pressed') === 'true' && !b.closest('.react-picker');
  }, `#c-${id} > .reactions button[value="comment:${id}:insightful:0"]`);
  // in view now with its count, the picker closed, the focus still on the button
  assert.equal(await insightful.locator('.count').innerText(), '1');
  assert.equal(await group.locator('.react-picker').count(), 0);
  assert.equal(await insightful.evaluate((b) => b === document.activeElement), true);
  assert.equal(await group.locator('button[name="react"]:visible').count(), 1);
  await page.locator(`#c-${id}`).screenshot({ path: path.join(ARTIFACTS, 'comment-reacted-compact.png') });
  await screenshotVariants(page, 'comment-reactions-compact');
  // after a reload the server puts it in the same place
  await page.reload();
  assert.equal(await group.locator('button[name="react"]:visible').count(), 1);
  assert.equal(await insightful.getAttribute('aria-pressed'), 'true');
  // taken back: out of the row again, behind "React"
  await insightful.click();
  await page.waitForFunction((sel) => document.querySelector(sel) === null,
    `#c-${id} > .reactions button[name="react"]`);
  assert.match(await more.innerText(), /React|回应/);
  noProblems(page);
});

test('deleting_without_javascript_asks_on_a_page', async () => {
  const page = await memberPage('sam', { javaScript: false });
  const id = await comment(page, 'A comment I will *think better* of, without a script.');
  await Promise.all([page.waitForNavigation(), page.click(`#c-${id} .comment-actions button:has-text("Delete")`)]);
  assert.equal(await page.locator('h1').innerText(), 'Delete this comment?');
  assert.match(await page.locator('blockquote').innerText(), /think better/);
  await screenshot(page, 'delete-confirm-nojs');
  // cancel: back at the comment, still there
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("Cancel, keep it")')]);
  assert.equal(await page.locator(`#c-${id} .comment-body`).count(), 1);
  // again, and this time yes
  await Promise.all([page.waitForNavigation(), page.click(`#c-${id} .comment-actions button:has-text("Delete")`)]);
  await Promise.all([page.waitForNavigation(), page.click('main form button:has-text("Delete")')]);
  assert.equal(await page.locator(`#c-${id} .comment-body`).count(), 0, 'the comment is gone');
});

test('a_notification_opens_at_its_comment_highlighted_and_read', async () => {
  const ana = await memberPage('ana');
  const mine = await comment(ana, 'Has anyone tried writing the retro in both languages?');
  const liwei = await memberPage('liwei');
  const reply = await comment(liwei, 'We did, @ana: it took longer, and everyone read it.', mine);
  // the mention is a link to the profile
  assert.equal(await liwei.locator(`#c-${reply} a.mention`).getAttribute('href'), '/@ana');

  await ana.goto('/notifications');
  const item = ana.locator('ul.notifications li.unread', { hasText: 'replied to your comment' }).first();
  await Promise.all([ana.waitForURL(new RegExp(`#c-${reply}$`)), item.locator('a').click()]);
  const target = ana.locator(`#c-${reply}`);
  const [highlight, page] = await Promise.all([
    target.evaluate((e) => getComputedStyle(e).backgroundColor),
    ana.evaluate(() => getComputedStyle(document.body).backgroundColor),
  ]);
  assert.notEqual(highlight, page, 'the comment the notification is about stands out');
  assert.notEqual(highlight, 'rgba(0, 0, 0, 0)');
  // the viewport, where the notification landed
  await ana.screenshot({ path: path.join(ARTIFACTS, 'notification-target-highlighted.png') });
  await ana.goto('/notifications');
  assert.equal(await ana.locator('ul.notifications li', { hasText: 'replied to your comment' }).first()
    .getAttribute('class'), 'read');
  noProblems(ana);
});

test('notification_kinds_are_chosen_in_settings', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, bypassCSP: true,
    baseURL: server.base });
  try {
    const page = await newPage(context);
    await page.goto('/login');
    await page.fill('#f-login', 'june');
    await page.fill('#f-password', 'kindred-demo');
    await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.click('main form button[type="submit"]')]);
    await page.goto('/notifications');
    await Promise.all([page.waitForURL(/\/settings\/notifications$/), page.click('a:has-text("Choose which notifications you get")')]);
    await page.uncheck('#nk-reactions');
    await Promise.all([page.waitForURL(/saved=1/), page.click('main form button[type="submit"]')]);
    assert.equal(await page.isChecked('#nk-reactions'), false);
    assert.equal(await page.isChecked('#nk-replies'), true);
    await screenshotVariants(page, 'settings-notifications');
    await expectClean(page, 'the notification kinds');
    await page.check('#nk-reactions');
    await Promise.all([page.waitForURL(/saved=1/), page.click('main form button[type="submit"]')]);
    noProblems(page);
  } finally {
    await context.close();
  }
});
