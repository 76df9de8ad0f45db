// roles.test.mjs - the walk-through by role: the public and every demo role
// (officer, division head, legal reviewer, leader, archivist, administrator,
// supervisor) log in and open their dashboard and the pages their menu
// offers, at desk (1280) and phone (390) width.  For every page: HTTP 200,
// no horizontal scrolling, no console or CSP errors, and no developer
// language on the page (event codes such as vault.upload_create, role or
// state identifiers such as officer / case_closed / due_soon, MIME types).
// Screenshots land in build/screenshots/role-<user>-<page>-<width>.png.
// Prints TAP.  Usage: ZHIFA_URL=http://127.0.0.1:PORT node roles.test.mjs
import { base, shots, ok, done, launch, demoPassword } from './lib.mjs';


// Words a person should never read on a page: codes of the system.
const CODE = /\b(?:vault\.[a-z_]+|user\.[a-z_]+|cert\.[a-z_]+|publicity\.[a-z_]+|deadline_rule\.[a-z_]+|calendar\.[a-z_]+|ledger\.[a-z_.]+|login\.[a-z_]+|case_closed|case_filed|decision_made|decision_licence_penalty|review_submitted|review_done|due_soon|officer|supervisor|archivist|reviewer|application\/(?:json|octet-stream|pdf)|image\/(?:png|jpeg))\b/;

const roles = [
  ['jn.zhang', '执法人员', ['/admin', '/admin/matters', '/admin/vault', '/admin/deadlines']],
  ['jn.head', '处室负责人', ['/admin', '/admin/matters', '/admin/officers', '/admin/deadlines']],
  ['shenhe', '法制审核人员', ['/admin', '/admin/officers', '/admin/deadlines']],
  ['fenguan', '分管负责人', ['/admin', '/admin/deadlines']],
  ['dangan', '档案管理员', ['/admin', '/admin/deadlines']],
  ['admin', '系统管理员', ['/admin', '/admin/users', '/admin/units', '/admin/calendar', '/admin/logs', '/admin/login-guard', '/admin/deadlines/rules']],
  ['jiandu', '监督', ['/admin', '/admin/logs', '/admin/deadlines', '/admin/officers']],
];

const browser = await launch();

async function visit(page, errors, who, path, tag) {
  errors.length = 0;
  const resp = await page.goto(base + path);
  const status = resp ? resp.status() : 0;
  const info = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    text: document.body.innerText,
    lang: document.documentElement.lang,
  }));
  const code = info.text.match(CODE);
  ok(status === 200, `${who} ${path} (${tag}): 200`, status);
  ok(info.scroll <= 1, `${who} ${path} (${tag}): no horizontal scrolling`, `${info.scroll}px`);
  ok(!code, `${who} ${path} (${tag}): no developer codes on the page`, code && code[0]);
  ok(errors.length === 0, `${who} ${path} (${tag}): no console or CSP errors`, errors.join('\n'));
  ok(info.lang === 'zh-CN', `${who} ${path} (${tag}): page language zh-CN`, info.lang);
  const name = path.replace(/^\/+/, '').replace(/[\/?=&]+/g, '-') || 'home';
  await page.screenshot({ path: `${shots}/role-${who}-${name}-${tag}.png`, fullPage: true });
}

try {
  for (const [width, height, tag] of [[1280, 900, 'desk'], [390, 844, 'phone']]) {
    // the public
    {
      const ctx = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
      const page = await ctx.newPage();
      const errors = [];
      page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', e => errors.push(String(e)));
      for (const p of ['/', '/portal/bodies', '/portal/officers', '/portal/matters', '/portal/guides',
                       '/portal/inspections', '/portal/search?q=' + encodeURIComponent('民爆'), '/log', '/api/v1/'])
        await visit(page, errors, 'public', p, tag);
      await ctx.close();
    }
    for (const [user, label, paths] of roles) {
      const ctx = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
      const page = await ctx.newPage();
      const errors = [];
      page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', e => errors.push(String(e)));
      await page.goto(`${base}/login`);
      await page.fill('#username', user);
      await page.fill('#password', demoPassword);
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      const text = await page.evaluate(() => document.body.innerText);
      ok(page.url().includes('/admin') && text.includes(label), `${user} logs in and is shown as ${label} (${tag})`,
         page.url());
      for (const p of paths)
        await visit(page, errors, user, p, tag);
      await ctx.close();
    }
  }
} catch (e) {
  ok(false, 'walk-through ran to the end', e.stack || e);
} finally {
  await browser.close();
}
done();
