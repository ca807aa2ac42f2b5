// HTML validity of every page type: starts the real binary on a fresh demo site, fetches one page
// of each kind (as a guest and as the demo's reader, author, moderator and admin, including forms
// sent back with errors and the error pages), and runs the Nu HTML Checker (vnu.jar, from the
// vnu-jar npm package, on Debian's Java) over all of them at once. Any error fails that page.
//
// Prints cmocka's lines ("[ RUN      ]", "[  PASSED  ] N test(s).") so scripts/test counts one
// test per page. Environment:
//   KINDRED_BIN     the kindred binary (default: <repo>/build/kindred)
//   KINDRED_STATIC  the static files folder (default: <repo>/static)
//   HTML_ARTIFACTS  where the pages, the checker's report and the server log go
//                   (default: <repo>/build/html-artifacts)
//   JAVA            the Java runtime (default: java on the PATH)

import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const KINDRED_BIN = process.env.KINDRED_BIN || path.join(repo, 'build', 'kindred');
const KINDRED_STATIC = process.env.KINDRED_STATIC || path.join(repo, 'static');
const ARTIFACTS = process.env.HTML_ARTIFACTS || path.join(repo, 'build', 'html-artifacts');
const JAVA = process.env.JAVA || 'java';
const VNU_JAR = path.join(here, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');

const PASSWORD = 'kindred-demo';
const NL = '/n/learning-in-public';
const EPISODE = `${NL}/two-languages-one-team`;

// ------------------------------------------------------------------ the server

/* The server's environment without KINDRED_* settings from a developer's shell. */
const serverEnv = Object.fromEntries(Object.entries(process.env)
  .filter(([name]) => !name.startsWith('KINDRED_')));

/* Creates a demo site in a fresh folder and serves it on a free loopback port. */
async function startServer() {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'kindred-html-'));
  execFileSync(KINDRED_BIN, ['init', '--data', data, '--demo'], { stdio: 'pipe', env: serverEnv });
  execFileSync(KINDRED_BIN, ['events', 'load', '-', '--data', data],
    { input: insightsHistory(), stdio: ['pipe', 'pipe', 'pipe'], env: serverEnv });
  const log = fs.createWriteStream(path.join(ARTIFACTS, 'server.log'));
  const child = spawn(KINDRED_BIN, ['serve', '--data', data, '--listen', '127.0.0.1:0',
    '--static', KINDRED_STATIC], { stdio: ['ignore', 'pipe', 'pipe'], env: serverEnv });
  child.stderr.pipe(log, { end: false });
  child.stdout.pipe(log, { end: false });
  const closed = new Promise((resolve) => child.once('close', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }
    await closed;
    fs.rmSync(data, { recursive: true, force: true });
    await new Promise((resolve) => log.end(resolve));
  };
  try {
    const base = await new Promise((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error('kindred did not start in 30 s')), 30_000);
      closed.then(() => reject(new Error('kindred exited before serving')));
      child.stdout.on('data', (chunk) => {
        seen += chunk;
        const m = /Kindred is serving at (http:\/\/127\.0\.0\.1:\d+)\//.exec(seen);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    return { base, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/* A few weeks of reading and taking part in Learning in Public's season 2 (episodes 6 to 9 of
 * the demo) by its readers sam (5), liwei (6), ana (7) and june (4), so the insights pages draw
 * every chart: `kindred events load` lines (at, kind, member, guest, newsletter, episode,
 * other, item). */
function insightsHistory() {
  const lines = [];
  const ev = (day, kind, member, episode, other = '') =>
    lines.push([`${day}T10:00:00Z`, kind, member, '', 2, episode, other, ''].join('\t'));
  const days = { 6: '2026-11-10', 7: '2026-11-17', 8: '2026-11-24', 9: '2026-12-01' };
  for (const [episode, day] of Object.entries(days)) {
    for (const member of [4, 5, 6, 7]) ev(day, 'view', member, episode);
    ev(day, 'reaction', 5, episode);
    ev(day, 'comment', 6, episode);
    ev(day, 'reply', 7, episode, 6);
    ev(day, 'reply', 2, episode, 6);
  }
  ev(days[7], 'buildon', 7, 7, 2);
  ev(days[8], 'tried', 5, 8);
  return lines.join('\n') + '\n';
}

// ------------------------------------------------------------------ a small HTTP client

/* One visitor: a cookie jar and the CSRF token of the last page seen. */
// Every Set-Cookie of a response. Node 20 has getSetCookie(); Debian 12's Node 18 joins them
// into one header with ", ", which is split before each "name=" (an Expires date's comma is
// followed by a day number, and Kindred sends Max-Age anyway).
function setCookies(headers) {
  if (typeof headers.getSetCookie === 'function')
    return headers.getSetCookie();
  const joined = headers.get('set-cookie');
  return joined ? joined.split(/,\s*(?=[A-Za-z0-9_-]+=)/) : [];
}

class Visitor {
  constructor(base, name) {
    this.base = base;
    this.name = name;
    this.cookies = new Map();
  }

  async request(method, pathname, form) {
    const headers = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    let body;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const res = await fetch(this.base + pathname, { method, headers, body, redirect: 'manual' });
    for (const c of setCookies(res.headers)) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const text = await res.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(text);
    if (csrf)
      this.csrf = csrf[1];
    return { status: res.status, location: res.headers.get('location'), type: res.headers.get('content-type'), text };
  }

  get(pathname) {
    return this.request('GET', pathname);
  }

  /* Posts a form with this visitor's CSRF token (read from a page first when none is known). */
  async post(pathname, form) {
    if (!this.csrf)
      await this.get('/');
    return this.request('POST', pathname, { _csrf: this.csrf, ...form });
  }

  async login(handle) {
    await this.get('/login');
    const r = await this.post('/login', { login: handle, password: PASSWORD, next: '/' });
    if (r.status !== 303)
      throw new Error(`logging in as ${handle}: status ${r.status}`);
    await this.get('/'); // the member's own CSRF token
    return this;
  }
}

function firstMatch(re, text, what) {
  const m = re.exec(text);
  if (!m)
    throw new Error(`could not find ${what}`);
  return m[1];
}

// ------------------------------------------------------------------ the pages

/* Fetches one page of every type; returns [{name, status, expected, text}]. */
async function collectPages(base) {
  const pages = [];
  const add = async (name, visitor, fetcher, expected = 200) => {
    const r = await fetcher(visitor);
    pages.push({ name: `${visitor.name}-${name}`, status: r.status, expected, type: r.type,
      text: r.text });
    return r;
  };
  const get = (p) => (v) => v.get(p);
  const post = (p, form) => (v) => v.post(p, form);

  const guest = new Visitor(base, 'guest');
  const sam = await new Visitor(base, 'sam').login('sam');
  const mira = await new Visitor(base, 'mira').login('mira');
  const june = await new Visitor(base, 'june').login('june');
  const admin = await new Visitor(base, 'admin').login('admin');

  // Ids the pages need: an episode of mira's, a comment of sam's, a draft.
  const dashboard = await mira.get('/write');
  const episodeIds = [...dashboard.text.matchAll(/href="\/write\/episode\/(\d+)"/g)].map((m) => m[1]);
  if (!episodeIds.length)
    throw new Error('no episodes on the dashboard');
  const samEpisode = await sam.get(EPISODE);
  const samComment = firstMatch(/href="\/comments\/(\d+)\/edit"/, samEpisode.text, "a comment of sam's");
  const samComments = new Set([...samEpisode.text.matchAll(/href="\/comments\/(\d+)\/edit"/g)]
    .map((m) => m[1]));
  const anyComment = [...samEpisode.text.matchAll(/id="c-(\d+)"/g)].map((m) => m[1])
    .find((id) => !samComments.has(id));
  if (!anyComment)
    throw new Error('could not find a comment by someone else than sam');
  const episodeId = firstMatch(/data-target="episode" data-id="(\d+)"/, samEpisode.text,
    'the episode id');

  // Guests
  await add('home', guest, get('/'));
  await add('login', guest, get('/login'));
  await add('signup', guest, get('/signup'));
  await add('signup-errors', guest, post('/signup', { handle: 'x', display_name: '', email: 'no', password: 'short' }), 422);
  // Account mail (docs/mail.md): the answer to a sign-up, the reset pages, a link that fails
  await add('signup-sent', guest, post('/signup', { handle: 'html_check', display_name: 'HTML Check', email: 'html-check@example.org', password: 'a long enough passphrase' }));
  await add('password-forgot', guest, get('/password/forgot'));
  await add('password-forgot-sent', guest, post('/password/forgot', { email: 'nobody@example.org' }));
  await add('link-unknown', guest, get('/password/reset?token=nonsense'), 404);
  await add('login-errors', guest, post('/login', { login: 'sam', password: 'wrong password', next: '/' }), 422);
  await add('newsletter', guest, get(NL));
  await add('newsletter-on-break', guest, get('/n/fourth-floor-garden'));
  await add('season', guest, get(`${NL}/season/1`));
  await add('episode', guest, get(EPISODE));
  await add('thread', guest, get(`${EPISODE}/comments/${anyComment}`));
  await add('reactions', guest, get(`/reactions?target=episode&id=${episodeId}`));
  await add('profile', guest, get('/@mira'));
  await add('profile-reader', guest, get('/@sam'));
  await add('search', guest, get('/search?q=retro')); // web/search.c
  await add('search-too-short', guest, get('/search?q=ab'), 422);
  await add('not-found', guest, get('/no/such/page'), 404);
  await add('episode-not-found', guest, get(`${NL}/no-such-episode`), 404);

  // A reader
  await add('home', sam, get('/'));
  await add('settings', sam, get('/settings'));
  await add('mail-prefs', sam, get('/settings/notification-mail')); // web/mail_prefs.c
  await add('avatar', sam, get('/settings/avatar')); // web/avatar.c: initials, the upload form
  await add('members', sam, get('/members')); // faces in the member list (docs/images.md)
  await add('settings-errors', sam, post('/settings/profile', { display_name: '', headline: '', bio: '' }), 422);
  await add('settings-email-errors', sam, post('/settings/email', { email: 'not an address', password: 'x' }), 422);
  await add('notifications', sam, get('/notifications'));
  await add('search', sam, get('/search?q=retro&kind=comments'));
  await add('episode', sam, get(EPISODE));
  await add('comment-edit', sam, get(`/comments/${samComment}/edit`));
  await add('comment-report', sam, get(`/comments/${anyComment}/report`));
  // A report, so that the moderation queue has an entry to show.
  await add('report-sent', sam, post(`/comments/${anyComment}/report`,
    { reason: 'spam', note: 'Checking the moderation page.' }));
  await add('forbidden', sam, get('/admin/members'), 403);

  // An author
  await add('write', mira, get('/write'));
  await add('newsletter-new', mira, get('/write/newsletter'));
  await add('newsletter-edit', mira, get(`/write${NL}`));
  await add('newsletter-errors', mira, post(`/write${NL}`, { title: '', description: '', coauthors: '' }), 422);
  await add('season-new', mira, get(`/write${NL}/season`));
  await add('season-edit', mira, get(`/write${NL}/season/1`));
  await add('season-errors', mira, post(`/write${NL}/season/1`, { number: '1', title: '', description: '', cadence: 'weekly', weekday: '1', every_days: '', status: 'airing', returns: '' }), 422);
  await add('episode-new', mira, get(`/write${NL}/episode`));
  for (const id of episodeIds.slice(0, 3))
    await add(`episode-edit-${id}`, mira, get(`/write/episode/${id}`));
  await add('episode-preview', mira, post(`/write${NL}/episode`, { season: '1', number: '', title: 'A preview', subtitle: 'Checked', slug: '', body: '## Heading\n\nSome *text*.', cover_alt: '', cover_credit: '', ai: 'none', teaser: '', publish_at: '', action: 'preview' }));
  await add('episode-errors', mira, post(`/write${NL}/episode`, { season: '1', number: '', title: '', subtitle: '', slug: '', body: '', cover_alt: '', cover_credit: '', ai: 'none', teaser: '', publish_at: '', action: 'draft' }), 422);
  const drafts = [...dashboard.text.matchAll(/<tr><td><a href="\/write\/episode\/\d+">[^<]*<\/a>.*?<\/tr>/g)]
    .filter((m) => /Draft|Scheduled/.test(m[0]));
  for (const d of drafts.slice(0, 2)) {
    const id = /\/write\/episode\/(\d+)/.exec(d[0])[1];
    const edit = await mira.get(`/write/episode/${id}`);
    const view = /<a href="(\/n\/[^"]+)">View<\/a>/.exec(edit.text);
    if (view)
      await add(`episode-unpublished-${id}`, mira, get(view[1]));
  }
  await add('profile', mira, get('/@mira'));

  // Questions for you and "I tried this" (web/prompts.c, web/tried.c)
  const promptId = firstMatch(/id="q-(\d+)"/, samEpisode.text, 'a question');
  await add('question', guest, get(`${EPISODE}/prompts/${promptId}`));
  await add('question', sam, get(`${EPISODE}/prompts/${promptId}`));
  await add('answer-errors', sam, post(`${EPISODE}/prompts/${promptId}/answers`, { body: ' ' }), 422);
  await add('tried', guest, get(`${EPISODE}/tried`));
  await add('tried', sam, get(`${EPISODE}/tried`));
  await add('tried-errors', sam, post(`${EPISODE}/tried/outcome`, { outcome: 'nope', outcome_note: 'x' }), 422);
  await add('episode', mira, get(EPISODE));

  // A moderator and an admin
  await add('moderation', june, get('/moderation'));
  await add('notifications', june, get('/notifications'));
  await add('members', admin, get('/admin/members'));
  await add('mail', admin, get('/admin/mail')); // the outbox (web/mail_admin.c)
  // Email subscriptions (web/subscriptions.c): the pages a guest and a member see
  await add('subscribe', guest, get(`${NL}/subscribe`));
  await add('subscribe-errors', guest, post(`${NL}/subscribe`, { email: 'not an address' }), 422);
  await add('subscribe-confirm-unknown', guest, get('/subscribe/confirm?token=nope'), 404);
  await add('subscribe', sam, get(`${NL}/subscribe`));
  await add('email-subscriptions', sam, get('/settings/email-subscriptions'));
  await add('moderation', admin, get('/moderation'));

  // Asks: lists, one ask, the forms and their errors
  await add('asks', guest, get(`${NL}/asks`));
  await add('asks-covered', guest, get(`${NL}/asks?view=covered`));
  await add('asks', sam, get(`${NL}/asks`));
  await add('ask-new', sam, get(`${NL}/asks/new`));
  await add('ask-errors', sam, post(`${NL}/asks`, { title: '', body: 'Kept' }), 422);
  const asks = await mira.get(`${NL}/asks?view=new`);
  const askId = firstMatch(/id="ask-(\d+)"/, asks.text, 'an ask');
  await add('ask', guest, get(`${NL}/asks/${askId}`));
  await add('ask', mira, get(`${NL}/asks/${askId}`));
  await add('ask-decision-errors', mira, post(`${NL}/asks/${askId}/status`, { status: 'declined', note: '', episode_id: '' }), 422);
  // The lexicon: the list with its proposals and forms, a term, a refused proposal
  await add('lexicon', guest, get(`${NL}/lexicon`));
  await add('lexicon', mira, get(`${NL}/lexicon`));
  await add('lexicon-term', guest, get(`${NL}/lexicon/term-3`));
  await add('lexicon-proposal', sam, get(`${NL}/lexicon/doubt-language`));
  await add('lexicon-errors', sam, post(`${NL}/lexicon`, { term: '', definition: '', origin: 'x' }), 422);
  // Spaces and the member directory (web/spaces.c, web/members.c)
  await add('spaces', guest, get('/spaces'));
  await add('space', guest, get('/spaces/porch'));
  await add('space-thread', guest, get('/spaces/porch/1'));
  await add('space', sam, get('/spaces/porch'));
  await add('space-new-threads', sam, get('/spaces/porch?view=new'));
  await add('space-followers', mira, get('/spaces/readers-circle'));
  await add('space-thread', sam, get('/spaces/porch/1'));
  await add('space-thread-errors', sam, post('/spaces/porch/1', { body: '' }), 422);
  await add('space-start-errors', sam, post('/spaces/porch/threads', { title: '', body: 'x' }), 422);
  await add('space-post-edit', sam, get('/posts/1/edit'));
  await add('space-new', june, get('/spaces/new'));
  await add('space-edit', june, get('/spaces/porch/edit'));
  await add('space-new-errors', june, post('/spaces/new', { slug: 'Bad Slug', title: '', who_posts: 'followers' }), 422);
  await add('members-directory', sam, get('/members'));
  await add('members-search', sam, get('/members?q=garden'));
  // Build-ons: the demo's chain on the retro episode
  const RETRO = `${NL}/the-fifteen-minute-retro`;
  await add('buildons', guest, get(`${RETRO}/b`));
  await add('buildon', guest, get(`${RETRO}/b/3`));
  await add('buildon', sam, get(`${RETRO}/b/1`));
  await add('buildon-new', sam, get(`${RETRO}/b/new?parent=2`));
  await add('buildon-errors', sam, post(`${RETRO}/b`, { title: '', body: '', parent: '2', quote_exact: 'not there' }), 422);
  await add('buildon-edit', sam, get('/buildons/1/edit'));
  await add('buildon', mira, get(`${RETRO}/b/5`));
  // Member identity: the badges' page, a member's list, the admin's badge forms and their 422
  await add('badges', guest, get('/badges'));
  await add('profile-comments', guest, get('/@sam/comments'));
  await add('profile-own', sam, get('/@sam'));
  await add('profile-admin', admin, get('/@sam'));
  await add('profile-badge-errors', admin, post('/@sam/badges', { action: 'award', badge: 'wordsmith', newsletter: '', note: 'kept' }), 422);
  await add('account-events', sam, get('/account/events'));
  // Insights pages (web/insights.c) with their SVG charts, drawn from a little history
  // (insightsHistory) loaded before the server started; the empty state; a refused range
  const tomas = await new Visitor(base, 'tomas').login('tomas');
  await add('insights', mira, get('/insights'));
  await add('insights-newsletter', mira, get('/insights/learning-in-public?from=2026-11-02&to=2026-12-06'));
  await add('insights-season', mira, get('/insights/learning-in-public?from=2026-03-01&to=2026-05-01&season=1'));
  await add('insights-episode', mira, get('/insights/learning-in-public?episode=onboarding-is-a-team-sport&from=2026-11-02&to=2026-12-06'));
  await add('insights-empty', tomas, get('/insights/fourth-floor-garden?from=2026-11-02&to=2026-11-08'));
  await add('insights-bad-range', mira, get('/insights/learning-in-public?from=2026-13-45'), 400);
  await add('insights-admin', admin, get('/insights'));
  await add('insights-site', admin, get('/insights?site=1&from=2026-11-02&to=2026-12-06'));
  await add('insights-forbidden', sam, get('/insights/learning-in-public'), 403);
  return pages;
}

// ------------------------------------------------------------------ the checker

/* Runs vnu over every file in dir; returns its messages of type "error", by file name. */
function runVnu(dir) {
  return new Promise((resolve, reject) => {
    execFile(JAVA, ['-jar', VNU_JAR, '--errors-only', '--format', 'json', '--stdout', '--html', dir],
      { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        let report;
        try {
          report = JSON.parse(stdout);
        } catch {
          reject(new Error(`vnu gave no report: ${error ? error.message : ''}\n${stderr}`));
          return;
        }
        fs.writeFileSync(path.join(ARTIFACTS, 'vnu.json'), JSON.stringify(report, null, 1));
        const byFile = new Map();
        for (const m of report.messages || []) {
          if (m.type !== 'error' && m.type !== 'non-document-error')
            continue;
          const file = m.url ? path.basename(decodeURIComponent(m.url)) : '(vnu)';
          if (!byFile.has(file))
            byFile.set(file, []);
          byFile.get(file).push(m);
        }
        resolve(byFile);
      });
  });
}

async function main() {
  const started = Date.now();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const pagesDir = path.join(ARTIFACTS, 'pages');
  fs.rmSync(pagesDir, { recursive: true, force: true });
  fs.mkdirSync(pagesDir);
  let pages, byFile;
  let server;
  try {
    server = await startServer();
    pages = await collectPages(server.base);
    await server.stop();
    server = null;
    for (const p of pages)
      fs.writeFileSync(path.join(pagesDir, `${p.name}.html`), p.text);
    byFile = await runVnu(pagesDir);
  } catch (err) {
    if (server)
      await server.stop();
    console.log(`[  ERROR   ] html: setting up: ${err.stack || err}`);
    console.log('[  FAILED  ] 1 test(s), listed below:');
    console.log('[  FAILED  ] html_setup');
    return 1;
  }
  console.log(`[==========] html: Running ${pages.length} test(s).`);
  const failed = [];
  let errors = 0;
  for (const p of pages) {
    console.log(`[ RUN      ] ${p.name}`);
    const problems = [];
    if (p.status !== p.expected)
      problems.push(`status ${p.status}, expected ${p.expected}`);
    if (!/^text\/html; charset=utf-8$/i.test(p.type || ''))
      problems.push(`Content-Type ${p.type}`);
    for (const m of byFile.get(`${p.name}.html`) || []) {
      errors++;
      const extract = m.extract ? `\n      ${m.extract.replace(/\n/g, '⏎')}` : '';
      problems.push(`line ${m.lastLine}: ${m.message}${extract}`);
    }
    if (problems.length) {
      for (const line of problems)
        console.log(`    ${line}`);
      console.log(`[  FAILED  ] ${p.name}`);
      failed.push(p.name);
    } else {
      console.log(`[       OK ] ${p.name}`);
    }
  }
  for (const [file, ms] of byFile) {
    if (!pages.some((p) => `${p.name}.html` === file)) {
      console.log(`    vnu: ${file}: ${ms.map((m) => m.message).join('; ')}`);
      failed.push(`vnu ${file}`);
    }
  }
  console.log(`[==========] html: ${pages.length} test(s) run (${errors} checker error(s), ${((Date.now() - started) / 1000).toFixed(1)} s).`);
  console.log(`[  PASSED  ] ${pages.length - failed.length} test(s).`);
  if (failed.length) {
    console.log(`[  FAILED  ] ${failed.length} test(s), listed below:`);
    for (const name of failed)
      console.log(`[  FAILED  ] ${name}`);
    console.log(`\n ${failed.length} FAILED TEST(S)`);
  }
  console.log(`Pages, vnu.json and the server log: ${ARTIFACTS}`);
  return failed.length ? 1 : 0;
}

process.exitCode = await main();
