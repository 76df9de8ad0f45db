// backoffice.test.mjs - the back office in Debian's chromium, driven by
// Playwright: the operation log at 1280 px has no horizontal scrolling
// (filters as selects, names instead of codes, sortable heads), a form
// with several problems shows the error summary and moves the focus to
// it, its links reach the fields, and repeated rows are added and removed
// in place by forms.js; no console or CSP errors.  Screenshots under
// build/screenshots/backoffice-*.png.  Prints TAP.
// Usage: ZHIFA_URL=http://127.0.0.1:PORT node backoffice.test.mjs
import { base, shots, ok, done, launch, demoPassword } from './lib.mjs';


async function login(browser, user, width = 1280) {
  const ctx = await browser.newContext({ viewport: { width, height: 900 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(`${base}/login`);
  await page.fill('#username', user);
  await page.fill('input[name=password]', demoPassword);
  await Promise.all([page.waitForNavigation(), page.press('input[name=password]', 'Enter')]);
  return { ctx, page, errors };
}

const overflowOf = page => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

const browser = await launch();
try {
  // ---- the operation log at 1280 px ----
  {
    const { ctx, page, errors } = await login(browser, 'admin');
    ok(page.url().includes('/admin'), 'admin logs in', page.url());
    for (const [name, path] of [['logs', '/admin/logs'], ['logs-sorted', '/admin/logs?sort=action&dir=asc'],
                                ['login-logs', '/admin/logs/login'], ['users', '/admin/users'],
                                ['units', '/admin/units'], ['officers', '/admin/officers'],
                                ['matters', '/admin/matters'], ['rules', '/admin/deadlines/rules']]) {
      errors.length = 0;
      const resp = await page.goto(base + path, { waitUntil: 'load' });
      ok(resp.status() === 200, `${path} answers 200`, resp.status());
      const over = await overflowOf(page);
      ok(over <= 1, `${path}: no horizontal scrolling at 1280 px`, `overflow ${over}px`);
      const wrap = await page.evaluate(() => Math.max(0, ...[...document.querySelectorAll('.table-wrap')]
        .map(w => w.scrollWidth - w.clientWidth)));
      ok(wrap <= 1, `${path}: no table scrolls sideways at 1280 px`, `table overflow ${wrap}px`);
      ok(errors.length === 0, `${path}: no console or CSP errors`, errors.join('\n'));
      await page.screenshot({ path: `${shots}/backoffice-${name}.png`, fullPage: true });
    }
    await page.goto(`${base}/admin/logs`);
    const selects = await page.$$eval('form.log-filter select', s => s.map(x => x.name));
    ok(['username', 'role', 'unit_id', 'action', 'object_type', 'result'].every(k => selects.includes(k)),
       'the log filters are selects', selects.join(','));
    const cells = await page.$$eval('table.log tbody td:nth-child(3)', t => t.map(x => x.textContent));
    ok(cells.length > 0 && cells.every(c => !/[a-z_]+\.[a-z_]+/.test(c)), 'the 操作 column shows names, not codes',
       cells.slice(0, 5).join(' | '));
    // choosing an action filters the log
    await page.selectOption('#f-action', 'user.create');
    await Promise.all([page.waitForNavigation(), page.click('form.log-filter button[type=submit]')]);
    const acts = await page.$$eval('table.log tbody td:nth-child(3)', t => t.map(x => x.textContent));
    ok(acts.length > 0 && acts.every(a => a === '新增人员'), 'choosing 新增人员 shows only those rows', acts.join(','));
    ok(page.url().includes('action=user.create'), 'the filter is in the address', page.url());
    await page.screenshot({ path: `${shots}/backoffice-logs-filtered.png`, fullPage: true });
    await ctx.close();
  }

  // ---- a form with several problems: the summary gets the focus ----
  {
    const { ctx, page, errors } = await login(browser, 'jn.zhang');
    await page.goto(`${base}/admin/matters/new?kind=matter`);
    // add a procedure row in place (forms.js), then remove it
    const before = await page.$$eval('fieldset[data-rows=procedure] tbody tr', r => r.length);
    await page.click('fieldset[data-rows=procedure] button.row-add');
    const added = await page.$$eval('fieldset[data-rows=procedure] tbody tr', r => r.length);
    ok(added === before + 1 && page.url().endsWith('/admin/matters/new?kind=matter'),
       '添加一行 adds a row in place with JavaScript', `${before} -> ${added}`);
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.name);
    ok(/^procedure_\d+_name$/.test(focused || ''), 'the new row takes the focus', focused);
    await page.fill(`[name="${focused}"]`, '新步骤');
    await page.click('fieldset[data-rows=procedure] tbody tr:last-child button.row-del');
    const removed = await page.$$eval('fieldset[data-rows=procedure] tbody tr', r => r.length);
    ok(removed === before, '删除 removes it again', `${added} -> ${removed}`);
    await page.screenshot({ path: `${shots}/backoffice-matter-form.png`, fullPage: true });
    // submit with several problems by pressing Enter in a field: the form
    // is saved (and refused), no row is deleted
    await page.fill('#f-authority', '现场检查');
    await page.fill('#f-procedure_0_name', '受理');
    await Promise.all([page.waitForNavigation(), page.press('#f-procedure_0_name', 'Enter')]);
    const rowsAfter = await page.$$eval('fieldset[data-rows=procedure] tbody tr', r => r.length);
    ok(rowsAfter >= before && await page.inputValue('#f-procedure_0_name') === '受理',
       'Enter in a field saves the form instead of deleting a row', `${rowsAfter} rows`);
    const active = await page.evaluate(() => document.activeElement && document.activeElement.id);
    ok(active === 'error-summary', 'the error summary has the focus', active);
    const title = await page.textContent('#error-summary h2');
    ok(title === '存在以下问题', 'titled 存在以下问题', title);
    const links = await page.$$eval('#error-summary a', a => a.map(x => x.getAttribute('href')));
    ok(links.length >= 4 && links.includes('#f-name') && links.includes('#f-category') && links.includes('#f-procedure'),
       'every problem is a link to its field', links.join(' '));
    ok(await page.inputValue('#f-authority') === '现场检查', 'what was typed is kept');
    const described = await page.getAttribute('#f-name', 'aria-describedby');
    ok(described === 'e-name' && (await page.textContent('#e-name')).includes('事项名称'),
       'the field names its message', described);
    await page.screenshot({ path: `${shots}/backoffice-error-summary.png`, fullPage: false });
    await page.click('#error-summary a[href="#f-name"]');
    ok(page.url().endsWith('#f-name'), 'a summary link goes to its field', page.url());
    // the refused form answers 400 on purpose; anything else is an error
    const other = errors.filter(e => !/status of 400/.test(e));
    ok(other.length === 0, 'no console or CSP errors on the form (besides its 400)', other.join('\n'));
    await ctx.close();
  }
} catch (e) {
  ok(false, 'browser test ran to the end', e.stack);
} finally {
  await browser.close();
}
done();
