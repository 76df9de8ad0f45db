// review.test.mjs - 法制审核 in Debian's chromium: the officer submits a
// penalty case from its review page on a 390 px phone (the form's amounts,
// measures and the declaration), the 政策法规处 head accepts and assigns at a
// 1280 px desk, the reviewer gives 同意 on the nine-point checklist with the
// password on the phone, and the case page shows the gate open.  No
// sideways scrolling, no console or CSP errors, no English on the pages.
// Screenshots under build/screenshots/review-*.png.  Prints TAP.
// Usage: ZHIFA_URL=http://127.0.0.1:PORT node review.test.mjs
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
const ENGLISH = /\b(?:submit|accept|assign|claim|opinion|escalate|decide|agree|problems|reviewing|submitted|undefined|null)\b/;

async function look(page, errors, name, what) {
  ok(await overflowOf(page) <= 1, `${what}: no sideways scrolling`);
  const text = await page.evaluate(() => document.body.innerText);
  const m = text.match(ENGLISH);
  ok(!m, `${what}: no English words`, m && m[0]);
  ok(errors.length === 0, `${what}: no console or CSP errors`, errors.join('\n'));
  await page.screenshot({ path: `${shots}/review-${name}.png`, fullPage: true });
}

const browser = await launch();
try {
  // the officer, on the phone: a penalty case of theirs at 法制审核 or before
  const off = await login(browser, 'jn.zhang', PHONE);
  const list = await (await off.page.request.get(`${base}/api/v1/cases?per_page=100`, { headers: { Accept: 'application/json' } })).json();
  const c = (list.items || []).find(x => x.kind === 'penalty' && x.status === 'open' && x.procedure && x.procedure.code === 'penalty_general')
         || (list.items || []).find(x => x.kind === 'penalty' && x.status === 'open');
  ok(!!c, 'the officer has an open penalty case');
  const url = `${base}/cases/${c.id}/review`;
  await off.page.goto(url);
  await look(off.page, off.errors, 'submit-phone', 'the submission form (phone)');
  await off.page.fill('textarea[name=decision]', '拟对当事人罚款人民币十五万元');
  await off.page.fill('textarea[name=report]', '经调查，当事人使用国家明令淘汰的用能设备，事实清楚，证据确凿。');
  await off.page.selectOption('select[name=party_kind]', 'org');
  await off.page.fill('input[name=fine_yuan]', '150000');
  await off.page.check('input[name=measures][value=罚款]');
  await off.page.click('button:has-text("送审")');
  await off.page.waitForLoadState();
  let text = await off.page.evaluate(() => document.body.innerText);
  ok(/送审须确认/.test(text), 'without the declaration the page says what is missing');
  ok(await off.page.inputValue('textarea[name=decision]') === '拟对当事人罚款人民币十五万元', '... and keeps what was typed');
  await off.page.check('input[name=vouch]');
  await off.page.fill('input[name=fine_yuan]', '150000');
  await Promise.all([off.page.waitForNavigation(), off.page.click('button:has-text("送审")')]);
  text = await off.page.evaluate(() => document.body.innerText);
  ok(/待受理/.test(text) && /罚款 150,000 元 ≥ 组织 100,000 元/.test(text), 'submitted: 待受理, with the reason it is major');
  await look(off.page, off.errors, 'submitted-phone', 'after the submission (phone)');

  // the 政策法规处 head, at the desk: accept, assign
  const head = await login(browser, 'fagui.head', DESK);
  await head.page.goto(`${base}/review`);
  ok((await head.page.locator(`a[href="/cases/${c.id}/review"]`).count()) > 0, 'the queue lists the case');
  await look(head.page, head.errors, 'queue-desk', 'the queue (desk)');
  await head.page.goto(url);
  await Promise.all([head.page.waitForNavigation(), head.page.click('button:has-text("材料齐全，受理")')]);
  ok(/本轮审核期限：\d{4}-\d\d-\d\d 前（10 个工作日，实施方案二（三）3；(进行中|即将到期)）/.test(await head.page.evaluate(() => document.body.innerText)),
     'accepted: the clock is shown with its state');
  await head.page.selectOption('select[name=reviewer_id]', { label: /孙法明/ }).catch(async () => {
    const v = await head.page.$$eval('select[name=reviewer_id] option', os => (os.find(o => o.textContent.includes('孙法明')) || {}).value);
    await head.page.selectOption('select[name=reviewer_id]', v);
  });
  await Promise.all([head.page.waitForNavigation(), head.page.click('button:has-text("分配")')]);
  text = await head.page.evaluate(() => document.body.innerText);
  ok(/审核中/.test(text) && /分配审核人员：孙法明/.test(text), 'assigned: 审核中, the reviewer named');
  await look(head.page, head.errors, 'assigned-desk', 'after the assignment (desk)');

  // the reviewer, on the phone: 同意 on the checklist with the password
  const rev = await login(browser, 'shenhe', PHONE);
  await rev.page.goto(url);
  ok((await rev.page.locator('input[type=radio][value="1"]').count()) === 9, 'the nine points of the checklist');
  await look(rev.page, rev.errors, 'opinion-phone', 'the opinion form (phone)');
  await rev.page.fill('input[name=password]', demoPassword);
  await Promise.all([rev.page.waitForNavigation(), rev.page.click('button:has-text("出具意见")')]);
  text = await rev.page.evaluate(() => document.body.innerText);
  ok(/同意/.test(text) && /可以作出决定/.test(text), '同意: the decision may be made');
  await off.page.goto(`${base}/cases/${c.id}`);
  text = await off.page.evaluate(() => document.getElementById('review').innerText);
  ok(/同意/.test(text) && /可以作出决定/.test(text), 'the case page shows the review and the open gate');
  await look(off.page, off.errors, 'case-phone', 'the case page (phone)');
} finally {
  await browser.close();
}
done();
