// Real-browser tests of the site search (docs/search.md): the header's box with JavaScript and
// without, a new member finding an old episode by a phrase, the results page (marks, kinds,
// pages) on a desktop and a 390 px phone in light and dark, axe-core and the 360 px rule.
// The harness is harness.mjs.

import assert from 'node:assert/strict';
import {
  axeViolations, browser, memberPage, newPage, noProblems, plainPage, screenshotVariants,
  scrollsSideways, server, test,
} from './harness.mjs';

/* Types q into the header's box of the page and submits it with Enter, as a reader would. */
async function searchFromHeader(page, q) {
  await page.fill('#site-search-q', q);
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/search'),
    page.press('#site-search-q', 'Enter'),
  ]);
}

test('search_from_the_header_finds_an_old_episode', async () => {
  for (const javaScript of [true, false]) {
    const page = javaScript ? await memberPage('ana') : await plainPage();
    await page.goto('/');
    await searchFromHeader(page, 'portacabin beside a substation');
    const first = page.locator('.search-results .search-hit').first();
    assert.equal(await first.locator('h2 a').getAttribute('href'),
      '/n/learning-in-public/the-fifteen-minute-retro', `the retro episode comes first (JS ${javaScript})`);
    assert.deepEqual(await first.locator('.search-snippet mark').allTextContents(),
      ['portacabin', 'beside', 'substation'], 'the words are marked where they occur');
    assert.equal(await page.inputValue('#q'), 'portacabin beside a substation',
      'the page keeps the query in its own field');
    // the result leads to the episode, at the phrase's paragraph
    await Promise.all([page.waitForURL(/the-fifteen-minute-retro$/), first.locator('h2 a').click()]);
    assert.match(await page.textContent('main'), /portacabin beside a substation/);
    noProblems(page);
    await page.close();
  }
});

test('search_results_kinds_and_pages', async () => {
  const page = await memberPage('ana');
  await page.goto('/search?q=retro');
  const hits = page.locator('.search-hit');
  assert.ok(await hits.count() >= 3, 'several results');
  assert.equal(await page.locator('.search-kinds a[aria-current="page"]').textContent(), 'Everything');
  // Comments only
  await Promise.all([page.waitForURL(/kind=comments/),
    page.click('.search-kinds a:has-text("Comments")')]);
  const kinds = await page.locator('.search-hit').evaluateAll((els) => els.map((e) => e.className));
  assert.ok(kinds.length > 0 && kinds.every((c) => c.includes('search-hit-comment')),
    'only comments under the Comments tab');
  // a member is found by their headline, and the tab keeps the query
  await page.goto('/search?q=' + encodeURIComponent('三人行'));
  assert.equal(await page.locator('.search-snippet mark').first().textContent(), '三人行');
  await screenshotVariants(page, 'search-results');
  for (const width of [360, 390]) {
    await page.setViewportSize({ width, height: 800 });
    assert.equal(await scrollsSideways(page), false, `no sideways scroll at ${width} px`);
  }
  await page.setViewportSize({ width: 1100, height: 800 });
  noProblems(page);
  await page.close();
});

test('search_pages_pass_axe', async () => {
  const context = await browser.newContext({ baseURL: server.base, bypassCSP: true,
    viewport: { width: 1100, height: 800 } });
  const page = await newPage(context);
  for (const url of ['/search', '/search?q=retro', '/search?q=ab', '/search?q=retro&kind=episodes',
    '/search?q=nothingmatchesthisatall', '/']) {
    await page.goto(url);
    assert.deepEqual(await axeViolations(page), [], `axe on ${url}`);
    await page.setViewportSize({ width: 360, height: 800 });
    assert.equal(await scrollsSideways(page), false, `no sideways scroll at 360 px on ${url}`);
    await page.setViewportSize({ width: 1100, height: 800 });
  }
  await page.goto('/search?q=ab');
  assert.match(await page.textContent('.form-error'), /three characters/);
  await screenshotVariants(page, 'search-too-short');
  await page.goto('/');
  await screenshotVariants(page, 'search-header-box');
  await context.close();
});
