// The member's episode page after issue 16: one action form and one token per page, reaction
// buttons that name it, and a reply form that comes when asked — in place with JavaScript, as a
// page of its own without it. Each path is walked with the script on and off.
import assert from 'node:assert/strict';
import path from 'node:path';

import { ARTIFACTS, EPISODE, memberPage, noProblems, screenshot, test } from './harness.mjs';

/* The id of the first top-level comment with a Reply link on the episode page. */
async function firstComment(page) {
  await page.goto(EPISODE);
  const href = await page.locator('.thread > article.comment > .comment-actions > a.reply').first()
    .getAttribute('href');
  return Number(/^\/comments\/(\d+)\/reply$/.exec(href)[1]);
}

test('member_page_replies_and_reacts_with_and_without_javascript', async () => {
  for (const javaScript of [true, false]) {
    const page = await memberPage('ana', { javaScript });
    const parent = await firstComment(page);
    // one action form for every comment's buttons: no token and no form in any comment
    assert.equal(await page.locator('form#kd-act').count(), 1);
    assert.equal(await page.locator('form#kd-act input[name="_csrf"]').count(), 1);
    assert.ok(await page.locator('article.comment').count() > 3);
    assert.equal(await page.locator('article.comment form, article.comment input[name="_csrf"]').count(), 0,
      'no per-comment forms or tokens');

    // reply
    const body = `A reply ${javaScript ? 'in place' : 'from its own page'} (${Date.now()}).`;
    const link = page.locator(`#c-${parent} > .comment-actions > a.reply`);
    if (javaScript) {
      await link.click();
      const form = page.locator(`#c-${parent} > .comment-actions > form.reply-form`);
      await form.locator('textarea').fill(body);
      await page.locator(`#c-${parent}`).screenshot({ path: path.join(ARTIFACTS, 'member-reply-in-place.png') });
      assert.equal(await form.locator('input[name="_csrf"]').count(), 1, 'the page token, copied in');
      await Promise.all([page.waitForURL(/#c-\d+$/), form.locator('button[type="submit"]').click()]);
    } else {
      await Promise.all([page.waitForURL(new RegExp(`/comments/${parent}/reply$`)), link.click()]);
      await screenshot(page, 'member-reply-page-nojs');
      await page.fill('#f-body', body);
      await Promise.all([page.waitForURL(/#c-\d+$/), page.locator('.reply-page button[type="submit"]').click()]);
    }
    const reply = Number(/#c-(\d+)$/.exec(page.url())[1]);
    const nested = page.locator(`#c-${parent} > .replies > #c-${reply}`);
    assert.equal(await nested.count(), 1, 'the reply stands under its comment');
    assert.match(await nested.locator(':scope > .comment-body').textContent(), new RegExp(body.replace(/[()]/g, '\\$&')));
    // own comment: edit and delete; no report
    const actions = nested.locator(':scope > .comment-actions');
    assert.equal(await actions.locator('a.edit').count(), 1);
    assert.equal(await actions.locator('button[formaction$="/delete"]').count(), 1);
    assert.equal(await actions.locator('a.report').count(), 0);

    // react to the parent comment: the kinds not in use wait behind "React"
    const group = page.locator(`#c-${parent} > .reactions`);
    const celebrate = group.locator(`button[name="react"][value^="comment:${parent}:celebrate:"]`);
    const pressedBefore = await celebrate.count() ? await celebrate.getAttribute('aria-pressed') : 'false';
    if (pressedBefore === 'true') { // from an earlier run: take it back first
      if (javaScript)
        await celebrate.click();
      else
        await Promise.all([page.waitForNavigation(), celebrate.click()]);
    }
    const more = group.locator(':scope > a.react-more');
    if (javaScript) {
      await more.click();
      await group.locator('.react-picker').waitFor();
      await celebrate.click();
      await page.waitForFunction((sel) => {
        const b = document.querySelector(sel);
        return b && b.getAttribute('aria-pressed') === 'true' && !b.closest('.react-picker');
      }, `#c-${parent} > .reactions button[value="comment:${parent}:celebrate:0"]`);
      await page.locator(`#c-${parent}`).screenshot({ path: path.join(ARTIFACTS, 'member-reacted-in-place.png') });
      await page.reload(); // the server agrees
    } else {
      // the React link is a page with all six buttons; a press comes back to the comment
      await Promise.all([page.waitForNavigation(), more.click()]);
      assert.match(page.url(), /\/reactions\?target=comment&id=\d+$/);
      await screenshot(page, 'member-react-page-nojs');
      await Promise.all([page.waitForURL(new RegExp(`#c-${parent}$`)),
        page.locator(`button[name="react"][value="comment:${parent}:celebrate:1"]`).click()]);
    }
    assert.equal(await celebrate.getAttribute('aria-pressed'), 'true');
    assert.equal(await celebrate.getAttribute('value'), `comment:${parent}:celebrate:0`);
    // and taken back, with a plain press of the button in the row
    if (javaScript) {
      await celebrate.click();
      await page.waitForFunction((sel) => !document.querySelector(sel),
        `#c-${parent} > .reactions button[value="comment:${parent}:celebrate:0"]`);
    } else {
      await Promise.all([page.waitForNavigation(), celebrate.click()]);
      assert.equal(await group.locator(`button[value="comment:${parent}:celebrate:0"]`).count(), 0);
    }
    if (javaScript)
      await screenshot(page, 'member-episode-page');
    noProblems(page);
  }
});
