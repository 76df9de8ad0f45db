// portal.test.mjs - the portal and back office in Debian's chromium,
// driven by Playwright: every main page at desktop and phone width (no
// horizontal scrolling, no console/CSP errors), keyboard-only use (skip
// link, login by typing and Enter), and screenshots under
// build/screenshots/ for people to look at.  Prints TAP.
// Usage: ZHIFA_URL=http://127.0.0.1:PORT node portal.test.mjs
import { base, shots, ok, done, launch, demoPassword } from './lib.mjs';


const browser = await launch();
try {
  const api = await (await fetch(`${base}/api/v1/portal/matters`)).json();
  const matterId = api.items[0].id;
  const officers = (await (await fetch(`${base}/api/v1/portal/officers`)).json()).officers;
  const valid = officers.find(o => o.status === 'valid');
  const revoked = officers.find(o => o.status === 'revoked');
  const pages = [
    ['home', '/'], ['bodies', '/portal/bodies'], ['officers', '/portal/officers'],
    ['matters', '/portal/matters'], ['matter', `/portal/matters/${matterId}`],
    ['guides', '/portal/guides'], ['inspections', '/portal/inspections'],
    ['search', '/portal/search?q=' + encodeURIComponent('许可')],
    ['credential', `/verify/c/${valid.token}`], ['login', '/login'],
  ];
  for (const [width, height, tag] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
    const ctx = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
    const page = await ctx.newPage();
    const errors = [];
    page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', e => errors.push(String(e)));
    for (const [name, path] of pages) {
      errors.length = 0;
      const resp = await page.goto(base + path, { waitUntil: 'load' });
      ok(resp.status() === 200, `${tag} ${name}: ${path} answers 200`, resp.status());
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      ok(overflow <= 1, `${tag} ${name}: no horizontal scrolling`, `overflow ${overflow}px`);
      ok(errors.length === 0, `${tag} ${name}: no console or CSP errors`, errors.join('\n'));
      const lang = await page.getAttribute('html', 'lang');
      ok(lang === 'zh-CN', `${tag} ${name}: lang=zh-CN`);
      await page.screenshot({ path: `${shots}/${tag}-${name}.png`, fullPage: true });
    }
    await ctx.close();
  }

  // The credential page states validity plainly; a revoked one says so.
  {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await ctx.newPage();
    await page.goto(`${base}/verify/c/${valid.token}`);
    const text = await page.textContent('main');
    ok(text.includes('有效') && text.includes(valid.cert_no) && text.includes(valid.name), 'credential page shows valid, number and name');
    if (revoked) {
      await page.goto(`${base}/verify/c/${revoked.token}`);
      { const t = await page.textContent('main'); ok(t.includes(revoked.status_label) && t.includes('不得从事行政执法活动') && !t.includes('证件有效'), 'revoked certificate shows as revoked', t); }
    }
    await ctx.close();
  }

  // Keyboard only: the skip link comes first; log in by typing and Enter.
  {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(`${base}/`);
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement && document.activeElement.textContent);
    ok(first && first.includes('跳到正文'), 'first Tab reaches the skip link', first);
    await page.goto(`${base}/login`);
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
    ok(focused === 'username', 'the login page opens with the user name field focused', focused);
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    await page.keyboard.type(demoPassword);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    ok(page.url().includes('/admin'), 'keyboard login lands in the back office', page.url());
    await page.screenshot({ path: `${shots}/desktop-admin.png`, fullPage: true });
    for (const [name, path] of [['admin-units', '/admin/units'], ['admin-users', '/admin/users'],
                                ['admin-officers', '/admin/officers'], ['admin-matters', '/admin/matters'],
                                ['admin-logs', '/admin/logs']]) {
      const resp = await page.goto(base + path);
      ok(resp.status() === 200, `admin ${path} answers 200`, resp.status());
      await page.screenshot({ path: `${shots}/desktop-${name}.png`, fullPage: true });
    }
    await ctx.close();
  }
} catch (e) {
  ok(false, 'browser test ran to the end', e.stack);
} finally {
  await browser.close();
}
done();
