// cases.test.mjs - the case pages in Debian's chromium, driven by
// Playwright: opening a case on a 390 px phone (no sideways scrolling,
// the error summary takes the focus and links to the fields, the case is
// opened and its page shown) and at 1280 px; the case page followed as the
// officer, the division head (who approves) and a supervisor (who only
// reads); every case a supervisor sees opens from the list; the list with
// filters at both widths.  No console or CSP errors.  Screenshots under
// build/screenshots/cases-*.png.  Prints TAP.
// Usage: ZHIFA_URL=http://127.0.0.1:PORT node cases.test.mjs
import { base, shots, ok, done, launch, demoPassword } from './lib.mjs';

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1280, height: 900 };

async function login(browser, user, viewport) {
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN', isMobile: viewport.width < 500,
                                         hasTouch: viewport.width < 500 });
  const page = await ctx.newPage();
  const errors = [];
  // a refused form answers 4xx on purpose (the page with its problems): not a console error of ours
  page.on('console', m => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4(00|09)/.test(m.text()))
      errors.push(m.text());
  });
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(`${base}/login`);
  await page.fill('#username', user);
  await page.fill('input[name=password]', demoPassword);
  await Promise.all([page.waitForNavigation(), page.press('input[name=password]', 'Enter')]);
  return { ctx, page, errors };
}

const overflowOf = page => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

// Open a case through the form; returns the case page's URL.
async function openCase(page, title, width, tag) {
  await page.goto(`${base}/cases/new`);
  ok(await overflowOf(page) <= 1, `${tag}: the opening form does not scroll sideways at ${width} px`,
     `overflow ${await overflowOf(page)}px`);
  await page.screenshot({ path: `${shots}/cases-new-${tag}.png`, fullPage: true });
  // submit with nothing filled in: the summary, focused, with links to the fields
  await page.fill('#f-title', '');
  await Promise.all([page.waitForNavigation(), page.click('form.case-form button[type=submit]:not([name])')]);
  const summary = await page.$('#error-summary');
  ok(summary !== null, `${tag}: the error summary is shown`);
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  ok(focused === 'error-summary', `${tag}: the summary takes the focus`, focused);
  const links = await page.$$eval('#error-summary a', as => as.map(a => a.getAttribute('href')));
  ok(links.includes('#f-procedure') && links.includes('#f-title') && links.includes('#f-matter_ids'),
     `${tag}: the summary links to the fields`, links.join(' '));
  const notes = await page.$$eval('.field-error', ps => ps.map(p => p.textContent));
  ok(notes.length >= 3 && notes.every(t => /[\u4e00-\u9fff]/.test(t)), `${tag}: a Chinese message beside each field`,
     notes.join(' | '));
  ok(await overflowOf(page) <= 1, `${tag}: the form with errors does not scroll sideways`);
  await page.screenshot({ path: `${shots}/cases-new-errors-${tag}.png`, fullPage: true });
  // fill it in
  await page.selectOption('#f-procedure', 'penalty_general');
  await page.fill('#f-title', title);
  await page.selectOption('#f-source', 'complaint');
  // the checkbox of the energy penalty matter (by its label's text)
  const matter = page.locator('label.check-row', { hasText: '对使用国家明令淘汰的用能设备或者生产工艺的行政处罚' }).locator('input');
  await matter.check();
  // the party search asks the register as one types (/api/v1/parties)
  const answer = page.waitForResponse(r => r.url().includes('/api/v1/parties?q='));
  await page.fill('#f-party_q', '水泥');
  const resp = await answer;
  ok(resp.status() === 200, `${tag}: the party search asks /api/v1/parties`, resp.status());
  await page.waitForFunction(() => [...document.querySelectorAll('#party-results label.check-row')]
    .every(l => l.textContent.includes('水泥')));
  const found = await page.$$eval('#party-results label.check-row', ls => ls.map(l => l.textContent));
  ok(found.length >= 1 && found.every(t => t.includes('水泥')), `${tag}: the register's matches are offered`,
     found.join(' | '));
  const party = page.locator('#party-results label.check-row input').first();
  if (await party.count()) await party.check();
  for (const name of ['张晓峰', '刘海燕'])
    await page.locator('label.check-row', { hasText: name }).locator('input[name=officer_ids]').check();
  const box = await page.locator('#f-title').boundingBox();
  ok(box && box.width <= width - 20, `${tag}: inputs fit the width`, JSON.stringify(box));
  await Promise.all([page.waitForNavigation(), page.click('form.case-form button[type=submit]:not([name])')]);
  ok(/\/cases\/\d+\?ok=opened$/.test(page.url()), `${tag}: opened, on the case page`, page.url());
  return page.url().replace(/\?.*$/, '');
}

const browser = await launch();
try {
  let url;
  // ---- the officer on a phone ----
  {
    const { ctx, page, errors } = await login(browser, 'jn.zhang', PHONE);
    url = await openCase(page, '手机上立案：某公司使用淘汰设备', 390, 'phone');
    ok(await page.isVisible('text=案件已登记'), 'phone: the confirmation');
    ok(await overflowOf(page) <= 1, 'phone: the case page does not scroll sideways', `overflow ${await overflowOf(page)}px`);
    const h1 = await page.textContent('h1');
    ok(h1.includes('手机上立案'), 'phone: the title', h1);
    ok(await page.isVisible('#case-stage'), 'phone: the stage is shown');
    const acts = await page.$$eval('ol.timeline li', l => l.length);
    ok(acts >= 1, 'phone: the timeline has the opening', acts);
    await page.screenshot({ path: `${shots}/cases-page-phone-officer.png`, fullPage: true });
    await page.goto(`${base}/cases`);
    ok(await overflowOf(page) <= 1, 'phone: the list does not scroll sideways', `overflow ${await overflowOf(page)}px`);
    await page.screenshot({ path: `${shots}/cases-list-phone.png`, fullPage: true });
    ok(errors.length === 0, 'phone: no console or CSP errors', errors.join('\n'));
    await ctx.close();
  }
  // ---- the officer at a desk ----
  {
    const { ctx, page, errors } = await login(browser, 'jn.liu', DESK);
    const u2 = await openCase(page, '办公室立案：某公司使用淘汰设备', 1280, 'desk');
    ok(await overflowOf(page) <= 1, 'desk: the case page does not scroll sideways');
    await page.screenshot({ path: `${shots}/cases-page-desk-officer.png`, fullPage: true });
    ok(u2 !== url, 'desk: a second case');
    await page.goto(`${base}/cases?kind=penalty&sort=title&dir=asc`);
    ok((await page.inputValue('#f-kind')) === 'penalty', 'desk: the filter state is kept in the form');
    const rows = await page.$$eval('table.cards tbody tr', r => r.length);
    ok(rows >= 2, 'desk: the filtered list', rows);
    ok(await overflowOf(page) <= 1, 'desk: the list does not scroll sideways');
    await page.screenshot({ path: `${shots}/cases-list-desk.png`, fullPage: true });
    ok(errors.length === 0, 'desk: no console or CSP errors', errors.join('\n'));
    await ctx.close();
  }
  // ---- the head approves ----
  {
    const { ctx, page, errors } = await login(browser, 'jn.head', DESK);
    await page.goto(url);
    const before = await page.$$eval('ol.timeline li', l => l.length);
    const approve = page.locator('details.act[data-action=approve]').first();
    ok(await approve.count() === 1, 'head: offered the approval');
    if (await approve.count()) {
      if (!(await approve.evaluate(d => d.open))) await approve.locator('summary').click();
      await approve.locator('textarea[name=reason]').fill('同意立案');
      await Promise.all([page.waitForNavigation(), approve.locator('button[type=submit]').click()]);
      ok(page.url().includes('ok=acted'), 'head: approved', page.url());
      const after = await page.$$eval('ol.timeline li', l => l.length);
      ok(after === before + 1, 'head: the approval is in the timeline', `${before} -> ${after}`);
    }
    await page.screenshot({ path: `${shots}/cases-page-head.png`, fullPage: true });
    ok(errors.length === 0, 'head: no console or CSP errors', errors.join('\n'));
    await ctx.close();
  }
  // ---- a supervisor reads every case ----
  {
    const { ctx, page, errors } = await login(browser, 'jiandu', DESK);
    await page.goto(url);
    ok(await page.isVisible('#no-actions'), 'supervisor: reads the case, no action offered');
    ok((await page.$$('details.act')).length === 0, 'supervisor: no action forms');
    await page.screenshot({ path: `${shots}/cases-page-supervisor.png`, fullPage: true });
    const ids = [];
    for (let p = 1; p <= 50; p++) {
      const r = await page.request.get(`${base}/cases?page=${p}`, { headers: { Accept: 'application/json' } });
      const j = await r.json();
      ids.push(...j.items.map(x => x.id));
      if (p * j.per_page >= j.total) break;
    }
    let bad = [];
    for (const id of ids) {
      const resp = await page.goto(`${base}/cases/${id}`);
      if (resp.status() !== 200 || await overflowOf(page) > 1) bad.push(`${id}:${resp.status()}`);
    }
    ok(ids.length >= 2 && bad.length === 0, `supervisor: every case (${ids.length}) opens from the list`, bad.join(' '));
    ok(errors.length === 0, 'supervisor: no console or CSP errors', errors.join('\n'));
    await ctx.close();
  }
  // ---- every demo case from its page, as its officers and its unit's head ----
  {
    const officerOf = { 李振宇: 'wx.li', 赵丽萍: 'wx.zhao', 马建军: 'aq.ma', 朱文斌: 'aq.zhu', 张晓峰: 'jn.zhang',
                        刘海燕: 'jn.liu' };
    const headOf = { 无线电监测站: 'wx.head', 无线电管理局: 'wx.head', 安全生产处: 'aq.head', 节能与综合利用处: 'jn.head' };
    const { ctx, page } = await login(browser, 'jiandu', DESK);
    const all = [];
    for (let p = 1; p <= 50; p++) {
      const j = await (await page.request.get(`${base}/cases?page=${p}`, { headers: { Accept: 'application/json' } })).json();
      all.push(...j.items);
      if (p * j.per_page >= j.total) break;
    }
    await ctx.close();
    const demo = all.filter(x => !/立案：某公司使用淘汰设备$/.test(x.title));
    const byUser = {};
    for (const c of demo) {
      for (const u of [headOf[c.unit_name], ...c.officers.map(n => officerOf[n])].filter(Boolean))
        (byUser[u] = byUser[u] || []).push(c);
    }
    for (const [user, cases] of Object.entries(byUser)) {
      const { ctx: uctx, page: up, errors } = await login(browser, user, PHONE);
      const bad = [];
      for (const c of cases) {
        const resp = await up.goto(`${base}/cases/${c.id}`);
        const stage = resp.status() === 200 ? await up.textContent('#case-stage') : '';
        if (resp.status() !== 200 || stage !== c.stage_label || await overflowOf(up) > 1) bad.push(`${c.id}:${resp.status()}`);
      }
      await up.screenshot({ path: `${shots}/cases-demo-${user}.png`, fullPage: true });
      ok(bad.length === 0, `${user}: the demo cases (${cases.map(c => c.id).join(',')}) open on a phone, stage shown`,
         bad.join(' '));
      ok(errors.length === 0, `${user}: no console or CSP errors`, errors.join('\n'));
      await uctx.close();
    }
    ok(demo.length >= 1, `demo cases followed (${demo.length})`);
  }
  // ---- the officer sees the head's approval ----
  {
    const { ctx, page } = await login(browser, 'jn.zhang', PHONE);
    await page.goto(url);
    const types = await page.$$eval('ol.timeline li', l => l.map(x => x.getAttribute('data-act')));
    ok(types.includes('approved'), 'officer: the approval shows on the phone', types.join(','));
    await page.screenshot({ path: `${shots}/cases-page-phone-after.png`, fullPage: true });
    await ctx.close();
  }
} finally {
  await browser.close();
}
done();
