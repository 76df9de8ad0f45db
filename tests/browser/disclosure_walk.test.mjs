// disclosure_walk.test.mjs - one decision from the case to its publication,
// correction and withdrawal, through the pages only, in Debian's chromium,
// with the public page looked at after each step (issue 12, 事后公开):
//  1. the officer of the demo's 节能 penalty case drafts a 行政处罚决定书 from
//     新建文书 (a fine below the 法制审核 threshold, so not major), saves and
//     finalises it with the password; nothing is public yet;
//  2. its publication draft is in the division head's /publications list
//     with its clock; the head previews (original and redacted side by side)
//     and publishes; the portal's list and detail show it and its 核验 link
//     passes in the browser;
//  3. the officer makes a correction document of the 决定书 and finalises it;
//     the head publishes the correction with a note; the portal shows
//     version 2 and, with history, version 1; 核验 passes for version 2;
//  4. the officer reports the revocation, the head withdraws with a reason;
//     the portal says 已撤下 with date and reason and no longer names the party;
//  5. one byte of the published content changed in the database makes the
//     核验 page fail.
// Every page at 1280 and 390 px: Chinese only, no sideways scrolling, no
// console or CSP errors; screenshots under build/screenshots/pubwalk-*.png.
// Usage: sh tests/browser/run.sh disclosure_walk.test.mjs (it starts a demo
// server and passes ZHIFA_URL and ZHIFA_DATA).  Prints TAP.
import { base, shots, ok, done, launch, demoPassword } from './lib.mjs';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const data = process.env.ZHIFA_DATA;
if (!base || !data || !existsSync(`${data}/zhifa.db`)) {
  console.log('Bail out! needs ZHIFA_URL and ZHIFA_DATA: run sh tests/browser/run.sh disclosure_walk.test.mjs');
  process.exit(1);
}

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1280, height: 900 };
const CASE_TITLE = '昆明云岭水泥有限公司二号熟料生产线使用国家明令淘汰的用能设备案';
const PARTY = '昆明云岭水泥有限公司';
const FACTS = '经查，当事人在其熟料生产线上使用列入淘汰目录的高耗能电机12台，违反了《中华人民共和国节约能源法》第十七条的规定。';
const FACTS2 = '经查，当事人在其熟料生产线上使用列入淘汰目录的高耗能电机11台，违反了《中华人民共和国节约能源法》第十七条的规定。';

// Words and codes of the program that must never reach a reader (as in
// review_full.test.mjs), media types, and any Latin word but the names of
// formats and algorithms a Chinese page uses as they are.
const ENGLISH = new RegExp('\\b(?:draft|published|withdrawn|expired|overdue|due_soon|penalty|licence|coercion|mark|publish|' +
  'correct|withdraw|report_revocation|undefined|null|NaN|true|false|html|sha256|pending|CF_[A-Z_]+|XK_[A-Z_]+)\\b', 'i');
// the names of open-data formats as the portal offers them (CSV, JSON, Atom, Excel) are words of the page; codes are lower case
const CODE = /\b(?:json|csv|xlsx|atom)\b/;
const MIME = /\b(?:application|text|image|video|audio)\/[a-z]/i;
const LATIN_WORD = /(?<![A-Za-z0-9])(?!(?:PDF|SHA|SM3|CSV|JSON|Atom|Excel|Ed25519)(?![A-Za-z0-9]))[A-Za-z]{2,}(?![A-Za-z0-9])/;

const textOf = page => page.evaluate(() => document.body.innerText);
const overflowOf = page => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
const jsonOf = async (page, path) => (await page.request.get(`${base}${path}`, { headers: { Accept: 'application/json' } })).json();
const problems = page => page.$$eval('.field-error,.alert.error,#needs,[role=alert]', ps => ps.map(p => p.textContent).join(' | '));
function today() {
  // the server's day is Beijing's
  return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}

function sql(statement) {
  execFileSync('python3', ['-c', 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1], timeout=30); c.executescript(sys.argv[2]); c.commit()',
    `${data}/zhifa.db`, statement]);
}

const browser = await launch();

function watch(page) {
  const errors = [];
  // 4xx answers are refusals a form may provoke; chromium logs them as errors
  page.on('console', m => { if (m.type() === 'error' && !/status of 4(00|09|22)/.test(m.text())) errors.push(m.text()); });
  page.on('pageerror', e => errors.push(String(e)));
  return errors;
}

async function login(user) {
  const ctx = await browser.newContext({ viewport: DESK, locale: 'zh-CN' });
  const page = await ctx.newPage();
  const errors = watch(page);
  await page.goto(`${base}/login`);
  await page.fill('#username', user);
  await page.fill('input[name=password]', demoPassword);
  await Promise.all([page.waitForNavigation(), page.press('input[name=password]', 'Enter')]);
  ok(!/\/login/.test(page.url()), `${user} logs in`, page.url());
  return { ctx, page, errors, user };
}

// The public reader: no login.
async function visitor() {
  const ctx = await browser.newContext({ viewport: DESK, locale: 'zh-CN' });
  const page = await ctx.newPage();
  return { ctx, page, errors: watch(page), user: '公众' };
}

// The page the person is on, at both widths: no sideways scrolling, Chinese
// only, no errors; a screenshot of each.
async function look(p, name, what) {
  for (const [w, vp] of [['desk', DESK], ['phone', PHONE]]) {
    await p.page.setViewportSize(vp);
    const over = await overflowOf(p.page);
    ok(over <= 1, `${what} (${w}): no sideways scrolling`, `${over}px`);
    const text = await textOf(p.page);
    const m = text.match(ENGLISH) || text.match(CODE) || text.match(MIME) || text.match(LATIN_WORD);
    ok(!m, `${what} (${w}): Chinese only`, m && `「${m[0]}」 in …${text.slice(Math.max(0, m.index - 40), m.index + 40)}…`);
    await p.page.screenshot({ path: `${shots}/pubwalk-${name}-${w}.png`, fullPage: true });
  }
  await p.page.setViewportSize(DESK);
  ok(p.errors.length === 0, `${what}: no console or CSP errors`, p.errors.join('\n'));
  p.errors.length = 0;
}

// The signed checkpoint must cover the publication's leaf before its 核验
// can pass (the proof says pending until then).
async function checkpointCovers(pid, version) {
  for (let i = 0; i < 150; i++) {
    const r = await fetch(`${base}/api/v1/portal/decisions/${pid}/proof${version ? `?version=${version}` : ''}`);
    if (r.ok && (await r.json()).pending === false) return true;
    await new Promise(r => setTimeout(r, 200));
  }
  return false;
}

// From the public detail page: its 核验 link, the result.
async function verifyFromDetail(pub, pid, name, what) {
  ok(await checkpointCovers(pid), `${what}: a signed checkpoint covers the publication`);
  await pub.page.goto(`${base}/portal/decisions/${pid}`);
  await Promise.all([pub.page.waitForNavigation(), pub.page.click('a.button[href$="/verify"]')]);
  await pub.page.waitForSelector('#verify-result.pass, #verify-result.fail', { timeout: 20000 }).catch(() => {});
  const res = await pub.page.textContent('#verify-result');
  ok(res.includes('核验通过'), `${what}: the 核验 link checks out in the browser`,
     res + '\n' + await pub.page.textContent('#verify-steps'));
  await look(pub, name, `${what}: the 核验 page`);
  return pub.page.textContent('#pubverify');
}

// The fields of the 决定书 form the walk fills; the rest keep their prefill
// or default.
async function fillDecision(page, facts) {
  await page.fill('[name=fields_facts]', facts);
  if (!(await page.inputValue('[name=fields_basis]')))
    await page.fill('[name=fields_basis]', '《中华人民共和国节约能源法》第七十一条');
  await page.fill('[name=fields_penalty]', '罚款人民币伍万元整（50000元）');
  // 行政处罚种类: 罚款 (a choice of several, 行政处罚法 第九条)
  const boxes = await page.$$eval('[name^="fields_measures__"]', bs => bs.map(b => [b.name, b.parentElement.textContent.trim()]));
  const fine = boxes.find(([, label]) => label === '罚款' || label.endsWith('罚款') && !label.includes('加处'));
  ok(!!fine, 'the 决定书 form offers 罚款 among the 行政处罚种类', JSON.stringify(boxes));
  if (fine) await page.check(`[name="${fine[0]}"]`);
  // below the 法制审核 threshold for an organisation (100,000 元)
  await page.fill('[name=fields_fine]', '50000.00');
  await page.fill('[name=fields_doc_date]', today());
}

let pid = 0;
try {
  const off = await login('jn.zhang');
  const head = await login('jn.head');
  const pub = await visitor();

  // ---- 1. the officer opens a penalty case and drafts and finalises the 决定书 ----
  // (the demo's open penalty cases went through a hearing or are in 法制审核,
  // which makes their decisions major; this one is opened on the form)
  await off.page.goto(`${base}/cases/new`);
  await off.page.selectOption('#f-procedure', 'penalty_general');
  await off.page.fill('#f-title', CASE_TITLE);
  await off.page.selectOption('#f-source', 'inspection');
  await off.page.locator('label.check-row', { hasText: '对使用国家明令淘汰的用能设备或者生产工艺的行政处罚' }).locator('input').check();
  const answer = off.page.waitForResponse(r => r.url().includes('/api/v1/parties?q='));
  await off.page.fill('#f-party_q', '云岭水泥');
  await answer;
  await off.page.waitForFunction(() => [...document.querySelectorAll('#party-results label.check-row')]
    .some(l => l.textContent.includes('云岭水泥')));
  const partyRow = off.page.locator('#party-results label.check-row', { hasText: '云岭水泥' }).first();
  const found = (await partyRow.textContent()) || '';
  ok(found.includes(PARTY), 'the party register offers the company', found);
  await partyRow.locator('input').check();
  for (const name of ['张晓峰', '刘海燕'])
    await off.page.locator('label.check-row', { hasText: name }).locator('input[name=officer_ids]').check();
  await look(off, 'case-new', 'the form opening the case');
  await Promise.all([off.page.waitForNavigation(), off.page.click('form.case-form button[type=submit]:not([name])')]);
  const cm = /\/cases\/(\d+)\?ok=opened$/.exec(off.page.url());
  ok(!!cm, 'the case is opened', off.page.url() + ' ' + await problems(off.page));
  const cid = cm ? +cm[1] : 0;
  await off.page.goto(`${base}/cases/${cid}#documents`);
  const value = await off.page.$$eval('#f-type_code-new option', os => (os.find(o => o.textContent.startsWith('行政处罚决定书')) || {}).value);
  ok(value === 'penalty_decision', '新建文书 offers the 行政处罚决定书', value);
  await off.page.selectOption('#f-type_code-new', value);
  await Promise.all([off.page.waitForNavigation(), off.page.click('form.doc-new button[type=submit]')]);
  const m = /\/documents\/(\d+)\?ok=created/.exec(off.page.url());
  ok(!!m, 'the 决定书 is drafted, its form open', off.page.url() + ' ' + await problems(off.page));
  const did = m ? +m[1] : 0;
  await fillDecision(off.page, FACTS);
  await look(off, 'draft', 'the 决定书 form');
  await Promise.all([off.page.waitForNavigation(), off.page.click('form.doc-form button[type=submit]:text-is("保存草稿")')]);
  ok(/\?ok=saved$/.test(off.page.url()), 'the 决定书 is saved', off.page.url() + ' ' + await problems(off.page));
  await off.page.goto(`${base}/documents/${did}/finalise`);
  await look(off, 'finalise', 'the finalise page');
  await off.page.fill('#f-password', demoPassword);
  await Promise.all([off.page.waitForNavigation(), off.page.click('#finalise-btn')]);
  ok(/\?ok=final$/.test(off.page.url()), 'the 决定书 is finalised with the password',
     off.page.url() + ' ' + await off.page.textContent('#finalise-error').catch(() => '') + await problems(off.page));
  const doc = await jsonOf(off.page, `/documents/${did}`);
  ok(doc.status === 'final' && !!doc.number, 'the 决定书 is final with its number', `${doc.status} ${doc.number}`);
  const number = doc.number || '';
  await look(off, 'final', 'the finalised 决定书');

  await pub.page.goto(`${base}/portal/decisions`);
  ok(!(await textOf(pub.page)).includes(PARTY), 'the portal does not show the decision before it is published');
  await look(pub, 'portal-before', 'the portal before publishing');

  // ---- 2. the head previews and publishes ----
  await head.page.goto(`${base}/publications`);
  const row = head.page.locator('tr', { hasText: number });
  ok(await row.count() === 1, "the publication draft is in the head's list", await textOf(head.page));
  const rowText = (await row.first().textContent().catch(() => '')) || '';
  ok(/待公示/.test(rowText) && (rowText.includes(PARTY) || rowText.includes(CASE_TITLE)), '... naming the decision, as a draft', rowText);
  ok(/\d{4}-\d{2}-\d{2}/.test(rowText), '... with its clock', rowText);
  ok(!/第 0 版|\b0$/.test(rowText.trim()), '... and no version 0 yet', rowText);
  await look(head, 'list', "the head's publication list");
  const href = await row.first().locator('a[href^="/publications/"]').getAttribute('href');
  pid = +(/\/publications\/(\d+)/.exec(href || '') || [0, 0])[1];
  ok(pid > 0, 'the row links to the publication', href);
  await Promise.all([head.page.waitForNavigation(), row.first().locator('a[href^="/publications/"]').click()]);
  let text = await textOf(head.page);
  ok(/原文/.test(text) && /公示内容/.test(text), 'the preview shows original and redacted side by side');
  ok(/待公示（尚未发布）/.test(text) && !/第 0 版/.test(text), 'a draft is not called version 0');
  ok(text.includes(FACTS.slice(0, 20)), '... with the facts of the 决定书');
  await look(head, 'preview', 'the preview');
  await Promise.all([head.page.waitForNavigation(), head.page.click('button:has-text("按上述预览发布")')]);
  text = await textOf(head.page);
  ok(/已公示（第 1 版）/.test(text) && /已发布公示/.test(text), 'published, version 1, and the page says so', await problems(head.page));
  ok(/暂无可发布的更正/.test(text) && await head.page.locator('textarea[name=correct_note]').count() === 0,
     'no correction is offered while the draft is the published version');
  await look(head, 'published', 'the published publication');

  await pub.page.goto(`${base}/portal/decisions`);
  const prow = pub.page.locator('table.decisions tr', { hasText: number });
  ok(await prow.count() === 1 && (await prow.first().textContent()).includes(PARTY), 'the portal list shows it with the party');
  await look(pub, 'portal-list', 'the portal list');
  await Promise.all([pub.page.waitForNavigation(), prow.first().locator('a').first().click()]);
  ok(pub.page.url().endsWith(`/portal/decisions/${pid}`), 'its link opens the detail', pub.page.url());
  text = await textOf(pub.page);
  ok(text.includes(PARTY) && text.includes(number) && /第 1 版/.test(text), 'the detail shows party, number and version 1');
  ok(text.includes('罚款'), '... and the penalty');
  await look(pub, 'portal-detail', 'the portal detail');
  let v = await verifyFromDetail(pub, pid, 'verify-v1', 'version 1');
  ok(/第\s*1\s*版/.test(v || ''), '... of version 1', v);

  // ---- 3. a correction document, then the head publishes the correction ----
  await off.page.goto(`${base}/documents/${did}#correct`);
  await off.page.fill('[name=correction_reason]', '淘汰电机数量笔误，应为11台');
  await Promise.all([off.page.waitForNavigation(), off.page.click('#correct button[type=submit]')]);
  const m2 = /\/documents\/(\d+)\?ok=created/.exec(off.page.url());
  ok(!!m2, 'the correction document is drafted', off.page.url() + ' ' + await problems(off.page));
  const cdid = m2 ? +m2[1] : 0;
  await off.page.fill('[name=fields_facts]', FACTS2);
  await Promise.all([off.page.waitForNavigation(), off.page.click('form.doc-form button[type=submit]:text-is("保存草稿")')]);
  ok(/\?ok=saved$/.test(off.page.url()), 'the correction is saved', off.page.url() + ' ' + await problems(off.page));
  await off.page.goto(`${base}/documents/${cdid}/finalise`);
  await off.page.fill('#f-password', demoPassword);
  await Promise.all([off.page.waitForNavigation(), off.page.click('#finalise-btn')]);
  ok(/\?ok=final$/.test(off.page.url()), 'the correction is finalised',
     off.page.url() + ' ' + await off.page.textContent('#finalise-error').catch(() => ''));
  await look(off, 'correction-final', 'the finalised correction');

  await head.page.goto(`${base}/publications/${pid}`);
  text = await textOf(head.page);
  ok(text.includes(FACTS2.slice(0, 30)), "the head's preview shows the corrected facts");
  await look(head, 'correction-preview', 'the preview of the correction');
  await head.page.fill('textarea[name=correct_note]', '违法事实中淘汰电机数量更正为11台');
  await Promise.all([head.page.waitForNavigation(), head.page.click('button:has-text("按上述预览发布更正")')]);
  text = await textOf(head.page);
  ok(/已公示（第 2 版）/.test(text) && /已发布更正/.test(text), 'the correction is published as version 2', await problems(head.page));
  await look(head, 'corrected', 'the corrected publication');

  await pub.page.goto(`${base}/portal/decisions/${pid}`);
  text = await textOf(pub.page);
  ok(/第 2 版/.test(text) && text.includes('违法事实中淘汰电机数量更正为11台'), 'the portal detail shows version 2 and its note');
  ok(text.includes('11台') && !text.includes('12台'), '... with the corrected content');
  await look(pub, 'portal-corrected', 'the corrected portal detail');
  await pub.page.click('a[href*="history=1"]');
  await pub.page.waitForLoadState();
  text = await textOf(pub.page);
  const hist = await pub.page.textContent('#versions ~ .table-wrap').catch(() => '');
  ok(/更正记录/.test(text) && /1/.test(hist) && /2/.test(hist) && hist.includes('违法事实中淘汰电机数量更正为11台'),
     'with history the old version is listed too', hist);
  ok(await pub.page.locator('a[href$="/verify?version=1"]').count() === 1, '... with a 核验 of version 1');
  await look(pub, 'portal-history', 'the portal history');
  v = await verifyFromDetail(pub, pid, 'verify-v2', 'version 2');
  ok(/第\s*2\s*版/.test(v || ''), '... of version 2', v);

  // ---- 5. one byte of the published content changed in the database ----
  // (while it is public: a withdrawn item's bytes are no longer served);
  // the row is put back afterwards and the trigger that guards it restored
  const trigger = execFileSync('python3', ['-c', 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); print(c.execute("SELECT sql FROM sqlite_master WHERE name = ?", ("publication_versions_no_update",)).fetchone()[0])',
    `${data}/zhifa.db`], { encoding: 'utf8' }).trim();
  ok(/TRIGGER/i.test(trigger), 'the database guards published versions with a trigger', trigger);
  sql(`DROP TRIGGER IF EXISTS publication_versions_no_update;
       UPDATE publication_versions SET content = replace(content, '11台', '10台') WHERE publication_id = ${pid} AND version = 2;`);
  await pub.page.goto(`${base}/portal/decisions/${pid}/verify`);
  await pub.page.waitForSelector('#verify-result.pass, #verify-result.fail', { timeout: 20000 }).catch(() => {});
  const res = await pub.page.textContent('#verify-result');
  ok(res.includes('核验未通过'), 'after one byte is changed the 核验 fails', res);
  const fail = await pub.page.textContent('#verify-steps li.fail').catch(() => '');
  ok(fail && fail.includes('不符'), '... naming the mismatch', fail);
  await look(pub, 'verify-tampered', 'the failed 核验 page');
  sql(`UPDATE publication_versions SET content = replace(content, '10台', '11台') WHERE publication_id = ${pid} AND version = 2;
       ${trigger};`);
  await pub.page.reload();
  await pub.page.waitForSelector('#verify-result.pass, #verify-result.fail', { timeout: 20000 }).catch(() => {});
  ok((await pub.page.textContent('#verify-result')).includes('核验通过'), 'with the byte put back it passes again');

  // ---- 4. revocation reported by the officer, withdrawal by the head ----
  await off.page.goto(`${base}/publications/${pid}`);
  await off.page.selectOption('select[name=report_reason]', '撤销');
  await off.page.fill('input[name=report_date]', today());
  await off.page.fill('textarea[name=report_note]', '省人民政府行政复议决定撤销本处罚决定');
  await Promise.all([off.page.waitForNavigation(), off.page.click('button:has-text("登记")')]);
  text = await textOf(off.page);
  ok(/已登记。撤下期限/.test(text) && !(await problems(off.page)), 'the officer reports the revocation, told what happens next', await problems(off.page));
  await look(off, 'reported', 'the reported publication');

  await head.page.goto(`${base}/publications/${pid}`);
  await head.page.selectOption('select[name=withdraw_reason]', '撤销');
  await head.page.fill('input[name=event_date]', today());
  await head.page.fill('textarea[name=withdraw_note]', '本处罚决定已被行政复议决定撤销');
  await Promise.all([head.page.waitForNavigation(), head.page.click('button:has-text("撤下")')]);
  text = await textOf(head.page);
  ok(new RegExp(`已撤下：${today()}，原因：撤销`).test(text) && /已撤下，公示页面/.test(text), 'the head withdraws it', await problems(head.page));
  await look(head, 'withdrawn', 'the withdrawn publication');

  await pub.page.goto(`${base}/portal/decisions/${pid}`);
  const w = await pub.page.textContent('.withdrawn').catch(() => '');
  ok(w.includes('已撤下') && w.includes(today()) && w.includes('撤销') && w.includes('本处罚决定已被行政复议决定撤销'),
     'the portal says 已撤下 with date, reason and note', w);
  text = await textOf(pub.page);
  ok(!text.includes(PARTY) && !(await pub.page.title()).includes(PARTY), "the party's name is no longer shown", text);
  await look(pub, 'portal-withdrawn', 'the withdrawn portal detail');
  await pub.page.goto(`${base}/portal/decisions/${pid}?history=1`);
  text = await textOf(pub.page);
  ok(/已撤下/.test(text) && !text.includes(PARTY) && !text.includes('经查') &&
     await pub.page.locator('details.old-version').count() === 0, '... nor with history, nor any content of a version', text);
  ok(/第 2 版/.test(text) && !/现行/.test(text), '... whose versions are listed, none of them 现行 any more', text);
  await look(pub, 'portal-withdrawn-history', 'the withdrawn portal detail with history');
  await pub.page.goto(`${base}/portal/decisions`);
  ok(!(await textOf(pub.page)).includes(number), 'the portal list no longer shows it');

  await pub.page.goto(`${base}/portal/decisions/${pid}/verify`);
  await pub.page.waitForSelector('#verify-result.pass, #verify-result.fail', { timeout: 20000 }).catch(() => {});
  ok((await pub.page.textContent('#verify-result')).includes('核验通过'), 'the withdrawn item still verifies by its hash and leaf',
     await pub.page.textContent('#verify-steps'));
  await look(pub, 'verify-withdrawn', 'the 核验 page of the withdrawn item');
} finally {
  await browser.close();
}
done();
