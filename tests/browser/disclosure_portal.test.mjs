// disclosure_portal.test.mjs - 行政执法决定公示 in Debian's chromium: the
// list, a search, a decision, its correction record, a withdrawn one and
// the 核验 page at desktop and phone width (no horizontal scrolling, no
// console or CSP errors, screenshots under build/screenshots/), the
// in-browser 核验 passing, then failing after one byte of the published row
// is changed in the database.  Decisions are written by
// tests/verifier/seed_disclosure.c into the server's database (run.sh
// passes its data folder as ZHIFA_DATA).  Prints TAP.
import { base, shots, ok, done, launch } from './lib.mjs';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const root = new URL('../../', import.meta.url).pathname;
const data = process.env.ZHIFA_DATA;
if (!data || !existsSync(`${data}/zhifa.db`)) {
  console.log('1..0 # skip needs ZHIFA_DATA (the SQLite data folder of the server; tests/browser/run.sh sets it)');
  process.exit(0);
}
const db = `${data}/zhifa.db`;
execFileSync('python3', ['-c', 'import sys; sys.path.insert(0, "tests/http"); import harness, test_disclosure_portal as d; d.build_seed(harness.Tap())'],
  { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
function seed(ops) {
  return JSON.parse(execFileSync(`${root}build/asan/tests/seed_disclosure`, [`sqlite:${db}`],
    { input: JSON.stringify(ops), encoding: 'utf8' }));
}
function sql(statement) {
  execFileSync('python3', ['-c', 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1], timeout=30); c.executescript(sys.argv[2]); c.commit()', db, statement]);
}

const longText = '经查，当事人某某化工有限公司于2024年1月至2月间，在其位于某市某区的仓库内超量储存危险化学品（硝酸铵）' +
  '约12吨，超出其危险化学品经营许可证核定的储存量。上述行为违反了《危险化学品安全管理条例》第二十四条的规定。' +
  '依据《危险化学品安全管理条例》第八十条第一款第（三）项的规定，本机关决定给予当事人罚款人民币50000元的行政处罚。';
const [a, b, c] = seed([
  { op: 'publish', kind: 'penalty', title: '某某化工有限公司超量储存危险化学品案', party: '某某化工有限公司', category: '罚款',
    no: '工信罚〔2024〕1号', date: '2024-03-01', text: longText,
    fields: { CF_XDR_MC: '某某化工有限公司', CF_XDR_LB: '法人及非法人组织', CF_XDR_SHXYM: '91370000MA3C000001', CF_FRDB: '王某',
              CF_WSH: '工信罚〔2024〕1号', CF_WFXW: '超量储存危险化学品', CF_SY: '超出许可核定的储存量储存危险化学品约12吨',
              CF_YJ: '《危险化学品安全管理条例》第八十条第一款第（三）项', CF_CFLB: '罚款', CF_NR: '罚款人民币50000元',
              CF_NR_FK: '5', CF_JDRQ: '2024-03-01', CF_GSJZQ: '2027-03-01', CF_CFJG: '某省工业和信息化厅' } },
  { op: 'publish', kind: 'licence', title: '甲公司民用爆炸物品生产许可', party: '甲公司', category: '普通', no: '工信许〔2024〕7号',
    date: '2024-02-10', fields: { XK_XDR_MC: '甲公司', XK_WSH: '工信许〔2024〕7号', XK_XKZS: '民用爆炸物品生产许可证',
                                  XK_XKBH: 'MB2024007', XK_NR: '准予生产工业炸药', XK_YXQZ: '2024-02-10', XK_YXQZI: '2027-02-09' } },
  { op: 'publish', kind: 'penalty', title: '某电子厂擅自设置无线电台站案', party: '某电子厂', category: '警告', no: '工信罚〔2024〕2号',
    date: '2024-03-05', fields: { CF_XDR_MC: '某电子厂', CF_WSH: '工信罚〔2024〕2号', CF_CFLB: '警告' } },
]);
seed([
  { op: 'correct', id: a, note: '法定代表人姓名更正', text: longText,
    fields: { CF_XDR_MC: '某某化工有限公司', CF_XDR_SHXYM: '91370000MA3C000001', CF_FRDB: '王某某', CF_WSH: '工信罚〔2024〕1号',
              CF_WFXW: '超量储存危险化学品', CF_CFLB: '罚款', CF_NR: '罚款人民币50000元', CF_NR_FK: '5' } },
  { op: 'withdraw', id: c, reason: '撤销', note: '经行政复议决定撤销', on: '2024-04-02' },
]);
// the checkpoint must cover the leaves before the 核验 can pass
for (let i = 0; i < 100; i++) {
  const size = (await (await fetch(`${base}/api/v1/log`)).json()).tree_size;
  const cp = await (await fetch(`${base}/log/checkpoint`)).text();
  if (cp.split('\n')[1] >= size) break;
  await new Promise(r => setTimeout(r, 300));
}

const browser = await launch();
try {
  const pages = [
    ['decisions', '/portal/decisions'],
    ['decisions-search', '/portal/decisions?q=' + encodeURIComponent('危化品')],
    ['decision', `/portal/decisions/${a}`],
    ['decision-history', `/portal/decisions/${a}?history=1`],
    ['decision-licence', `/portal/decisions/${b}`],
    ['decision-withdrawn', `/portal/decisions/${c}`],
    ['decision-verify', `/portal/decisions/${a}/verify`],
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
      if (name === 'decision-verify')
        await page.waitForSelector('#verify-result.pass, #verify-result.fail', { timeout: 15000 }).catch(() => {});
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      ok(overflow <= 1, `${tag} ${name}: no horizontal scrolling`, `overflow ${overflow}px`);
      ok(errors.length === 0, `${tag} ${name}: no console or CSP errors`, errors.join('\n'));
      await page.screenshot({ path: `${shots}/${tag}-${name}.png`, fullPage: true });
    }
    await ctx.close();
  }

  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  await page.goto(`${base}/portal/decisions?q=${encodeURIComponent('危化品')}`);
  ok((await page.textContent('table.decisions')).includes('某某化工有限公司'), 'search for the abbreviation 危化品 finds the decision');
  await page.goto(`${base}/portal/decisions/${c}`);
  const w = await page.textContent('.withdrawn');
  ok(w.includes('已撤下') && w.includes('2024-04-02') && w.includes('撤销'), 'withdrawn page: 已撤下, date and reason');
  await page.goto(`${base}/portal/decisions/${a}`);
  await page.click('a.button[href$="/verify"]');
  await page.waitForSelector('#verify-result.pass, #verify-result.fail', { timeout: 15000 });
  const res = await page.textContent('#verify-result');
  ok(res.includes('核验通过'), 'the 核验 link checks out in the browser', res + '\n' + await page.textContent('#verify-steps'));
  const passes = await page.$$eval('#verify-steps li.pass', l => l.length);
  ok(passes >= 5, `every step passes (${passes})`);

  // one byte of the published row changed in the database
  sql(`DROP TRIGGER IF EXISTS publication_versions_no_update;
       UPDATE publication_versions SET content = replace(content, '50000', '60000') WHERE publication_id = ${a} AND version = 2;`);
  await page.reload();
  await page.waitForSelector('#verify-result.pass, #verify-result.fail', { timeout: 15000 });
  const res2 = await page.textContent('#verify-result');
  ok(res2.includes('核验未通过'), 'after one byte is changed the 核验 fails', res2);
  const fail = await page.textContent('#verify-steps li.fail');
  ok(fail && fail.includes('不符'), 'naming the mismatch', fail);
  await page.screenshot({ path: `${shots}/desktop-decision-verify-tampered.png`, fullPage: true });
  await ctx.close();
} finally {
  await browser.close();
}
done();
