// review_full.test.mjs - a whole 法制审核 in Debian's chromium, through the
// pages only: the system administrator records the 分管负责人 of the
// division on its unit page; the officer of the demo radio penalty (the
// case at the 法制审核 stage) submits it; the 政策法规处 head returns it for
// 补正 naming what is missing; the officer completes it; the head accepts
// and assigns the reviewer, who gives 存在问题 on the checklist with the
// password; the division answers every problem and submits again (round
// 2); the reviewer accepts, claims and again gives 存在问题; the division
// head escalates with the division's opinion; the 分管负责人 sees both
// opinions side by side and decides 同意作出 with reasons; the case page
// shows the gate open.  Afterwards: the responsibility table (who
// submitted and vouched, who returned and accepted, who reviewed each
// round, who escalated, who decided), the leaves of the public ledger for
// the case, and the operation log as the supervisor.  Every page at 1280
// and 390 px: Chinese only, no sideways scrolling, no console or CSP
// errors; screenshots under build/screenshots/review-full-*.png.  TAP.
// Usage: ZHIFA_URL=http://127.0.0.1:PORT node review_full.test.mjs
//        (or: sh tests/browser/run.sh review_full.test.mjs)
import { base, shots, ok, done, launch, demoPassword } from './lib.mjs';

if (!base) {
  console.log('Bail out! ZHIFA_URL is not set: run sh tests/browser/run.sh review_full.test.mjs (it starts a demo server)');
  process.exit(1);
}

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1280, height: 900 };

// Words and codes of the program that must never reach a reader.
const ENGLISH = new RegExp('\\b(?:submit|submitted|accept|accepted|assign|assigned|claim|claimed|return|returned|' +
  'supplement|supplemented|opinion|escalate|escalated|decide|decided|agree|agreed|problems|reviewing|proceed|refuse|' +
  'modify|division|leader|reviewer|officer|penalty|org|person|undefined|null|NaN|true|false|json|html|' +
  'sha256|review)\\b', 'i');
const MIME = /\b(?:application|text|image|video|audio)\/[a-z]/i;
// file formats as codes (lower case); 「PDF」 as a word is how Chinese pages name the format
const FORMAT_CODE = /\b(?:pdf|zip)\b/;
// On the review pages nothing Latin at all but for values holding digits
// (credit codes, certificate numbers, digests).
// a Latin word other than the names of formats and algorithms a Chinese
// page uses as they are (PDF, SHA-256, SM3), as records_walk allows them
const LATIN_WORD = /(?<![A-Za-z0-9])(?!(?:PDF|SHA|SM3)(?![A-Za-z0-9]))[A-Za-z]{2,}(?![A-Za-z0-9])/;

const browser = await launch();
const people = {};

async function login(user, viewport) {
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', m => { if (m.type() === 'error' && !/status of 4(00|09)/.test(m.text())) errors.push(m.text()); });
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(`${base}/login`);
  await page.fill('#username', user);
  await page.fill('input[name=password]', demoPassword);
  await Promise.all([page.waitForNavigation(), page.press('input[name=password]', 'Enter')]);
  ok(!/\/login/.test(page.url()), `${user} logs in`, page.url());
  const p = { ctx, page, errors, viewport, user };
  people[user] = p;
  return p;
}

const textOf = page => page.evaluate(() => document.body.innerText);
const overflowOf = page => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

// The page the person is on, at both widths: no sideways scrolling, no
// English, no errors; a screenshot of each.  strict: no Latin word at all.
async function look(p, name, what, strict = true) {
  for (const [w, vp] of [['desk', DESK], ['phone', PHONE]]) {
    await p.page.setViewportSize(vp);
    ok(await overflowOf(p.page) <= 1, `${what} (${w}): no sideways scrolling`);
    const text = await textOf(p.page);
    const m = text.match(ENGLISH) || text.match(MIME) || text.match(FORMAT_CODE) || (strict && text.match(LATIN_WORD));
    ok(!m, `${what} (${w}): Chinese only`, m && `「${m[0]}」 in …${text.slice(Math.max(0, m.index - 40), m.index + 40)}…`);
    await p.page.screenshot({ path: `${shots}/review-full-${name}-${w}.png`, fullPage: true });
  }
  await p.page.setViewportSize(p.viewport);
  ok(p.errors.length === 0, `${what}: no console or CSP errors`, p.errors.join('\n'));
  p.errors.length = 0;
}

// Press a button that posts a form and wait for the page that follows.
async function press(p, label) {
  await Promise.all([p.page.waitForNavigation(), p.page.click(`button:has-text("${label}")`)]);
  return textOf(p.page);
}

async function stateOf(p) {
  return (await p.page.locator('h1 .badge').innerText()).trim();
}

try {
  // the ledger's size before the run: every leaf after it is this run's
  const log0 = await (await fetch(`${base}/api/v1/log`)).json();
  const from = log0.tree_size;
  ok(Number.isInteger(from) && from > 0, 'the public ledger answers with its size');

  // the officer, on the phone: the demo radio penalty at the 法制审核 stage
  const off = await login('wx.zhao', PHONE);
  const list = await (await off.page.request.get(`${base}/api/v1/cases?per_page=100`, { headers: { Accept: 'application/json' } })).json();
  const c = (list.items || []).find(x => x.kind === 'penalty' && x.status === 'open' && x.stage === 'legal_review');
  ok(!!c, 'the demo has a penalty case of the officer at the 法制审核 stage', JSON.stringify(list).slice(0, 300));
  const url = `${base}/cases/${c.id}/review`;

  // the system administrator, at the desk: the division's 分管负责人 on its unit page
  const adm = await login('admin', DESK);
  await adm.page.goto(`${base}/admin/units`);
  const unitRow = adm.page.locator('tr', { has: adm.page.locator('td:text-is("无线电监测站")') });
  await Promise.all([adm.page.waitForNavigation(), unitRow.locator('a:has-text("编辑")').click()]);
  let text = await textOf(adm.page);
  ok(/分管负责人/.test(text), 'the unit page has the 分管负责人 section');
  const leaderOpt = await adm.page.$$eval('select[name=leader_id] option', os => (os.find(o => o.textContent.includes('王立新')) || {}).value);
  ok(!!leaderOpt, '王立新 is offered as 分管负责人');
  await adm.page.selectOption('select[name=leader_id]', leaderOpt);
  text = await press(adm, '保存');
  ok(/#leader$/.test(adm.page.url()) && /分管负责人\s*王立新/.test(text), 'recorded: the unit page names 王立新', adm.page.url());
  await look(adm, 'unit-leader', 'the unit page with its 分管负责人', false);

  await off.page.goto(`${base}/cases/${c.id}`);
  text = await off.page.locator('#review').innerText();
  ok(/未送审/.test(text), 'the case page: 未送审');
  await Promise.all([off.page.waitForNavigation(), off.page.click('#review a:has-text("办理法制审核")')]);
  ok(off.page.url() === url, 'the case page leads to its review page');
  await look(off, 'submit', 'the submission form');
  await off.page.fill('textarea[name=decision]', '拟对当事人罚款人民币十五万元，没收违法设置的无线电台（站）设备');
  await off.page.fill('textarea[name=report]', '经监测定位和现场检查，当事人未经许可擅自设置、使用无线电台（站），事实清楚，证据确凿。');
  await off.page.selectOption('select[name=party_kind]', 'org');
  await off.page.fill('input[name=fine_yuan]', '150000');
  await off.page.check('input[name=measures][value=罚款]');
  await off.page.check('input[name=measures][value=没收非法财物]');
  await off.page.check('input[name=vouch]');
  text = await press(off, '送审');
  ok(await stateOf(off) === '待受理' && /重大执法决定/.test(text) && /罚款 150,000 元 ≥ 组织 100,000 元/.test(text),
     'submitted: 待受理, major, with the reason', text.slice(0, 600));

  // the 政策法规处 head, at the desk: the queue, then 退回补正
  const head = await login('fagui.head', DESK);
  await head.page.goto(`${base}/review`);
  const row = head.page.locator('tr', { has: head.page.locator(`a[href="/cases/${c.id}/review"]`) });
  ok(/待受理/.test(await row.innerText()), 'the queue lists the case as 待受理');
  await look(head, 'queue', 'the queue');
  await Promise.all([head.page.waitForNavigation(), row.locator('a').first().click()]);
  ok(head.page.url() === url, 'the queue leads to the review page');
  await look(head, 'to-accept', 'the review page to accept or return');
  const missing = '缺少无线电监测报告原件和现场检查笔录的当事人签字页';
  await head.page.fill('textarea[name=missing]', missing);
  text = await press(head, '退回补正');
  ok(await stateOf(head) === '待补正', 'returned: 待补正');

  // the officer completes it
  await off.page.goto(url);
  text = await textOf(off.page);
  const supp = off.page.locator('section', { has: off.page.locator('textarea[name=note]') });
  ok(await supp.count() === 1 && (await supp.innerText()).includes(missing),
     'the officer sees what is missing beside the 补正 form', await supp.count() && await supp.innerText());
  await look(off, 'supplement', 'the 补正 form');
  await off.page.fill('textarea[name=note]', '已补充无线电监测报告原件，现场检查笔录已由当事人补签');
  text = await press(off, '补正后重新报送');
  ok(await stateOf(off) === '待受理', 'supplemented: 待受理 again');

  // the head accepts and assigns 孙法明
  await head.page.goto(url);
  text = await press(head, '材料齐全，受理');
  ok(await stateOf(head) === '待分配审核人员' && /本轮审核期限：\d{4}-\d\d-\d\d 前/.test(text), 'accepted: the clock runs');
  const rev1 = await head.page.$$eval('select[name=reviewer_id] option', os => (os.find(o => o.textContent.includes('孙法明')) || {}).value);
  await head.page.selectOption('select[name=reviewer_id]', rev1);
  text = await press(head, '分配');
  ok(await stateOf(head) === '审核中' && /分配审核人员：孙法明/.test(text), 'assigned: 审核中, 孙法明 named');

  // the reviewer, on the phone: 存在问题 on the checklist, with the password
  const rev = await login('shenhe', PHONE);
  await rev.page.goto(url);
  ok(await rev.page.locator('input[type=radio][value="0"]').count() === 9, 'the nine points of the checklist');
  await look(rev, 'opinion', 'the opinion form');
  await rev.page.check('input[name=ok_facts][value="0"]');
  await rev.page.fill('input[name=note_facts]', '设备功率与监测记录不一致');
  await rev.page.check('input[name=ok_law][value="0"]');
  await rev.page.fill('input[name=note_law]', '罚款数额未说明适用的裁量档次');
  await rev.page.selectOption('select[name=verdict]', 'problems');
  const problems1 = ['设备发射功率的认定与监测记录不一致，须补充说明', '罚款十五万元未说明适用《云南省无线电管理行政处罚裁量基准》的哪一档'];
  await rev.page.fill('textarea[name=problems]', problems1.join('\n'));
  await rev.page.fill('textarea[name=suggestions]', '补充功率测试报告，说明裁量理由后再次送审');
  // a mistyped password: said in Chinese, nothing recorded, the opinion kept
  await rev.page.fill('input[name=password]', 'Zhifa@2026dem0');
  text = await press(rev, '出具意见');
  ok(/密码不正确/.test(await rev.page.locator('.alert.error').innerText()) && await stateOf(rev) === '审核中',
     'a wrong password: refused with the reason, still 审核中', text.slice(0, 400));
  ok(await rev.page.isChecked('input[name=ok_facts][value="0"]') && await rev.page.inputValue('textarea[name=problems]') === problems1.join('\n') &&
     await rev.page.inputValue('select[name=verdict]') === 'problems', '... with the checklist and the problems kept');
  await look(rev, 'opinion-refused', 'the opinion refused for the password');
  await rev.page.fill('input[name=password]', demoPassword);
  text = await press(rev, '出具意见');
  ok(await stateOf(rev) === '存在问题' && problems1.every(p => text.includes(p)), 'round 1: 存在问题, both problems listed');

  // the division answers each problem and submits round 2
  await off.page.goto(url);
  text = await textOf(off.page);
  ok(problems1.every(p => text.includes(p)), 'the officer sees the problems');
  ok(await off.page.locator('button:has-text("将双方意见报分管负责人审定")').count() === 0, 'an officer cannot escalate');
  ok(await off.page.inputValue('textarea[name=decision]') !== '' && await off.page.inputValue('select[name=party_kind]') === 'org',
     'the resubmission starts from what was submitted');
  await look(off, 'resubmit', 'the resubmission form');
  await off.page.selectOption('select[name=handled_0]', '1');
  await off.page.fill('textarea[name=answer_0]', '已补充功率测试报告，发射功率认定为 50 瓦');
  await off.page.selectOption('select[name=handled_1]', '0');
  await off.page.fill('textarea[name=answer_1]', '本案违法设台时间长、影响民航通信，适用从重一档，理由已写入调查终结报告');
  await off.page.fill('textarea[name=report]', '经监测定位和现场检查，当事人未经许可擅自设置、使用无线电台（站），发射功率 50 瓦，事实清楚，证据确凿。');
  await off.page.check('input[name=vouch]');
  text = await press(off, '送审');
  ok(await stateOf(off) === '待受理' && /第 2 轮送审/.test(text) && /已处理：已补充功率测试报告/.test(text) && /不同意：本案违法设台/.test(text),
     'round 2 submitted with both answers', text.slice(0, 800));

  // the reviewer accepts, claims, and again gives 存在问题
  await rev.page.goto(url);
  text = await press(rev, '材料齐全，受理');
  ok(await stateOf(rev) === '待分配审核人员', 'round 2 accepted by the reviewer');
  text = await press(rev, '由我审核');
  ok(await stateOf(rev) === '审核中' && /认领审核：孙法明/.test(text), 'claimed: 审核中');
  await rev.page.check('input[name=ok_law][value="0"]');
  await rev.page.fill('input[name=note_law]', '从重处罚的理由不足');
  await rev.page.selectOption('select[name=verdict]', 'problems');
  const problem2 = '从重处罚的情节不符合裁量基准规定的从重情形，建议按一般情形罚款';
  await rev.page.fill('textarea[name=problems]', problem2);
  await rev.page.fill('input[name=password]', demoPassword);
  text = await press(rev, '出具意见');
  ok(await stateOf(rev) === '存在问题' && text.includes(problem2), 'round 2: still 存在问题');

  // the division head, at the desk: escalation with the division's opinion
  const dhead = await login('wx.head', DESK);
  await dhead.page.goto(url);
  await look(dhead, 'escalate', 'the escalation form');
  const divOpinion = '本处室认为当事人设台干扰民航导航频率，属于裁量基准规定的“造成严重后果”情形，应当从重处罚';
  await dhead.page.fill('textarea[name=division_opinion]', divOpinion);
  text = await press(dhead, '将双方意见报分管负责人审定');
  ok(await stateOf(dhead) === '报分管负责人审定', 'escalated: 报分管负责人审定');

  // the 分管负责人, at the desk: the queue, both opinions side by side, the decision
  const lead = await login('fenguan', DESK);
  await lead.page.goto(`${base}/review`);
  ok(await lead.page.locator(`a[href="/cases/${c.id}/review"]`).count() > 0, 'the leader\'s queue lists the case');
  await lead.page.goto(url);
  const both = lead.page.locator('#both');
  ok(await both.count() === 1, 'the page has the two opinions');
  if (await both.count()) {
    const ours = both.locator('.opinion-office'), theirs = both.locator('.opinion-division');
    const t1 = await ours.innerText(), t2 = await theirs.innerText();
    ok(t1.includes(problem2) && t1.includes('孙法明'), 'the 政策法规处 opinion: the problem and the reviewer', t1);
    ok(t2.includes(divOpinion) && t2.includes('段志远'), 'the division\'s opinion: the text and the head', t2);
    const b1 = await ours.boundingBox(), b2 = await theirs.boundingBox();
    ok(b1 && b2 && Math.abs(b1.y - b2.y) < 4 && b2.x > b1.x + b1.width - 4, 'side by side at the desk', JSON.stringify([b1, b2]));
    await lead.page.setViewportSize(PHONE);
    const p1 = await ours.boundingBox(), p2 = await theirs.boundingBox();
    ok(p1 && p2 && p2.y >= p1.y + p1.height - 4, 'one above the other on the phone', JSON.stringify([p1, p2]));
    await lead.page.setViewportSize(DESK);
  }
  await look(lead, 'decide', 'the leader\'s decision form');
  await lead.page.selectOption('select[name=verdict]', 'proceed');
  await lead.page.fill('textarea[name=reasons]', '当事人设台干扰民航导航频率，后果严重，同意承办处室意见，按从重情形作出处罚决定');
  text = await press(lead, '审定');
  ok(await stateOf(lead) === '分管负责人已审定' && /审定：同意作出/.test(text) && /可以作出决定/.test(text),
     'decided: 同意作出, the decision may be made');

  // the case page, for the officer: the gate is open
  await off.page.goto(`${base}/cases/${c.id}`);
  text = await off.page.locator('#review').innerText();
  ok(/分管负责人已审定/.test(text) && /可以作出决定/.test(text), 'the case page shows the gate open', text);
  await look(off, 'case', 'the case page', false);

  // the responsibility table, on the review page
  await off.page.goto(url);
  const rows = await off.page.$$eval('table', ts => {
    const t = ts.find(x => /负责事项/.test(x.innerText));
    return t ? [...t.querySelectorAll('tbody tr')].map(tr => [...tr.cells].map(td => td.innerText.trim())) : [];
  });
  const has = (step, person, role) => rows.some(r => step.test(r[0]) && r[1] === person && (!role || r[2] === role));
  ok(rows.length > 0, 'the page has the responsibility table');
  ok(rows.filter(r => /^第[12]轮 送审$/.test(r[0]) && r[1] === '赵丽萍' && r[2] === '承办处室' && /真实性、准确性、完整性/.test(r[3])).length === 2,
     'submitted and vouched for, twice: 赵丽萍 (承办处室)', JSON.stringify(rows));
  ok(has(/第1轮.*退回补正/, '高文华', '政策法规处负责人'), 'returned for 补正: 高文华, 政策法规处负责人');
  ok(has(/第1轮.*补正材料/, '赵丽萍', '承办处室'), 'supplemented: 赵丽萍 (承办处室)');
  ok(has(/第1轮 受理/, '高文华', '政策法规处负责人') && has(/第2轮 受理/, '孙法明', '法制审核人员'), 'accepted: 高文华 in round 1, 孙法明 in round 2');
  ok(has(/第1轮.*分配审核人员/, '高文华') && has(/第2轮.*认领审核/, '孙法明'), 'assigned by 高文华, claimed by 孙法明');
  ok(has(/第1轮.*审核意见：存在问题/, '孙法明', '法制审核人员') && has(/第2轮.*审核意见：存在问题/, '孙法明', '法制审核人员'), 'reviewed each round: 孙法明, 存在问题');
  ok(has(/第2轮.*报分管负责人审定/, '段志远', '承办处室负责人'), 'escalated: 段志远, 承办处室负责人');
  ok(has(/第2轮.*审定：同意作出/, '王立新', '分管负责人'), 'decided: 王立新, 分管负责人, 同意作出');
  await look(off, 'record', 'the review record');

  // the public ledger: this run's leaves for the case
  const log1 = await (await fetch(`${base}/api/v1/log`)).json();
  const leaves = [];
  for (let i = from; i < log1.tree_size; i++) {
    const l = await (await fetch(`${base}/api/v1/log/leaves/${i}`)).json();
    const leaf = JSON.parse(Buffer.from(l.leaf, 'base64').toString('utf8'));
    if (leaf.case_id === c.id && /^review\./.test(leaf.type))
      leaves.push(leaf);
  }
  const types = leaves.map(l => l.type);
  const count = t => types.filter(x => x === t).length;
  ok(count('review.submitted') === 2 && leaves.filter(l => l.type === 'review.submitted').every(l => l.major === true),
     'ledger: review.submitted for each round, major', types.join(' '));
  for (const t of ['review.returned', 'review.supplemented', 'review.assigned', 'review.claimed', 'review.escalated', 'review.decided'])
    ok(count(t) === 1, `ledger: ${t}`, types.join(' '));
  ok(count('review.accepted') === 2, 'ledger: review.accepted for each round', types.join(' '));
  const opinions = leaves.filter(l => l.type === 'review.opinion');
  ok(opinions.length === 2 && opinions.every(l => l.verdict === 'problems') && opinions[0].round === 1 && opinions[1].round === 2,
     'ledger: review.opinion twice, 存在问题 in rounds 1 and 2', JSON.stringify(opinions));
  const decided = leaves.find(l => l.type === 'review.decided');
  ok(decided && decided.verdict === 'proceed' && decided.round === 2, 'ledger: the decision is 同意作出 in round 2', JSON.stringify(decided));
  const order = ['review.submitted', 'review.returned', 'review.supplemented', 'review.accepted', 'review.assigned',
                 'review.opinion', 'review.submitted', 'review.accepted', 'review.claimed', 'review.opinion',
                 'review.escalated', 'review.decided'];
  ok(types.join(' ') === order.join(' '), 'ledger: the leaves in the order of the steps', types.join(' '));

  // the supervisor: the operation log of the case
  const sup = await login('jiandu', DESK);
  await sup.page.goto(`${base}/admin/logs`);
  await sup.page.selectOption('select[name=object_type]', { label: '案件' });
  await sup.page.fill('input[name=object_id]', String(c.id));
  await Promise.all([sup.page.waitForNavigation(), sup.page.click('button:has-text("查询")')]);
  // every page of the result (50 a page; each reading of a review page is logged too)
  await look(sup, 'oplog', 'the operation log', false);
  const acts = [];
  const first = new URL(sup.page.url());
  for (let n = 1; n <= 20; n++) {
    if (n > 1) {
      first.searchParams.set('page', String(n));
      await sup.page.goto(first.href);
    }
    const got = await sup.page.$$eval('table tbody tr', trs => trs.map(tr => tr.cells[2] && tr.cells[2].innerText.trim()));
    if (!got.length || !got.some(a => a))
      break;
    acts.push(...got);
    if (got.length < 50)
      break;
  }
  for (const [label, n] of [['送法制审核', 2], ['法制审核退回补正', 1], ['补正法制审核材料', 1], ['受理法制审核', 2],
                            ['分配法制审核人员', 1], ['认领法制审核', 1], ['出具法制审核意见', 2], ['报分管负责人审定', 1],
                            ['分管负责人审定', 1]])
    ok(acts.filter(a => a === label).length === n, `the operation log: ${label} ×${n}`, acts.join('，'));
} finally {
  await browser.close();
}
done();
