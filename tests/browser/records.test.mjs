// records.test.mjs - 执法文书 in Debian's chromium, driven by Playwright,
// as an officer on a 390 px phone (touch) and at a 1280 px desk (mouse):
// a 询问笔录 drafted from the case page, its form filled and saved, signed
// on the canvas (strokes drawn through the touch and mouse input of the
// browser), finalised with the password, and its PDF opened (200,
// application/pdf); on a 现场笔录 the party's refusal noted with its reason
// and a witness; the 卷内目录.  No sideways scrolling, no console or CSP
// errors.  Screenshots under build/screenshots/records-*.png.  Prints TAP.
// Usage: ZHIFA_URL=http://127.0.0.1:PORT node records.test.mjs
import { base, shots, ok, done, launch, demoPassword } from './lib.mjs';

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1280, height: 900 };
const PENALTY = '对使用国家明令淘汰的用能设备或者生产工艺的行政处罚';

async function login(browser, user, viewport) {
  const touch = viewport.width < 500;
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN', isMobile: touch, hasTouch: touch });
  const page = await ctx.newPage();
  const errors = [];
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

// against the viewport's own width: a mobile browser widens its layout
// viewport to a page that is too wide, so innerWidth would hide it
const overflowOf = page => page.evaluate(() => document.documentElement.scrollWidth - window.screen.width);
const jsonOf = async (page, path) => (await page.request.get(`${base}${path}`, { headers: { Accept: 'application/json' } })).json();

// Open a penalty case through POST /cases/new (the form's fields); returns its id.
async function openCase(page, title) {
  await page.goto(`${base}/cases/new`);
  const csrf = await page.getAttribute('form.case-form input[name=_csrf]', 'value');
  const f = await jsonOf(page, '/cases/new');
  const officers = Object.fromEntries(f.officers.map(o => [o.name, o.user_id]));
  const matter = f.matters.find(m => m.name === PENALTY).id;
  const pairs = [['procedure', 'penalty_general'], ['unit_id', f.unit_id], ['title', title], ['source', 'complaint'],
    ['source_date', f.today], ['matter_ids', matter], ['party_ids', f.parties[0].id], ['officer_ids', officers['张晓峰']],
    ['officer_ids', officers['刘海燕']], ['on_date', f.today], ['_csrf', csrf]];
  const body = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
  const r = await page.request.post(`${base}/cases/new`, { data: body, maxRedirects: 0,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  const m = /\/cases\/(\d+)/.exec(r.headers()['location'] || '');
  return m ? +m[1] : 0;
}

// Draw three strokes on the canvas: touch points through CDP on the phone
// (pointerType touch, as a finger), the mouse at the desk.
async function drawSignature(page, canvas, touch) {
  const b = await canvas.boundingBox();
  const strokes = [
    [[0.1, 0.6], [0.2, 0.3], [0.3, 0.7], [0.4, 0.35]],
    [[0.45, 0.5], [0.55, 0.3], [0.6, 0.65], [0.7, 0.4]],
    [[0.75, 0.6], [0.85, 0.35], [0.9, 0.55]],
  ].map(s => s.map(([x, y]) => [b.x + x * b.width, b.y + y * b.height]));
  if (touch) {
    const cdp = await page.context().newCDPSession(page);
    for (const s of strokes) {
      const pt = ([x, y]) => ({ x, y, radiusX: 2, radiusY: 2, force: 0.6, id: 1 });
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [pt(s[0])] });
      for (let i = 1; i < s.length; i++) {
        const [x0, y0] = s[i - 1], [x1, y1] = s[i];
        for (let k = 1; k <= 6; k++)
          await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove',
            touchPoints: [pt([x0 + (x1 - x0) * k / 6, y0 + (y1 - y0) * k / 6])] });
      }
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    }
    await cdp.detach();
  } else {
    for (const s of strokes) {
      await page.mouse.move(s[0][0], s[0][1]);
      await page.mouse.down();
      for (let i = 1; i < s.length; i++) await page.mouse.move(s[i][0], s[i][1], { steps: 6 });
      await page.mouse.up();
    }
  }
}

// Fill every empty field of the draft form with a plausible value.
async function fillDraft(page, doc) {
  for (const f of doc.definition.fields) {
    const sel = `[name="fields_${f.key}"]`;
    if (f.type === 'list' || !(await page.$(sel))) continue;
    const cur = await page.inputValue(sel).catch(() => '');
    if (f.type === 'datetime') await page.fill(sel, f.act === 'end' ? '2026-11-30T10:40' : '2026-11-30T10:00');
    else if (f.type === 'date') await page.fill(sel, '2026-11-30');
    else if (f.type === 'check') await page.check(sel);
    else if (f.type === 'select') { if (!cur) await page.selectOption(sel, { index: 1 }); }
    else if (f.type === 'integer') { if (!cur) await page.fill(sel, '1'); }
    else if (f.type === 'money') { if (!cur) await page.fill(sel, '100.00'); }
    else if (f.type === 'textarea' && /content|record|内容/.test(f.key + f.label))
      await page.fill(sel, '问：你是否知道该设备属于国家明令淘汰的用能设备？\n答：知道，正在安排更换。');
    else if (!cur) await page.fill(sel, '测试填写');
  }
}

async function newDocument(page, cid, name, tag) {
  await page.goto(`${base}/cases/${cid}#documents`);
  const value = await page.$$eval('#f-type_code-new option', (os, n) => (os.find(o => o.textContent.startsWith(n)) || {}).value, name);
  ok(!!value, `${tag}: ${name} offered in 新建文书`);
  await page.selectOption('#f-type_code-new', value);
  await Promise.all([page.waitForNavigation(), page.click('form.doc-new button[type=submit]')]);
  const m = /\/documents\/(\d+)\?ok=created/.exec(page.url());
  ok(!!m, `${tag}: ${name} drafted, on its form`, page.url());
  return m ? +m[1] : 0;
}

async function run(browser, viewport, tag) {
  const touch = viewport.width < 500;
  const { ctx, page, errors } = await login(browser, 'jn.zhang', viewport);
  const cid = await openCase(page, `使用淘汰设备（文书 ${tag}）`);
  ok(cid > 0, `${tag}: a case opened`);
  await page.goto(`${base}/cases/${cid}`);
  ok(await page.$('#documents') !== null, `${tag}: the case page has 执法文书与案卷`);
  ok(await overflowOf(page) <= 1, `${tag}: the case page does not scroll sideways`, `${await overflowOf(page)}px`);
  await page.locator('#documents').screenshot({ path: `${shots}/records-case-section-${tag}.png` });

  // -- a 询问笔录: draft, save
  const did = await newDocument(page, cid, '询问笔录', tag);
  let doc = await jsonOf(page, `/documents/${did}`);
  ok(await overflowOf(page) <= 1, `${tag}: the draft form does not scroll sideways`, `${await overflowOf(page)}px`);
  await fillDraft(page, doc);
  await page.screenshot({ path: `${shots}/records-draft-${tag}.png`, fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('form.doc-form button[type=submit]:not(.default-submit)')]);
  ok(/\?ok=saved$/.test(page.url()), `${tag}: the draft saved`, page.url() + ' ' +
     (await page.$$eval('.field-error', ps => ps.map(p => p.id + ':' + p.textContent).join(' | '))));
  doc = await jsonOf(page, `/documents/${did}`);

  // -- sign on the canvas
  await page.click('a[href$="/sign"]');
  await page.waitForSelector('canvas#sig-canvas');
  const shown = await page.textContent('#sign-sha256');
  ok(shown === doc.content_sha256, `${tag}: the content hash being signed is shown`, shown);
  const canvas = page.locator('#sig-canvas');
  ok(await canvas.isVisible(), `${tag}: the signature pad is shown (records.js ran)`);
  const cb = await canvas.boundingBox();
  ok(cb && cb.width <= viewport.width - 20 && cb.width >= Math.min(300, viewport.width - 80) && cb.height >= 140,
     `${tag}: the canvas fits the screen and is big enough to sign on`, JSON.stringify(cb));
  ok(await overflowOf(page) <= 1, `${tag}: the signing page does not scroll sideways`, `${await overflowOf(page)}px`);
  const signer = await page.inputValue('#f-signer_name-screen');
  ok(signer.length > 0, `${tag}: the signer's name prefilled with the party's`, signer);
  if (!signer) await page.fill('#f-signer_name-screen', '赵小明');
  // submitting an empty pad is stopped in the page
  await page.click('form[data-sigpad] button[type=submit]');
  ok(await page.isVisible('[data-sigpad-msg]'), `${tag}: an empty pad is not submitted`);
  await canvas.scrollIntoViewIfNeeded();
  await drawSignature(page, canvas, touch);
  const ink = await page.evaluate(() => {
    const c = document.getElementById('sig-canvas');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 128) n++;
    return n;
  });
  ok(ink > 50, `${tag}: the strokes drew ink on the canvas`, `${ink} dark pixels`);
  await page.locator('form[data-sigpad]').screenshot({ path: `${shots}/records-sign-${tag}.png` });
  await page.screenshot({ path: `${shots}/records-sign-page-${tag}.png`, fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('form[data-sigpad] button[type=submit]')]);
  ok(/\?ok=signed/.test(page.url()), `${tag}: signed`, page.url() + ' ' +
     (await page.$$eval('.field-error,.alert.error', ps => ps.map(p => p.textContent).join(' | '))));
  doc = await jsonOf(page, `/documents/${did}`);
  const sig = doc.signatures.find(s => s.kind === 'screen');
  ok(sig && sig.current && sig.content_sha256 === doc.content_sha256, `${tag}: the signature binds the version signed`);

  // -- finalise with the password (an as_needed recording rule met by a
  // stated reason for having none, through the audio-visual records API)
  if (doc.definition.recording === 'as_needed') {
    await page.goto(`${base}/cases/${cid}`);
    const csrf = await page.getAttribute('input[name=_csrf]', 'value');
    const r = await page.request.post(`${base}/api/v1/cases/${cid}/media`, {
      headers: { 'X-CSRF-Token': csrf, Accept: 'application/json' },
      data: { document_id: did, no_recording_reason: '当事人在办公室接受询问，文字记录已全面记录' } });
    ok(r.status() === 201, `${tag}: a reason for having no recording stated`, `${r.status()} ${await r.text()}`);
  }
  await page.goto(`${base}/documents/${did}/finalise`);
  ok(await overflowOf(page) <= 1, `${tag}: the finalise page does not scroll sideways`);
  await page.screenshot({ path: `${shots}/records-finalise-${tag}.png`, fullPage: true });
  await page.fill('#f-password', demoPassword);
  await Promise.all([page.waitForNavigation(), page.click('#finalise-btn')]);
  ok(/\?ok=final$/.test(page.url()), `${tag}: finalised with the password`, page.url() + ' ' +
     (await page.$$eval('.field-error,.alert.error,#needs', ps => ps.map(p => p.textContent).join(' | '))));
  await page.screenshot({ path: `${shots}/records-final-${tag}.png`, fullPage: true });
  ok(await overflowOf(page) <= 1, `${tag}: the finalised document does not scroll sideways`, `${await overflowOf(page)}px`);
  const href = await page.getAttribute('#pdf-link', 'href');
  const pdf = await page.request.get(`${base}${href}`);
  ok(pdf.status() === 200 && /^application\/pdf/.test(pdf.headers()['content-type'] || '') &&
     (await pdf.body()).subarray(0, 5).toString() === '%PDF-', `${tag}: the PDF link answers 200 application/pdf`,
     `${pdf.status()} ${pdf.headers()['content-type']}`);

  // -- a 现场笔录: the party refuses, with the reason and a witness
  const sid = await newDocument(page, cid, '现场笔录', tag);
  await page.goto(`${base}/documents/${sid}/sign#refused`);
  await page.fill('#f-refusal_reason-refused', '当事人对记录内容无异议，但拒绝签字，称须请示公司负责人。');
  await page.fill('#f-witness_name-refused', '王五');
  await page.locator('#refused').screenshot({ path: `${shots}/records-refused-${tag}.png` });
  await Promise.all([page.waitForNavigation(), page.click('#refused button[type=submit]')]);
  ok(/\?ok=signed/.test(page.url()), `${tag}: the refusal noted`, page.url() + ' ' +
     (await page.$$eval('.field-error,.alert.error', ps => ps.map(p => p.textContent).join(' | '))));
  const sd = await jsonOf(page, `/documents/${sid}`);
  const ref = sd.signatures.find(s => s.kind === 'refused');
  ok(ref && ref.refusal_reason.includes('拒绝签字') && ref.witness_name === '王五', `${tag}: the refusal with its reason and witness`);

  // -- a list field (抽样取证凭证's 清单): a row added in place, the page still fits
  const vid = await newDocument(page, cid, '抽样取证凭证', tag);
  if (vid) {
    const rows = () => page.$$eval('fieldset[data-rows] tbody tr[data-row]', trs => trs.length);
    const before = await rows();
    await page.click('fieldset[data-rows] button.row-add');
    ok(await rows() === before + 1, `${tag}: 添加一行 adds a row in place`);
    const last = await page.$$eval('fieldset[data-rows] tbody tr[data-row]', trs => trs[trs.length - 1].querySelector('label').textContent);
    ok(last.startsWith(`第${before + 1}行`), `${tag}: the new row's labels name it`, last);
    ok(await overflowOf(page) <= 1, `${tag}: the list form does not scroll sideways`, `${await overflowOf(page)}px`);
    await page.locator('fieldset[data-rows]').screenshot({ path: `${shots}/records-list-${tag}.png` });
  }

  // -- the 卷内目录
  await page.goto(`${base}/cases/${cid}/file`);
  const rows = await page.$$eval('table.file-toc tbody tr', trs => trs.map(t => t.textContent));
  ok(rows.length >= 1 && rows[0].includes('询问笔录'), `${tag}: the 卷内目录 lists the finalised document`, rows.join(' | '));
  ok(await overflowOf(page) <= 1, `${tag}: the 卷内目录 does not scroll sideways`, `${await overflowOf(page)}px`);
  await page.screenshot({ path: `${shots}/records-file-${tag}.png`, fullPage: true });
  await page.emulateMedia({ media: 'print' });
  await page.screenshot({ path: `${shots}/records-file-print-${tag}.png`, fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  await page.goto(`${base}/cases/${cid}`);
  await page.locator('#documents').screenshot({ path: `${shots}/records-case-section-after-${tag}.png` });

  ok(errors.length === 0, `${tag}: no console or CSP errors`, errors.join('\n'));
  await ctx.close();
}

const browser = await launch();
try {
  await run(browser, PHONE, 'phone');
  await run(browser, DESK, 'desk');
} catch (e) {
  ok(false, 'the walk completed', e.stack);
} finally {
  await browser.close();
}
done();
