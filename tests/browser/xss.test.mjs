// xss.test.mjs - a cross-site scripting probe of every form the back office
// and the portal show, found by crawling rather than listed, so that pages
// added later are covered without editing this file.
//
//  1. signs in as several demo users (and one anonymous visitor) and crawls
//     from /admin (links under /admin, /cases, /parties, /account and any
//     other back-office prefix the top navigation links to; the visitor
//     crawls /, /portal, /log and /verify), with depth and page caps;
//  2. submits every form found (POST, and GET filters and searches) whose
//     action is not destructive or session-ending, with every text field
//     filled with a payload carrying a marker that names the form, the
//     variant and the field (F12c3: form 12, variant c, field 3; the legend
//     is kept here, the marker stays short for length limits): (a) an HTML
//     breakout from text, textarea, title, style and script, (b) a short
//     Chinese one that passes length checks and breaks out of a quoted or
//     unquoted attribute and opens an element (a javascript: URL in
//     URL-like fields), (c) one in every field including numbers, dates
//     and hidden ones.  Checkboxes and
//     chosen options are kept as they are (an empty select takes its first
//     option, an empty date today, so that a form with a mandatory choice
//     can store the payload).  A refusal (400 and the form shown again with
//     the input) is a page like any other;
//  3. checks every page reached (the answers to the submissions, the crawled
//     pages again, the pages the submissions led to, the portal): no element
//     with a data-zfxss attribute, no event handler, javascript: URL or
//     script carrying a marker, window.__zfxss unset, no dialog.  CSP
//     violations are only printed: escaping must hold without the CSP;
//  4. every JSON answer reached (each page asked for with Accept:
//     application/json, the GET routes of openapi.json without parameters)
//     says Content-Type application/json and X-Content-Type-Options nosniff.
// A finding names the page, the marker (form and field) and the element.
// Prints TAP and a summary line.
// Usage: ZHIFA_URL=http://127.0.0.1:PORT node xss.test.mjs
import { base, shots, ok, done, launch, demoPassword } from './lib.mjs';
import { readFileSync } from 'node:fs';

const started = Date.now();
const origin = new URL(base).origin;
const USERS = ['admin', 'jn.head', 'jn.zhang', 'fagui.head', 'jiandu'];
const BACK = ['/admin', '/cases', '/parties', '/account'];
const PUBLIC = ['/', '/portal', '/log', '/verify'];
// first path segments that are never back office, whatever the nav links to
const NOT_BACK = new Set(['', 'portal', 'log', 'verify', 'api', 'static', 'login', 'logout', 'healthz']);
// forms not submitted: session-ending, destructive, or changing a state
const SKIP_ACTION = /logout|delete|lock|unlock|password|release|status|withdraw|publish|photo|upload|remove|revoke/i;
// links not followed: downloads, files, binary or plain-text answers
const SKIP_LINK = /\.(xlsx|csv|pdf|zip|png|jpe?g|gif|docx?|txt|json)$|\/(download|view|photo|qr\.svg)$|^\/log\/(checkpoint|key|tile)|^\/logout|^\/static\/|^\/api\//;
const MAX_PAGES = +(process.env.ZHIFA_XSS_PAGES || 35);   // per visitor and crawl
const MAX_DEPTH = 3, PER_PATTERN = 2;                      // pages per URL shape
const MAX_EXTRA = 10;                                      // new pages found after submitting
const VARIANTS = ['a', 'b', 'c'];

// The URL shape: ids, hashes and tokens as {}, query values dropped.
function pattern(u) {
  const url = new URL(u, origin);
  const segs = url.pathname.split('/').map(s => /^\d+$/.test(s) || /^[0-9a-f]{16,}$/i.test(s) ||
    (s.length >= 16 && /\d/.test(s)) ? '{}' : s);
  return segs.join('/') + '?' + [...url.searchParams.keys()].sort().join('&');
}
// Same-origin path and query of an absolute URL, or null.
function local(href) {
  try { const u = new URL(href, origin); return u.origin === origin ? u.pathname + u.search : null; }
  catch { return null; }
}
function under(path, prefixes) {
  const p = path.split('?')[0];
  return prefixes.some(x => x === '/' ? p === '/' : p === x || p.startsWith(x + '/'));
}

// ---- what a page must not contain ----
const findings = [], cspSeen = [], dialogs = [];
const legend = new Map();   // marker -> form and field
let pagesChecked = 0, echoes = 0;
const checkedUrls = new Set();

async function checkPage(page, url, who) {
  pagesChecked++;
  checkedUrls.add(`${who} ${url}`);
  let r;
  try {
    r = await page.evaluate(() => {
      const out = [];
      const desc = el => el.outerHTML.slice(0, 200);
      const mark = v => (String(v).match(/F\d+[a-c]\d+/) || ['?'])[0];
      for (const el of document.querySelectorAll('[data-zfxss]'))
        out.push({ marker: el.getAttribute('data-zfxss'), element: desc(el) });
      for (const el of document.querySelectorAll('*')) {
        for (const a of el.attributes) {
          const n = a.name.toLowerCase(), v = a.value;
          if (n.startsWith('on') && v.includes('zfxss')) out.push({ marker: mark(v), element: desc(el) });
          else if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster'].includes(n) &&
                   /^\s*javascript:/i.test(v) && v.includes('zfxss'))
            out.push({ marker: mark(v), element: desc(el) });
        }
        if (el.tagName.toLowerCase() === 'script' && el.textContent.includes('__zfxss'))
          out.push({ marker: mark(el.textContent), element: desc(el) });
      }
      // the payloads shown back as text or kept in a field: where escaping was needed
      const echoed = (document.body || document.documentElement).textContent.includes('zfxss') ||
        [...document.querySelectorAll('input, textarea')].some(e => e.value.includes('zfxss'));
      return { out, echoed, flag: typeof window.__zfxss, csp: window.__zfcsp || [] };
    });
  } catch (e) {
    findings.push({ url, who, marker: '?', element: 'page could not be inspected: ' + e.message });
    return;
  }
  if (r.echoed) echoes++;
  for (const f of r.out) findings.push({ url, who, ...f });
  if (r.flag !== 'undefined') findings.push({ url, who, marker: '?', element: `window.__zfxss is ${r.flag}` });
  for (const c of r.csp) cspSeen.push(`${who} ${url}: ${c}`);
}

// ---- JSON answers ----
const jsonAnswers = [], jsonBad = [];
function noteJson(url, status, headers, body) {
  const ct = headers['content-type'] || '';
  let isJson = /json/i.test(ct);
  if (!isJson && body) { try { JSON.parse(body); isJson = /^\s*[{[]/.test(body); } catch { /* not JSON */ } }
  if (!isJson) return;
  jsonAnswers.push(url);
  if (!/^application\/json(\s*;|$)/i.test(ct) || (headers['x-content-type-options'] || '').toLowerCase() !== 'nosniff')
    jsonBad.push(`${url} (${status}): Content-Type "${ct}", X-Content-Type-Options "${headers['x-content-type-options'] || ''}"`);
}
async function askJson(request, url) {
  try {
    const resp = await request.get(origin + url, { headers: { Accept: 'application/json' } });
    const body = await resp.text();
    noteJson(url, resp.status(), resp.headers(), body);
  } catch { /* the page answered something else than text; not a JSON answer */ }
}

// ---- visitors ----
async function visitor(browser, user) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  await ctx.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', e => {
      (window.__zfcsp = window.__zfcsp || []).push(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ''}`);
    });
  });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  page.on('dialog', d => { dialogs.push(`${user || '访客'} ${page.url()}: ${d.type()} ${d.message()}`); d.dismiss().catch(() => {}); });
  ctx.on('response', async resp => {
    if (!/json/i.test(resp.headers()['content-type'] || '')) return;
    noteJson(local(resp.url()) || resp.url(), resp.status(), resp.headers(), null);
  });
  const v = { name: user || 'anon', ctx, page, scope: user ? [...BACK] : [...PUBLIC], pages: [], targets: [], forms: [] };
  if (user) {
    await page.goto(`${base}/login`);
    await page.fill('#username', user);
    await page.fill('input[name=password]', demoPassword);
    await Promise.all([page.waitForNavigation(), page.press('input[name=password]', 'Enter')]);
    ok(local(page.url()).startsWith('/admin'), `${user} signs in`, page.url());
    // any other back-office prefix the navigation links to
    const navs = await page.$$eval('header a[href], nav a[href]', as => as.map(a => a.getAttribute('href')));
    for (const h of navs) {
      const p = local(h);
      const seg = p ? p.split('?')[0].split('/')[1] : '';
      if (p && !NOT_BACK.has(seg) && !v.scope.includes('/' + seg)) v.scope.push('/' + seg);
    }
  }
  return v;
}

// A breadth-first walk from starts within the visitor's scope; onPage sees
// every HTML or SVG page.  Returns the pages visited.
async function crawl(v, starts, { maxPages = MAX_PAGES, perPattern = PER_PATTERN, onPage, seen = new Set(),
                                  waitUntil = 'load' } = {}) {
  const counts = new Map(), visited = [];
  const queue = starts.map(u => [u, 0]);
  while (queue.length && visited.length < maxPages) {
    const [url, depth] = queue.shift();
    if (seen.has(url) || SKIP_LINK.test(url.split('?')[0])) continue;
    seen.add(url);
    const pat = pattern(url), c = counts.get(pat) || 0;
    if (c >= perPattern) continue;
    counts.set(pat, c + 1);
    let resp;
    try { resp = await v.page.goto(origin + url, { waitUntil }); } catch { continue; }
    if (!resp || !/html|svg/.test(resp.headers()['content-type'] || '')) continue;
    const at = local(v.page.url());
    if (v.name !== 'anon' && at.startsWith('/login')) continue;   // signed out: not for this visitor
    visited.push(url);
    if (onPage) await onPage(url);
    if (depth >= MAX_DEPTH) continue;
    const links = await v.page.$$eval('a[href]', as => as.map(a => a.href)).catch(() => []);
    for (const l of links) {
      const u = local(l.split('#')[0]);
      if (u && under(u, v.scope) && !seen.has(u)) queue.push([u, depth + 1]);
    }
  }
  return visited;
}

// The forms of the current page worth submitting, described so that they
// can be found again: the action, the method and the field names.
async function formsOf(page) {
  return page.$$eval('form', fs => fs.map((f, i) => ({
    index: i,
    method: (f.getAttribute('method') || 'get').toLowerCase(),
    // the attribute: a field named "action" hides the property
    action: new URL(f.getAttribute('action') || '', document.baseURI).href,
    names: [...f.elements].map(e => e.name).filter(Boolean).sort().join(','),
    file: !!f.querySelector('input[type=file]'),
    texts: [...f.elements].filter(e => e.tagName === 'TEXTAREA' ||
      (e.tagName === 'INPUT' && /^(text|search|url|email|tel|number|date|datetime-local|month|week|time|hidden|)$/.test(e.type))).length,
  })));
}

// Fills form `form` (index, action and names to find it again) with the
// payloads of variant v for marker prefix `tag` (the marker of a field is
// the prefix and its index in the form, short for length limits) and
// submits it.  Returns { n: fields filled, names: index -> field name },
// n = -1 if the form is gone.
async function fillAndSubmit(page, form, v, tag) {
  return page.evaluate(({ form, v, tag }) => {
    const forms = [...document.forms];
    const sig = f => [...f.elements].map(e => e.name).filter(Boolean).sort().join(',');
    const act = x => new URL(x.getAttribute('action') || '', document.baseURI).href;
    const f = forms.find(x => act(x) === form.action && sig(x) === form.names) ||
              forms.find(x => act(x) === form.action) || null;
    if (!f) return { n: -1 };
    const names = {};
    const urlish = e => e.type === 'url' || /url|link|href|website|homepage|site/i.test(e.name);
    let n = 0, idx = -1;
    for (const e of f.elements) {
      idx++;
      if (!e.name || e.name === '_csrf' || e.disabled) continue;
      const m = `${tag}${idx}`;
      const isText = e.tagName === 'TEXTAREA' ||
        (e.tagName === 'INPUT' && /^(text|search|url|email|tel|)$/.test(e.type));
      const isOther = e.tagName === 'INPUT' && /^(number|date|datetime-local|month|week|time|hidden)$/.test(e.type);
      if (e.tagName === 'INPUT' && e.type === 'password') { e.value = 'Zhifa@2026xss!'; continue; }
      // so that a form can be accepted and the payload stored: an empty
      // select takes its first real option, an empty date or number a
      // plain value (variant c puts the payload there instead)
      if (e.tagName === 'SELECT' && !e.multiple && e.value === '') {
        const o = [...e.options].find(o => o.value !== '' && !o.disabled);
        if (o) e.value = o.value;
        continue;
      }
      const dateish = e.type === 'date' || (e.type === 'text' && /date|birth|_on$|_day$/i.test(e.name));
      if (v !== 'c' && dateish && e.tagName === 'INPUT' && !e.readOnly) {
        // a date field keeps a date (the payload goes there in variant c)
        if (e.value === '') e.value = new Date().toISOString().slice(0, 10);
        continue;
      }
      if (v !== 'c' && e.tagName === 'INPUT' && e.value === '' && !e.readOnly) {
        if (e.type === 'date') e.value = new Date().toISOString().slice(0, 10);
        else if (e.type === 'number') e.value = e.min || '1';
      }
      let val = null;
      if (v === 'a' && isText)
        val = `"'></textarea></title></style></script><b data-zfxss="${m}">x</b>` +
              `<img src=x data-zfxss="${m}" onerror="window.__zfxss='${m}'"><script>window.__zfxss='${m}'</script>`;
      else if (v === 'b' && isText)
        // short and Chinese, to pass length checks: closes a double- or a
        // single-quoted attribute (or adds to an unquoted one) and opens an
        // element in text; a javascript: URL in URL-like fields
        val = urlish(e) ? `javascript:window.__zfxss='${m}'//` : `节能"' data-zfxss=${m} x=<i data-zfxss=${m}>`;
      else if (v === 'c' && (isText || isOther)) {
        if (e.tagName === 'INPUT' && e.type !== 'hidden') e.type = 'text';
        val = `1"><b data-zfxss="${m}">1</b>`;
      }
      if (val === null) continue;
      e.removeAttribute('maxlength');
      e.removeAttribute('pattern');
      e.value = val;
      names[idx] = e.name;
      n++;
    }
    if (n === 0) return { n: 0 };
    f.noValidate = true;
    const bad = /delete|remove|删除|移除|row-del|row-add|添加/i;
    const buttons = [...f.querySelectorAll('button, input[type=submit]')].filter(b =>
      (b.type || 'submit') === 'submit' && !bad.test(`${b.name} ${b.value} ${b.className} ${b.textContent}`));
    const btn = buttons[0];
    if (btn) f.requestSubmit(btn); else f.requestSubmit();   // navigates once this returns
    return { n, names };
  }, { form, v, tag });
}

// Runs fn over items, JOBS at a time (each visitor has its own page).
const JOBS = +(process.env.ZHIFA_XSS_JOBS || 2);
async function pool(items, fn) {
  const queue = [...items];
  await Promise.all(Array.from({ length: Math.min(JOBS, queue.length) }, async () => {
    while (queue.length) await fn(queue.shift());
  }));
}

const browser = await launch();
const phase = {};
let formsSubmitted = 0, fieldsFilled = 0, submissionsAnswered = 0;
const statusCount = {};
try {
  const visitors = [await visitor(browser, null)];
  for (const u of USERS) visitors.push(await visitor(browser, u));

  // ---- 0. the detector finds what it looks for (on a page made up here) ----
  {
    const v = visitors[0];
    await v.page.goto(`${base}/healthz`);
    await v.page.setContent(`<p><b data-zfxss="F0a1">x</b><a href="javascript:window.__zfxss='F0b2'//">y</a>` +
      `<svg><a onclick="window.__zfxss='F0c3'"></a></svg></p>`);
    await v.page.evaluate(() => { window.__zfxss = 'F0d4'; });
    const before = findings.length, counts = [pagesChecked, echoes];
    await checkPage(v.page, 'self-test', 'anon');
    [pagesChecked, echoes] = counts;
    checkedUrls.delete('anon self-test');
    const got = findings.splice(before).map(f => f.marker).sort().join(' ');
    ok(got === '? F0a1 F0b2 F0c3', 'the check finds an injected element, javascript: URL, handler and flag', got);
  }

  // ---- 1. crawl and collect the forms ----
  const formKeys = new Set(), skipped = [];
  await pool(visitors, async v => {
    const starts = v.name === 'anon' ? ['/', '/portal/matters', '/portal/officers', '/portal/bodies', '/log', '/login'] : ['/admin'];
    v.pages = await crawl(v, starts, {
      waitUntil: 'domcontentloaded',
      onPage: async url => {
        for (const f of await formsOf(v.page).catch(() => [])) {
          const act = local(f.action) || '';
          const key = `${f.method} ${pattern(act)} ${f.names}`;
          if (formKeys.has(key)) continue;
          formKeys.add(key);
          const why = !act ? 'no action' : SKIP_ACTION.test(act.split('?')[0]) ? 'destructive or session-ending'
            : f.file ? 'file input' : f.texts === 0 ? 'no field to fill'
            : f.method === 'get' && !under(act, [...v.scope, ...PUBLIC]) ? 'elsewhere' : '';
          if (why) { skipped.push(`${f.method.toUpperCase()} ${act} (${why})`); continue; }
          v.forms.push({ ...f, page: url, id: formKeys.size });
          console.log(`# F${formKeys.size} ${v.name}: ${f.method.toUpperCase()} ${act} on ${url}`);
        }
      },
    });
    ok(v.pages.length > 0, `${v.name}: the crawl reached ${v.pages.length} pages, ${v.forms.length} new forms`,
       `scope ${v.scope.join(' ')}`);
  });
  phase.crawl = Date.now();

  console.log(`# forms not submitted (${skipped.length}):\n# ` + skipped.join('\n# '));

  // ---- 2. submit every form with every payload ----
  await pool(visitors, async v => {
    for (const f of v.forms) {
      let any = false;
      const answers = [];
      for (const variant of VARIANTS) {
        const tag = `F${f.id}${variant}`;
        try {
          await v.page.goto(origin + f.page, { waitUntil: 'load' });
          const nav = v.page.waitForNavigation({ waitUntil: 'load', timeout: 8000 });
          const { n, names } = await fillAndSubmit(v.page, f, variant, tag);
          for (const [i, name] of Object.entries(names || {})) legend.set(tag + i, `${f.method.toUpperCase()} ${local(f.action)} field ${name}`);
          if (!(n > 0)) { nav.catch(() => {}); if (n < 0) break; continue; }
          const resp = await nav;
          any = true;
          fieldsFilled += n;
          submissionsAnswered++;
          const st = resp ? resp.status() : 0;
          statusCount[st] = (statusCount[st] || 0) + 1;
          // the answer itself (a refused form shown again with the input)
          await checkPage(v.page, `${f.method.toUpperCase()} ${local(f.action)} → ${local(v.page.url())} (${st})`, v.name);
          const why = st >= 400 ? await v.page.$$eval('#error-summary li, .error, .alert',
            es => es.map(e => e.textContent.replace(/\s+/g, ' ').trim()).filter(Boolean)[0] || '').catch(() => '') : '';
          answers.push(`${variant} ${st}${why ? ' ' + why.slice(0, 40) : ''}`);
          const at = local(v.page.url());
          if (at && !v.targets.includes(at) && under(at, [...v.scope, ...PUBLIC])) v.targets.push(at);
        } catch (e) {
          console.log(`# ${v.name} ${tag} ${local(f.action)}: ${String(e.message).split('\n')[0]}`);
        }
      }
      if (any) formsSubmitted++;
      console.log(`# F${f.id} ${local(f.action)}: ${answers.join('; ') || 'not submitted'}`);
    }
  });
  phase.submit = Date.now();

  // ---- 3. every page again, the pages submissions led to, and new ones ----
  await pool(visitors, async v => {
    const list = [...new Set([...v.targets, ...v.pages])], asked = new Set();
    const json = async url => { const k = pattern(url); if (!asked.has(k)) { asked.add(k); await askJson(v.ctx.request, url); } };
    // then pages linked from those that were not seen yet (what the
    // submissions created, ids past the per-shape cap)
    await crawl(v, list, {
      maxPages: list.length + MAX_EXTRA, perPattern: Infinity,
      onPage: async url => { await checkPage(v.page, url, v.name); await json(url); },
    });
  });
  phase.check = Date.now();

  // ---- 4. the GET routes of openapi.json without parameters ----
  const spec = JSON.parse(readFileSync(new URL('../../src/assets/api/openapi.json', import.meta.url)));
  const anon = visitors[0], admin = visitors[1];
  for (const [path, ops] of Object.entries(spec.paths || {})) {
    const get = ops.get;
    if (!get || path.includes('{') || (get.parameters || []).some(p => p.required)) continue;
    const types = Object.keys(((get.responses || {})['200'] || {}).content || {});
    if (!types.includes('application/json')) continue;
    await askJson(anon.ctx.request, path);
    await askJson(admin.ctx.request, path);
  }

  // one line per page shape and marker (the same payload shows on many pages)
  const byShape = new Map();
  for (const f of findings) {
    const k = `${pattern(f.url.split(' ')[0] === f.url ? f.url : f.url.replace(/^\w+ /, ''))} ${f.marker}`;
    if (!byShape.has(k)) byShape.set(k, { ...f, n: 0 });
    byShape.get(k).n++;
  }
  const shown = [...byShape.values()].slice(0, 80)
    .map(f => `${f.who} ${f.url}${f.n > 1 ? ` (+${f.n - 1} alike)` : ''}\n  marker ${f.marker} (${legend.get(f.marker) || 'self-test or unknown'}): ${f.element}`).join('\n');
  ok(findings.length === 0, `no injected element, handler, javascript: URL or script on ${pagesChecked} pages`, shown);
  if (findings.length) await admin.page.screenshot({ path: `${shots}/xss-finding.png`, fullPage: true }).catch(() => {});
  ok(dialogs.length === 0, 'no dialog opened', dialogs.join('\n'));
  ok(echoes > 0, `the payloads came back (as text or kept input) on ${echoes} pages`);
  ok(formsSubmitted > 0 && fieldsFilled > 0, `forms were submitted (${formsSubmitted}) with fields filled (${fieldsFilled})`);
  ok(jsonAnswers.length > 0 && jsonBad.length === 0,
     `every JSON answer (${jsonAnswers.length}) is application/json with X-Content-Type-Options nosniff`, jsonBad.slice(0, 20).join('\n'));
  if (cspSeen.length) console.log(`# CSP violations (${cspSeen.length}):\n# ` + cspSeen.slice(0, 30).join('\n# '));
  for (const v of visitors) await v.ctx.close();
} catch (e) {
  ok(false, 'xss probe ran to the end', e.stack);
} finally {
  await browser.close();
}
console.log(`# summary: forms submitted ${formsSubmitted}, submissions ${submissionsAnswered} ` +
  `(answers ${Object.entries(statusCount).map(([k, n]) => `${k}×${n}`).join(' ')}), fields filled ${fieldsFilled}, ` +
  `pages checked ${pagesChecked} (${checkedUrls.size} distinct, ${echoes} showing a payload back), JSON answers ${jsonAnswers.length}, ` +
  `findings ${findings.length}, ${((Date.now() - started) / 1000).toFixed(0)} s` +
  (phase.check ? ` (crawl ${((phase.crawl - started) / 1000).toFixed(0)} s, submit ${((phase.submit - phase.crawl) / 1000).toFixed(0)} s, ` +
   `check ${((phase.check - phase.submit) / 1000).toFixed(0)} s)` : ''));
done();
