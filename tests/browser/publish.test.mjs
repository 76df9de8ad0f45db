// publish.test.mjs - publishing and withdrawing through their confirmation
// pages, the withdrawn item's public page and its earlier versions, and the
// archivist's and reviewer's dashboards, in Debian's chromium driven by
// Playwright, at desktop (1280) and phone (390) width: no horizontal
// scrolling of the page, no console/CSP errors, the changed fields marked,
// everything done by following links and submitting forms (no script).
// Screenshots under build/screenshots/publish-*.png.  Prints TAP.
// Usage: ZHIFA_URL=http://127.0.0.1:PORT node publish.test.mjs
import { base, shots, ok, done, launch, demoPassword } from './lib.mjs';


const browser = await launch();

async function login(ctx, user) {
  const page = await ctx.newPage();
  await page.goto(`${base}/login`);
  await page.fill('#username', user);
  await page.fill('#password', demoPassword);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  return page;
}

// Look at a page: 200, no horizontal scrolling, no errors, a screenshot.
async function look(page, errors, tag, name, path) {
  errors.length = 0;
  const resp = path ? await page.goto(base + path, { waitUntil: 'load' }) : null;
  if (resp) ok(resp.status() === 200, `${tag} ${name}: ${path} answers 200`, resp.status());
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  ok(overflow <= 1, `${tag} ${name}: no horizontal scrolling`, `overflow ${overflow}px`);
  ok(errors.length === 0, `${tag} ${name}: no console or CSP errors`, errors.join('\n'));
  await page.screenshot({ path: `${shots}/publish-${tag}-${name}.png`, fullPage: true });
}

function watch(page) {
  const errors = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', e => errors.push(String(e)));
  return errors;
}

try {
  // The officer edits two published matters (through the JSON edit, with
  // the session's CSRF token from the edit form).
  const octx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const op = await login(octx, 'jn.zhang');
  const list = await (await op.request.get(`${base}/admin/matters?status=published`, { headers: { Accept: 'application/json' } })).json();
  const ids = list.items.filter(it => !it.has_draft).slice(0, 2).map(it => it.id);
  ok(ids.length === 2, 'the officer has two published matters', JSON.stringify(list.items.map(i => i.id)));
  for (const [k, id] of ids.entries()) {
    await op.goto(`${base}/admin/matters/${id}/edit`);
    const csrf = await op.inputValue('input[name=_csrf]');
    const m = await (await op.request.get(`${base}/admin/matters/${id}`, { headers: { Accept: 'application/json' } })).json();
    const content = { ...m.published, duties: m.published.duties + '\n新增：对节能服务机构的监督检查（第' + (k + 1) + '处修改）。',
                      category: m.published.category === 'penalty' ? 'inspection' : 'penalty' };
    const r = await op.request.post(`${base}/admin/matters/${id}/edit`, {
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf },
      data: JSON.stringify({ content }) });
    ok(r.status() === 200, `officer edits matter ${id}`, await r.text());
  }
  await octx.close();
  const [first, second] = ids;

  for (const [width, height, tag] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
    const ctx = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
    const page = await login(ctx, 'jn.head');
    const errors = watch(page);
    const id = tag === 'desktop' ? first : second;

    // the item page links to the confirmation; follow it
    await look(page, errors, tag, 'item', `/admin/matters/${id}`);
    await Promise.all([page.waitForNavigation(), page.click(`a[href="/admin/matters/${id}/publish"]`)]);
    await look(page, errors, tag, 'confirm-publish', null);
    const changed = await page.$$eval('table.diff tr.changed th', ths => ths.map(t => t.textContent));
    ok(changed.some(t => t.startsWith('职责')) && changed.some(t => t.startsWith('事项类别')) && changed.length === 2,
       `${tag}: the two changed fields are marked`, changed.join(' | '));
    const ins = await page.$eval('table.diff tr.changed ins', e => getComputedStyle(e).backgroundColor);
    ok(ins && ins !== 'rgba(0, 0, 0, 0)', `${tag}: added text is highlighted`, ins);
    ok(await page.isVisible('section.preview .preview-page'), `${tag}: the preview of the public page is shown`);
    await page.locator('table.diff').screenshot({ path: `${shots}/publish-${tag}-diff.png` });
    const cut = await page.$$eval('table.diff td', (tds, w) => tds.filter(td => td.getBoundingClientRect().right > w + 1).length, width);
    ok(cut === 0, `${tag}: no value of the differences lies off-screen`, `${cut} cells cut`);
    const btn = await page.$('form.confirm button[type=submit]');
    const box = await btn.boundingBox();
    ok(box && box.x >= 0 && box.x + box.width <= width, `${tag}: the confirm button is within the screen`, JSON.stringify(box));

    if (tag === 'desktop') {
      await page.fill('#f-change_note', '修订职责表述');
      await Promise.all([page.waitForNavigation(), btn.click()]);
      ok(page.url().includes(`/admin/matters/${id}?ok=published`), 'confirmed: back on the item page', page.url());
      ok((await page.textContent('main')).includes('已发布'), 'it says 已发布');
      // withdraw: the confirmation page; a blank reason is refused by the server
      await Promise.all([page.waitForNavigation(), page.click(`a[href="/admin/matters/${id}/withdraw"]`)]);
      await look(page, errors, tag, 'confirm-withdraw', null);
      await page.fill('#f-reason', '   ');
      await Promise.all([page.waitForNavigation(), page.click('form.confirm button[type=submit]')]);
      ok((await page.textContent('#e-reason')).includes('「撤下原因」不能为空'), 'blank reason: message on the field');
      await look(page, errors, tag, 'withdraw-error', null);
      await page.fill('#f-reason', '依据修订，重新编制');
      await Promise.all([page.waitForNavigation(), page.click('form.confirm button[type=submit]')]);
      ok(page.url().includes('ok=withdrawn'), 'confirmed withdrawal', page.url());
    } else {
      await look(page, errors, tag, 'confirm-withdraw', `/admin/matters/${id}/withdraw`);
    }

    // the public pages of the withdrawn matter
    const pub = await ctx.newPage();
    const perr = watch(pub);
    await look(pub, perr, tag, 'withdrawn', `/portal/matters/${first}`);
    const text = await pub.textContent('main');
    ok(text.includes('已撤下') && text.includes('依据修订，重新编制'), `${tag}: withdrawn page says 已撤下 and why`);
    const links = await pub.$$eval('#versions + .table-wrap a', as => as.map(a => a.getAttribute('href')));
    ok(links.length >= 2, `${tag}: the versions are listed`, links.join(' '));
    await look(pub, perr, tag, 'version', links[links.length - 1]);
    ok((await pub.textContent('main')).includes('历史版本'), `${tag}: an earlier version is marked 历史版本`);
    await ctx.close();
  }

  // the archivist's and the reviewer's dashboards
  for (const [width, height, tag] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
    for (const [user, heading] of [['dangan', '案卷归档期限'], ['shenhe', '法制审核期限']]) {
      const ctx = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
      const page = await login(ctx, user);
      const errors = watch(page);
      await look(page, errors, tag, `dashboard-${user}`, '/admin');
      ok((await page.textContent('main')).includes(heading), `${tag} ${user}: the dashboard has ${heading}`);
      const cut = await page.$$eval('table.clocks td', (tds, w) => tds.filter(td => td.getBoundingClientRect().right > w + 1).length, width);
      ok(cut === 0, `${tag} ${user}: no cell of the deadlines lies off-screen`, `${cut} cells cut`);
      await ctx.close();
    }
  }
} catch (e) {
  ok(false, 'browser test ran to the end', e.stack);
} finally {
  await browser.close();
}
done();
