// The harness of Kindred's real-browser tests: Debian's Chromium, driven by playwright-core,
// against the real binary on a loopback port with a fresh demo site and a mailbox of its own.
// Test files (tests/browser/*.test.mjs, loaded in name order by all.mjs) call test() and use the
// helpers exported here; the tests share one server and one browser.
//
// A tiny runner of its own prints cmocka's lines ("[ RUN      ]", "[  PASSED  ] N test(s).")
// so scripts/test counts these tests with the C ones. Environment:
//   KINDRED_BIN        the kindred binary (default: <repo>/build/kindred)
//   KINDRED_STATIC     the static files folder (default: <repo>/static)
//   BROWSER_ARTIFACTS  where screenshots and the server log go (default: <repo>/build/browser-artifacts)
//   CHROMIUM           the browser (default: /usr/bin/chromium)
//   BROWSER_TESTS      a regular expression: run only the tests whose names match

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '..', '..');
export const KINDRED_BIN = process.env.KINDRED_BIN || path.join(repo, 'build', 'kindred');
export const KINDRED_STATIC = process.env.KINDRED_STATIC || path.join(repo, 'static');
export const ARTIFACTS = process.env.BROWSER_ARTIFACTS || path.join(repo, 'build', 'browser-artifacts');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ONLY = process.env.BROWSER_TESTS ? new RegExp(process.env.BROWSER_TESTS) : null;

/* The flags every Chromium of the tests runs with (never a browser of a tool's own). */
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu',
  '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

export const EPISODE = '/n/learning-in-public/two-languages-one-team';
export const PASSWORD = 'kindred-demo';
const TEST_TIMEOUT_MS = 90_000;

// ------------------------------------------------------------------ the server

/* The server's environment: this one without KINDRED_* settings (KINDRED_WRITE_LIMITS=off or
 * KINDRED_SECURE_COOKIES=1 from a developer's shell would change what the tests see). */
export const serverEnv = Object.fromEntries(Object.entries(process.env)
  .filter(([name]) => !name.startsWith('KINDRED_')));

/* A free loopback port (for the mailbox, which needs one before it starts). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/* The demo's mailbox (scripts/mailbox): the SMTP server the site sends to, read over HTTP.
 * Resolves once both of its ports answer. */
async function startMailbox(folder) {
  const smtp = await freePort(), web = await freePort();
  const log = fs.createWriteStream(path.join(ARTIFACTS, 'mailbox.log'));
  const child = spawn('/usr/bin/python3', [path.join(repo, 'scripts', 'mailbox'), folder,
    String(smtp), String(web)], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error('the mailbox did not start in 20 s')), 20_000);
    child.once('close', (code) => reject(new Error(`the mailbox exited (${code}) before serving`)));
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      if (seen.includes('read at')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    smtpUrl: `smtp://127.0.0.1:${smtp}`,
    url: `http://127.0.0.1:${web}`,
    /* The messages received so far, newest first (scripts/mailbox's /messages.json). */
    async messages() {
      const r = await fetch(`http://127.0.0.1:${web}/messages.json`);
      return r.json();
    },
    stop() { child.kill('SIGTERM'); },
  };
}

/* Creates a demo site in a fresh folder and serves it on a free loopback port, its mail going
 * to a mailbox of its own. */
async function startServer() {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'kindred-browser-'));
  const mailbox = await startMailbox(path.join(data, 'mailbox'));
  try {
    execFileSync(KINDRED_BIN, ['init', '--data', data, '--demo'], { stdio: 'pipe', env: serverEnv });
  } catch (err) {
    fs.rmSync(data, { recursive: true, force: true });
    throw new Error(`kindred init failed: ${err.message}`);
  }
  const log = fs.createWriteStream(path.join(ARTIFACTS, 'server.log'));
  const child = spawn(KINDRED_BIN, ['serve', '--data', data, '--listen', '127.0.0.1:0',
    '--static', KINDRED_STATIC], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...serverEnv,
    KINDRED_SMTP_URL: mailbox.smtpUrl, KINDRED_MAIL_FROM: 'Kindred tests <noreply@kindred.test>' } });
  child.stderr.pipe(log, { end: false });
  child.stdout.pipe(log, { end: false });
  const closed = new Promise((resolve) => child.once('close', (code, signal) =>
    resolve(code !== null ? code : 128 + os.constants.signals[signal])));
  const base = await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error('kindred did not start in 30 s')), 30_000);
    closed.then((code) => reject(new Error(`kindred exited (${code}) before serving`)));
    const listen = (chunk) => {
      seen += chunk;
      const m = /Kindred is serving at (http:\/\/127\.0\.0\.1:\d+)\//.exec(seen);
      if (m) {
        clearTimeout(timer);
        child.stdout.off('data', listen);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', listen);
  }).catch((err) => {
    child.kill('SIGKILL');
    mailbox.stop();
    fs.rmSync(data, { recursive: true, force: true });
    throw err;
  });
  /* Stops the server (SIGTERM, then SIGKILL after 10 s) and removes its data; returns its exit
   * code, or 128 + the signal that ended it. Safe to call more than once. */
  let stopped = null;
  const stop = () => {
    if (stopped === null) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }
      stopped = closed.then((code) => {
        mailbox.stop();
        fs.rmSync(data, { recursive: true, force: true });
        return new Promise((resolve) => log.end(() => resolve(code)));
      });
    }
    return stopped;
  };
  return { base, stop, data, mailbox, logPath: path.join(ARTIFACTS, 'server.log') };
}

// ------------------------------------------------------------------ the runner

const tests = [];
export function test(name, fn) {
  tests.push({ name, fn });
}

/* Live bindings: set by runAll() before the first test runs. */
export let server;
export let browser;
export const contexts = new Map(); // one signed-in context per member, shared by the tests

/* A page that remembers script errors and CSP refusals, for noProblems(). */
export async function newPage(context) {
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.problems = [];
  page.on('pageerror', (err) => page.problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    // a refused or failed request is logged too: the tests that cause one expect it
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource'))
      page.problems.push(`console: ${msg.text()}`);
  });
  return page;
}

export function noProblems(page) {
  assert.deepEqual(page.problems, [], 'the page logged errors (a CSP refusal or a script error)');
}

/* A page signed in as handle, in a context of its own (with JavaScript unless told). */
export async function memberPage(handle, { javaScript = true } = {}) {
  const key = `${handle}:${javaScript}`;
  let context = contexts.get(key);
  if (!context) {
    context = await browser.newContext({ javaScriptEnabled: javaScript, baseURL: server.base,
      viewport: { width: 1100, height: 800 } });
    const page = await newPage(context);
    await page.goto('/login');
    await page.fill('#f-login', handle);
    await page.fill('#f-password', PASSWORD);
    await Promise.all([
      page.waitForURL((url) => url.pathname !== '/login'),
      page.click('main form button[type="submit"]'),
    ]);
    assert.equal(await page.locator(`.member-menu a[href="/@${handle}"]`).count(), 1,
      `${handle} is signed in`);
    await page.close();
    contexts.set(key, context);
  }
  return newPage(context);
}

export async function screenshot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/* The four screenshots a page change is looked at in: desktop (1100 px) and a 390 px phone, each
 * light and dark (prefers-color-scheme). Saved as <name>-desktop-light.png and so on; the page
 * gets its viewport and colour scheme back afterwards. Reloads the page for each, so use it on
 * a page whose address shows what to see. */
export async function screenshotVariants(page, name) {
  // the sanitizer build's run (tests/meson.build sets BROWSER_SKIP_LIGHTHOUSE there) is for the
  // server's memory and undefined behaviour: the first run already saved these pictures
  if (process.env.BROWSER_SKIP_LIGHTHOUSE)
    return;
  const viewport = page.viewportSize();
  for (const [size, width] of [['desktop', 1100], ['phone', 390]]) {
    for (const scheme of ['light', 'dark']) {
      await page.setViewportSize({ width, height: 800 });
      await page.emulateMedia({ colorScheme: scheme });
      await page.reload();
      await screenshot(page, `${name}-${size}-${scheme}`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(viewport);
  await page.reload();
}

/* Lighthouse (from node_modules, run in Debian's Chromium with the usual flags) on url, with its
 * default mobile emulation and throttling unless formFactor is 'desktop'. Saves the JSON report
 * as <ARTIFACTS>/lighthouse-<name>.json and returns it; report.categories[id].score is 0..1.
 * Performance is timing: a test asserts the other categories, and bench/ measures performance. */
export function lighthouseReport(url, name, { formFactor = 'mobile' } = {}) {
  const out = path.join(ARTIFACTS, `lighthouse-${name}.json`);
  const args = [path.join(here, 'node_modules', 'lighthouse', 'cli', 'index.js'), url, '--quiet',
    '--output=json', `--output-path=${out}`, `--chrome-flags=${CHROMIUM_FLAGS.join(' ')}`];
  if (formFactor === 'desktop')
    args.push('--preset=desktop');
  // Lighthouse sometimes fails to record its own trace of the load (NO_NAVSTART and kin, seen
  // on a loaded machine): that says nothing about the page, so such a run is tried once more.
  const traceTrouble = /NO_NAVSTART|NO_TRACING_STARTED|NO_DCL|NO_FCP_IN_TRACE|PROTOCOL_TIMEOUT/;
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync(process.execPath, args, { stdio: 'pipe',
        env: { ...process.env, CHROME_PATH: CHROMIUM }, timeout: 120_000 });
      break;
    } catch (err) {
      if (attempt >= 2 || !traceTrouble.test(String(err.stderr) + err.message))
        throw err;
      console.log(`    lighthouse ${name}: its trace failed (${traceTrouble.exec(String(err.stderr) + err.message)[0]}); once more`);
    }
  }
  return JSON.parse(fs.readFileSync(out, 'utf8'));
}

/* True when the page scrolls sideways at its current width (the 360 px rule). */
export async function scrollsSideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth >
    document.documentElement.clientWidth);
}

/* axe-core's violations on the page open in `page` (names with the offending nodes). The page's
 * context must have been made with bypassCSP: true (the site's CSP rightly allows no script but
 * its own, so axe-core cannot be injected otherwise). */
export async function axeViolations(page, { impacts = ['minor', 'moderate', 'serious', 'critical'] } = {}) {
  await page.addScriptTag({ path: path.join(here, 'node_modules', 'axe-core', 'axe.min.js') });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.filter((v) => impacts.includes(v.impact))
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/* Marks the page so that a test can tell it was not reloaded. */
export async function markStay(page) {
  await page.evaluate(() => { window.kindredTestStay = 'still here'; });
}
export async function stayed(page) {
  return (await page.evaluate(() => window.kindredTestStay)) === 'still here';
}

export function normalise(s) {
  return s.replace(/[ \t\n\r\f\v\u00a0]+/g, ' ').trim();
}

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms); }),
  ]);
}

export async function runAll() {
  test('server_stops_cleanly', serverStopsCleanly);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const chosen = tests.filter((t) => !ONLY || ONLY.test(t.name));
  const failed = [];
  console.log(`[==========] browser: Running ${chosen.length} test(s).`);
  try {
    server = await startServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_FLAGS,
    });
  } catch (err) {
    console.log(`[  ERROR   ] setting up: ${err.stack || err}`);
    if (server)
      await server.stop();
    console.log(`[  FAILED  ] ${chosen.length} test(s), listed below:`);
    for (const t of chosen)
      console.log(`[  FAILED  ] ${t.name}`);
    return 1;
  }
  for (const t of chosen) {
    console.log(`[ RUN      ] ${t.name}`);
    const started = Date.now();
    try {
      await withTimeout(t.fn(), TEST_TIMEOUT_MS, t.name);
      console.log(`[       OK ] ${t.name} (${Date.now() - started} ms)`);
    } catch (err) {
      console.log(`[  ERROR   ] ${t.name}: ${err.stack || err}`);
      console.log(`[  FAILED  ] ${t.name}`);
      failed.push(t.name);
      let n = 0;
      for (const c of contexts.values())
        for (const p of c.pages())
          await p.screenshot({ path: path.join(ARTIFACTS, `FAILED-${t.name}-${++n}.png`),
            fullPage: true }).catch(() => {});
    }
    for (const c of contexts.values())
      for (const p of c.pages())
        await p.close().catch(() => {});
  }
  await browser.close();
  await server.stop();
  console.log(`[==========] browser: ${chosen.length} test(s) run.`);
  console.log(`[  PASSED  ] ${chosen.length - failed.length} test(s).`);
  if (failed.length) {
    console.log(`[  FAILED  ] ${failed.length} test(s), listed below:`);
    for (const name of failed)
      console.log(`[  FAILED  ] ${name}`);
    console.log(`\n ${failed.length} FAILED TEST(S)`);
  }
  console.log(`Screenshots and the server log: ${ARTIFACTS}`);
  return failed.length ? 1 : 0;
}

// ------------------------------------------------------------------ mail

/* Waits until the mailbox holds a message that `match` accepts; returns it. */
export async function mailFor(match, what, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = (await server.mailbox.messages()).find(match);
    if (found)
      return found;
    if (Date.now() > end)
      throw new Error(`no mail ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/* The path and query of the mailed link to path, on the server under test. */
export function mailedLink(message, path) {
  const link = message.links.find((l) => new URL(l).pathname === path);
  assert.ok(link, `no link to ${path} in: ${message.text}`);
  const u = new URL(link);
  return server.base + u.pathname + u.search;
}

/* A guest's context without JavaScript: every mail journey works with plain forms. */
export async function plainPage() {
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL: server.base,
    viewport: { width: 1100, height: 800 } });
  return newPage(context);
}

/* The first link in a message's text that starts with the site's base and has `path`. */
export function linkIn(message, path) {
  const link = message.links.find((l) => l.startsWith(server.base) && l.includes(path));
  assert.ok(link, `a link to ${path} in "${message.subject}"`);
  return link;
}

/* Last: the server, built with sanitizers in scripts/test's second run, shuts down without a
 * report after everything the browser sent it. */
async function serverStopsCleanly() {
  const code = await server.stop();
  const log = fs.readFileSync(server.logPath, 'utf8');
  assert.doesNotMatch(log, /AddressSanitizer|LeakSanitizer|runtime error:/, 'a sanitizer report in server.log');
  assert.equal(code, 0, 'kindred exit status after SIGTERM');
}
