// Responsive images and avatars in a real browser (docs/images.md): the phone downloads a small
// WebP copy of each card's cover, never the 1200 px original; the episode's cover and the
// pictures in the text are whole, sized before they load (no layout shift) and the cover is not
// lazy; a member uploads a picture without JavaScript and sees it beside their comment, on
// their profile and in the member list; members without one show their initials. Screenshots in
// the four views.
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  test, browser, server, repo, EPISODE, memberPage, newPage, noProblems, screenshotVariants,
  scrollsSideways, axeViolations,
} from './harness.mjs';

/* Every <img> of the page that the browser has decoded, with what it chose. */
async function images(page) {
  return page.$$eval('img', (imgs) => imgs.map((i) => ({
    src: i.currentSrc, complete: i.complete, natural: i.naturalWidth, shown: i.clientWidth,
    lazy: i.loading === 'lazy', cls: i.className, alt: i.alt,
  })));
}

test('images_phone_home_gets_small_webp_copies', async () => {
  const context = await browser.newContext({ baseURL: server.base, viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2, isMobile: true });
  const page = await newPage(context);
  const fetched = [];
  page.on('requestfinished', (r) => { if (r.url().includes('/media/')) fetched.push(r.url()); });
  await page.goto('/');
  const first = page.locator('.card-cover img').first();
  await first.waitFor();
  await page.waitForFunction(() => { const i = document.querySelector('.card-cover img'); return i.complete && i.naturalWidth > 0; });
  const chosen = await first.evaluate((i) => ({ src: i.currentSrc, natural: i.naturalWidth, shown: i.clientWidth, lazy: i.loading, priority: i.fetchPriority }));
  // 350 CSS px at 2x wants 700 px: the 960 px WebP, not the 1200 px PNG
  assert.match(chosen.src, /\/media\/[0-9a-f]{64}-960\.webp$/);
  // (naturalWidth of a srcset image is in CSS pixels: the copy's 960 px over its density)
  assert.ok(Math.abs(chosen.natural - chosen.shown) <= 2, `natural ${chosen.natural}, shown ${chosen.shown}`);
  assert.notEqual(chosen.lazy, 'lazy');
  assert.equal(chosen.priority, 'high');
  // nothing on the page fetched an original PNG
  assert.deepEqual(fetched.filter((u) => /[0-9a-f]{64}\.png$/.test(u)), []);
  assert.equal(await scrollsSideways(page), false);
  noProblems(page);
  await context.close();
});

test('images_episode_cover_and_text_are_sized_and_whole', async () => {
  const context = await browser.newContext({ baseURL: server.base, viewport: { width: 1100, height: 800 } });
  const page = await newPage(context);
  await page.goto(EPISODE);
  await page.waitForFunction(() => { const i = document.querySelector('.cover img'); return i && i.complete; });
  const cover = await page.locator('.cover img').evaluate((i) => ({
    src: i.currentSrc, natural: i.naturalWidth, w: i.getAttribute('width'), h: i.getAttribute('height'),
    lazy: i.loading, shown: i.clientWidth, alt: i.alt }));
  const copyWidth = Number(/-(\d+)\.webp$/.exec(cover.src)?.[1]);
  assert.ok(copyWidth >= cover.shown, `the ${copyWidth} px copy is at least as wide as it shows (${cover.shown} px)`);
  assert.equal(cover.w, '1200');
  assert.equal(cover.h, '630');
  assert.notEqual(cover.lazy, 'lazy');
  assert.ok(cover.alt.length > 0);
  // no layout shift from images: every image has its box before it loads (the message names
  // what moved)
  const shift = await page.evaluate(() => new Promise((resolve) => {
    let total = 0;
    const moved = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        total += e.value;
        for (const s of e.sources || [])
          moved.push(s.node ? `${s.node.nodeName}.${s.node.className}` : '?');
      }
    }).observe({ type: 'layout-shift', buffered: true });
    setTimeout(() => resolve({ total, moved }), 500);
  }));
  assert.ok(shift.total < 0.01, `layout shift ${shift.total} of ${shift.moved.join(', ')}`);
  // nor from the header: on a slow machine the browser may paint it before the member menu has
  // arrived (CI saw the search box move 380 px), so the box's place must not depend on the menu
  const searchBox = () => page.locator('form.site-search').evaluate((f) => {
    const { x, y } = f.getBoundingClientRect();
    return { x, y };
  });
  const withMenu = await searchBox();
  await page.locator('nav.member-menu').evaluate((n) => n.remove());
  // (the menu's Join button is 3 px taller than the box, so the centred line moves it 1.7 px)
  const withoutMenu = await searchBox();
  assert.equal(withoutMenu.x, withMenu.x, 'the search box stays where it was without the menu');
  assert.ok(Math.abs(withoutMenu.y - withMenu.y) < 2, `the search box moved from ${withMenu.y} to ${withoutMenu.y}`);
  await screenshotVariants(page, 'images-episode');
  noProblems(page);
  await context.close();
});

test('avatars_initials_then_an_uploaded_picture_without_javascript', async () => {
  const page = await memberPage('sam', { javaScript: false });
  await page.goto(EPISODE);
  // before: sam's comments show his initials
  const initials = page.locator('.comment-head a.author[href="/@sam"] svg.avatar').first();
  assert.equal(await initials.count(), 1);
  assert.match(await initials.locator('text').textContent(), /^[A-Z]{1,2}$/);

  await page.goto('/settings/avatar');
  assert.equal((await page.locator('h1').textContent()).trim(), 'Your picture');
  await page.setInputFiles('#avatar-file', path.join(repo, 'demo', 'content', 'covers', 'fg1e2.png'));
  await Promise.all([page.waitForURL(/saved=1/), page.click('main form button[type="submit"]')]);
  await page.locator('.notice').first().waitFor();
  const mine = page.locator('.avatar-now img.avatar');
  await mine.waitFor();
  await page.waitForFunction(() => { const i = document.querySelector('.avatar-now img'); return i.complete && i.naturalWidth > 0; });
  assert.equal(await mine.evaluate((i) => i.naturalWidth), 192);
  assert.equal(await mine.evaluate((i) => i.naturalHeight), 192);
  await screenshotVariants(page, 'avatars-settings');

  await page.goto(EPISODE + '#comments');
  const face = page.locator('.comment-head a.author[href="/@sam"] img.avatar').first();
  await face.scrollIntoViewIfNeeded();
  await page.waitForFunction(() => { const i = document.querySelector('.comment-head a.author[href="/@sam"] img.avatar'); return i && i.complete && i.naturalWidth === 192; });
  assert.equal(await face.evaluate((i) => i.clientWidth), 28);
  assert.equal(await face.evaluate((i) => getComputedStyle(i).borderRadius), '50%');
  await face.evaluate((i) => i.closest('.comment').scrollIntoView());
  await screenshotVariants(page, 'avatars-comments');

  await page.goto('/@sam');
  // the picture stands before the name's heading, which holds the name alone
  assert.equal(await page.locator('.profile-face img.avatar').count(), 1);
  assert.equal(await page.locator('h1.p-name .avatar').count(), 0);
  await screenshotVariants(page, 'avatars-profile');
  await page.goto('/members');
  assert.ok(await page.locator('li a.author img.avatar, li a.author svg.avatar').count() >= 5);
  await screenshotVariants(page, 'avatars-members');
});

test('avatars_page_has_no_accessibility_violations', async () => {
  const context = await browser.newContext({ baseURL: server.base, bypassCSP: true,
    viewport: { width: 360, height: 800 } });
  const page = await newPage(context);
  await page.goto('/login');
  await page.fill('#f-login', 'sam');
  await page.fill('#f-password', 'kindred-demo');
  await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.click('main form button[type="submit"]')]);
  for (const where of ['/settings/avatar', EPISODE, '/members']) {
    await page.goto(where);
    assert.equal(await scrollsSideways(page), false, `${where} scrolls sideways at 360 px`);
    // the picture page is this lane's own: no violation at all; elsewhere, none of its making
    const all = await axeViolations(page);
    const bad = where === '/settings/avatar' ? all : all.filter((v) => /avatar|image|svg|picture/.test(v));
    assert.deepEqual(bad, [], `${where}: ${bad.join('; ')}`);
  }
  await context.close();
});
