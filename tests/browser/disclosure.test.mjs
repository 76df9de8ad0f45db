// disclosure.test.mjs - 事后公开 for staff in Debian's chromium: the officer
// marks a phrase of the demo's 当场处罚 draft on a 390 px phone, the division
// head sees original and redacted side by side at a 1280 px desk, publishes
// after the preview, and withdraws it with its reason; a withdrawal without
// a reason re-renders with its message.  No sideways scrolling, no console
// or CSP errors, no English on the pages.  Screenshots under
// build/screenshots/disclosure-*.png.  Prints TAP.
// Usage: ZHIFA_URL=http://127.0.0.1:PORT node disclosure.test.mjs
import { base, shots, ok, done, launch, demoPassword } from './lib.mjs';

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1280, height: 900 };

async function login(browser, user, viewport) {
  const touch = viewport.width < 500;
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN', isMobile: touch, hasTouch: touch });
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', m => { if (m.type() === 'error' && !/status of 4(00|09)/.test(m.text())) errors.push(m.text()); });
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(`${base}/login`);
  await page.fill('#username', user);
  await page.fill('input[name=password]', demoPassword);
  await Promise.all([page.waitForNavigation(), page.press('input[name=password]', 'Enter')]);
  return { ctx, page, errors };
}

const overflowOf = page => page.evaluate(() => document.documentElement.scrollWidth - window.screen.width);
const ENGLISH = /\b(?:draft|published|withdrawn|overdue|due_soon|penalty|licence|mark|publish|undefined|null|CF_[A-Z_]+)\b/;

async function look(page, errors, name, what) {
  ok(await overflowOf(page) <= 1, `${what}: no sideways scrolling`);
  const text = await page.evaluate(() => document.body.innerText);
  const m = text.match(ENGLISH);
  ok(!m, `${what}: no English words`, m && m[0]);
  ok(errors.length === 0, `${what}: no console or CSP errors`, errors.join('\n'));
  await page.screenshot({ path: `${shots}/disclosure-${name}.png`, fullPage: true });
}

const browser = await launch();
try {
  const head = await login(browser, 'jn.head', DESK);
  const list = await (await head.page.request.get(`${base}/api/v1/publications`, { headers: { Accept: 'application/json' } })).json();
  const p = (list.items || []).find(x => x.state === 'draft');
  ok(!!p, 'the head has a publication draft');
  const url = `${base}/publications/${p.id}`;
  await head.page.goto(`${base}/publications`);
  await look(head.page, head.errors, 'list', 'the list (desk)');
  ok(/待公示/.test(await head.page.evaluate(() => document.body.innerText)), 'the list names the state in Chinese');

  // the officer marks a phrase on the phone
  const off = await login(browser, 'jn.zhang', PHONE);
  await off.page.goto(url);
  await look(off.page, off.errors, 'draft-phone', 'the draft (phone)');
  await off.page.selectOption('select[name=target]', 'CF_SY');
  await off.page.fill('input[name=phrase]', '演示内容');
  await off.page.fill('input[name=mark_reason]', '商业秘密：工艺');
  await off.page.click('button:has-text("隐去")');
  await off.page.waitForLoadState();
  let text = await off.page.evaluate(() => document.body.innerText);
  ok(/已保存/.test(text) && /【已隐去】/.test(text), 'the mark is saved and the preview masks the phrase');
  ok(/商业秘密：工艺/.test(text), 'the mark is listed with its reason');
  await look(off.page, off.errors, 'marked-phone', 'the marked draft (phone)');

  // the head publishes after the preview
  await head.page.goto(url);
  text = await head.page.evaluate(() => document.body.innerText);
  ok(/原文/.test(text) && /公示内容/.test(text) && /演示内容/.test(text), 'the preview shows original and redacted side by side');
  await look(head.page, head.errors, 'preview-desk', 'the preview (desk)');
  await head.page.click('button:has-text("按上述预览发布")');
  await head.page.waitForLoadState();
  text = await head.page.evaluate(() => document.body.innerText);
  ok(/已公示（第 1 版）/.test(text), 'published, version 1');

  // a withdrawal without its reason, then with it
  await head.page.fill('input[name=event_date]', p.decision_date);
  await head.page.fill('textarea[name=withdraw_note]', '行政复议决定撤销本决定');
  await head.page.click('button:has-text("撤下")');
  await head.page.waitForLoadState();
  text = await head.page.evaluate(() => document.body.innerText);
  ok(/请选择撤下的原因/.test(text), 'a withdrawal without a reason says what is missing');
  ok(await head.page.inputValue('textarea[name=withdraw_note]') === '行政复议决定撤销本决定', '... keeps what was typed');
  ok(await head.page.inputValue('textarea[name=end_note]') === '', '... and only in its own form');
  await head.page.selectOption('select[name=withdraw_reason]', '撤销');
  await head.page.fill('input[name=event_date]', p.decision_date);
  await head.page.fill('textarea[name=withdraw_note]', '行政复议决定撤销本决定');
  await head.page.click('button:has-text("撤下")');
  await head.page.waitForLoadState();
  text = await head.page.evaluate(() => document.body.innerText);
  ok(/已撤下：\d{4}-\d{2}-\d{2}，原因：撤销/.test(text), 'the page says 已撤下 with date and reason');
  await look(head.page, head.errors, 'withdrawn-desk', 'the withdrawn publication (desk)');
} finally {
  await browser.close();
}
done();
