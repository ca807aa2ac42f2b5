import fs from 'node:fs';
import { chromium } from 'playwright-core';
// usage: node _crop.mjs in.png out.png y height
const [inp, out, y, h] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
await page.setContent(`<body style="margin:0"><img src="data:image/png;base64,${fs.readFileSync(inp).toString('base64')}"></body>`);
await page.waitForFunction(() => document.images[0].complete);
const w = await page.evaluate(() => document.images[0].naturalWidth);
await page.screenshot({ path: out, clip: { x: 0, y: Number(y), width: w, height: Number(h) }, fullPage: true });
await browser.close();
