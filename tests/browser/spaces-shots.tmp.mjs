import { chromium } from 'playwright-core';
const base = 'http://127.0.0.1:18102';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
async function as(handle, shots) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await ctx.newPage();
  await page.goto(base + '/login');
  await page.fill('input[name=login]', handle);
  await page.fill('input[name=password]', 'kindred-demo');
  await page.click('form button[type=submit]');
  for (const [path, name] of shots) {
    await page.goto(base + path);
    await page.screenshot({ path: `/tmp/spaces-${name}.png`, fullPage: true });
  }
  await ctx.close();
}
await as('ana', [['/spaces/readers-circle', 'ana-circle'], ['/spaces/readers-circle/4', 'ana-thread'], ['/members', 'ana-members'], ['/members?q=garden', 'ana-search']]);
await as('tomas', [['/spaces/readers-circle', 'tomas-circle']]);
await as('june', [['/spaces/new', 'june-new'], ['/spaces/porch/1', 'june-thread']]);
await as('liwei', [['/spaces/porch', 'liwei-porch'], ['/spaces/porch/2', 'liwei-thread']]);
await browser.close();
