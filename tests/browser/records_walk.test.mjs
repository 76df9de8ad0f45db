// records_walk.test.mjs - one demo case of each procedure worked through in
// Debian's chromium (Playwright), as the case's officer, on a 390 px phone
// (touch) and at a 1280 px desk (mouse): from the case page a document of
// the current stage drafted from 新建文书, its form filled and saved,
// signed on the canvas or the party's refusal noted with its reason where
// the type needs the party's signature, finalised with the password, its
// PDF opened (200, application/pdf), and where the stage's gate needs that
// document the case advanced past the stage on the case page.  On the
// seizure (查封扣押) case finalising the 决定书 is refused for want of a video
// covering the act, then a real WebM recorded in the browser is uploaded
// through the camera form, attached with times covering the act, and
// finalising goes through.  Screenshots under build/screenshots/walk-*.png.
// Prints TAP.  Usage: ZHIFA_URL=http://127.0.0.1:PORT node records_walk.test.mjs
import { writeFileSync } from 'node:fs';
import { base, shots, ok, done, launch, demoPassword } from './lib.mjs';

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1280, height: 900 };

// The act recorded by every document of the walk (Beijing time); the
// video attached to the seizure covers it.
const ACT = { start: '2026-11-30T10:00', end: '2026-11-30T10:40' };
const VIDEO = { start: '2026-11-30T09:55', end: '2026-11-30T10:45', statement: '00:00:20' };

async function login(browser, user, viewport) {
  const touch = viewport.width < 500;
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN', isMobile: touch, hasTouch: touch });
  const page = await ctx.newPage();
  const errors = [];
  // 4xx answers are refusals the walk provokes on purpose (a finalise
  // without video answers 409); chromium logs those as console errors
  page.on('console', m => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4(00|09)/.test(m.text()))
      errors.push(m.text());
  });
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(`${base}/login`);
  await page.fill('#username', user);
  await page.fill('input[name=password]', demoPassword);
  await Promise.all([page.waitForNavigation(), page.press('input[name=password]', 'Enter')]);
  return { ctx, page, errors, touch, tag: touch ? 'phone' : 'desk' };
}

const overflowOf = page => page.evaluate(() => document.documentElement.scrollWidth - window.screen.width);
const jsonOf = async (page, path) => (await page.request.get(`${base}${path}`, { headers: { Accept: 'application/json' } })).json();
const problems = page => page.$$eval('.field-error,.alert.error,#needs', ps => ps.map(p => p.textContent).join(' | '));
// Text a user reads that holds Latin words (codes, English) — none expected.
const latinOf = page => page.evaluate(() => {
  // codes that are data (a recorder's or a work card's number: DSJ-2026-0031) are not words
  const t = document.querySelector('main').innerText.replace(/[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*-\d+/g, ' ');
  return (t.match(/\b[A-Za-z]{4,}\b/g) || []).filter(w => !/^(DSJ|WebM|PDF|SHA|JPEG|PNG|MP4|SM3)$/i.test(w));
});

async function caseByTitle(page, q) {
  const list = await jsonOf(page, `/api/v1/cases?q=${encodeURIComponent(q)}`);
  return list.items && list.items.length ? list.items[0].id : 0;
}

// Open a case through POST /cases/new; returns its id.
async function openCase(page, procedure, title, matterName, officerNames) {
  await page.goto(`${base}/cases/new`);
  const csrf = await page.getAttribute('form.case-form input[name=_csrf]', 'value');
  const f = await jsonOf(page, '/cases/new');
  const officers = Object.fromEntries(f.officers.map(o => [o.name, o.user_id]));
  const matter = (f.matters.find(m => m.name === matterName) || f.matters[0]).id;
  const pairs = [['procedure', procedure], ['unit_id', f.unit_id], ['title', title], ['source', 'complaint'],
    ['source_date', f.today], ['matter_ids', matter], ['party_ids', f.parties[0].id],
    ...officerNames.map(n => ['officer_ids', officers[n]]), ['on_date', f.today], ['_csrf', csrf]];
  const body = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
  const r = await page.request.post(`${base}/cases/new`, { data: body, maxRedirects: 0,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  const m = /\/cases\/(\d+)/.exec(r.headers()['location'] || '');
  if (!m) console.log('# ' + r.status() + ' ' + (await r.text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 1500));
  return m ? +m[1] : 0;
}

// Three strokes: touch points through CDP on the phone, the mouse at the desk.
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

// Fill every empty field of the draft form with a plausible value; the
// act's start and end are ACT.
async function fillDraft(page, doc) {
  for (const f of doc.definition.fields) {
    const sel = `[name="fields_${f.key}"]`;
    if (f.type === 'list') {
      // a list (清单): the first row's cells
      for (const [col, v] of [['name', '无线电发射设备'], ['spec', '调频 FM-300W'], ['quantity', '1'], ['unit', '套'], ['note', '完好']]) {
        const cell = `[name="fields_${f.key}_0_${col}"]`;
        if (await page.$(cell) && !(await page.inputValue(cell))) await page.fill(cell, v);
      }
      continue;
    }
    if (f.type === 'multi') {
      // a choice of several (行政处罚种类, 强制措施): the first one when required
      const boxes = `[name^="fields_${f.key}__"]`;
      const any = await page.$$eval(boxes, bs => bs.some(b => b.checked)).catch(() => false);
      if (f.required && !any && await page.$(`[name="fields_${f.key}__0"]`)) await page.check(`[name="fields_${f.key}__0"]`);
      continue;
    }
    if (!(await page.$(sel))) continue;
    const cur = await page.inputValue(sel).catch(() => '');
    if (f.type === 'datetime') await page.fill(sel, f.act === 'end' ? ACT.end : ACT.start);
    else if (f.type === 'date') { if (!cur) await page.fill(sel, '2026-11-30'); }
    else if (f.type === 'check') { if (f.required) await page.check(sel); }
    else if (f.type === 'select') { if (!cur) await page.selectOption(sel, { index: 1 }); }
    else if (f.type === 'integer') { if (!cur) await page.fill(sel, '1'); }
    else if (f.type === 'money') { if (!cur) await page.fill(sel, '100.00'); }
    else if (!cur) await page.fill(sel, f.type === 'textarea' ? '经现场核查，情况属实，记录如上。' : '现场填写');
  }
}

// 新建文书 on the case page: the type offered, drafted, its form saved.
async function draft(w, cid, name) {
  const { page, tag } = w;
  await page.goto(`${base}/cases/${cid}#documents`);
  const value = await page.$$eval('#f-type_code-new option', (os, n) => (os.find(o => o.textContent.startsWith(n)) || {}).value, name);
  ok(!!value, `${tag}: ${name} offered in 新建文书`);
  if (!value) return { did: 0 };
  await page.selectOption('#f-type_code-new', value);
  await Promise.all([page.waitForNavigation(), page.click('form.doc-new button[type=submit]')]);
  const m = /\/documents\/(\d+)\?ok=created/.exec(page.url());
  ok(!!m, `${tag}: ${name} drafted, on its form`, page.url());
  const did = m ? +m[1] : 0;
  let doc = await jsonOf(page, `/documents/${did}`);
  await fillDraft(page, doc);
  ok(await overflowOf(page) <= 1, `${tag}: ${name}'s form does not scroll sideways`, `${await overflowOf(page)}px`);
  await page.screenshot({ path: `${shots}/walk-${w.proc}-draft-${doc.type_code || did}-${tag}.png`, fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('form.doc-form button[type=submit]:text-is("保存草稿")')]);
  ok(/\?ok=saved$/.test(page.url()), `${tag}: ${name} saved`, page.url() + ' ' + await problems(page));
  doc = await jsonOf(page, `/documents/${did}`);
  return { did, doc };
}

async function sign(w, did, doc, name) {
  const { page, tag, touch } = w;
  await page.goto(`${base}/documents/${did}/sign`);
  await page.waitForSelector('canvas#sig-canvas');
  ok(await page.textContent('#sign-sha256') === doc.content_sha256, `${tag}: ${name}: the hash being signed is shown`);
  const canvas = page.locator('#sig-canvas');
  const cb = await canvas.boundingBox();
  ok(cb && cb.width <= w.viewport.width - 20 && cb.height >= 140, `${tag}: ${name}: the canvas fits the screen`, JSON.stringify(cb));
  if (!(await page.inputValue('#f-signer_name-screen'))) await page.fill('#f-signer_name-screen', '赵小明');
  await canvas.scrollIntoViewIfNeeded();
  await drawSignature(page, canvas, touch);
  await page.screenshot({ path: `${shots}/walk-${w.proc}-sign-${tag}.png`, fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('form[data-sigpad] button[type=submit]')]);
  ok(/\?ok=signed/.test(page.url()), `${tag}: ${name} signed on the screen`, page.url() + ' ' + await problems(page));
  const d = await jsonOf(page, `/documents/${did}`);
  const sig = d.signatures.find(s => s.kind === 'screen');
  ok(sig && sig.current && sig.content_sha256 === d.content_sha256, `${tag}: ${name}: the signature binds the version signed`);
}

async function refuse(w, did, name) {
  const { page, tag } = w;
  await page.goto(`${base}/documents/${did}/sign#refused`);
  await page.fill('#f-refusal_reason-refused', '当事人对记录内容无异议，但拒绝签字，称须请示公司负责人。');
  await page.fill('#f-witness_name-refused', '王五');
  await page.screenshot({ path: `${shots}/walk-${w.proc}-refuse-${tag}.png`, fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('#refused button[type=submit]')]);
  ok(/\?ok=signed/.test(page.url()), `${tag}: ${name}: the refusal noted with its reason`, page.url() + ' ' + await problems(page));
  const d = await jsonOf(page, `/documents/${did}`);
  const ref = d.signatures.find(s => s.kind === 'refused');
  ok(ref && ref.refusal_reason.includes('拒绝签字') && ref.witness_name === '王五', `${tag}: ${name}: the refusal kept with reason and witness`);
}

// The "record as circumstances require" rule met by a stated reason,
// through the form of the case page's 音像记录 section.
async function noRecordingReason(w, cid, did, name) {
  const { page, tag } = w;
  await page.goto(`${base}/cases/${cid}#media`);
  const det = page.locator('details.media-reason');
  if (!(await det.evaluate(d => d.open))) await det.locator('summary').click();
  await page.selectOption('#f-document_id-r', String(did));
  await page.fill('#f-no_recording_reason-r', '当事人在办公室接受询问，文字记录已全面记录执法过程');
  await Promise.all([page.waitForNavigation(), page.click('#media-reason-form button[type=submit]')]);
  ok(/ok=media/.test(page.url()), `${tag}: ${name}: the reason for no recording stated`, page.url() + ' ' + await problems(page));
}

async function finalise(w, did, name, expectRefusal) {
  const { page, tag } = w;
  await page.goto(`${base}/documents/${did}/finalise`);
  ok(await overflowOf(page) <= 1, `${tag}: ${name}: the finalise page does not scroll sideways`);
  await page.fill('#f-password', demoPassword);
  await Promise.all([page.waitForNavigation(), page.click('#finalise-btn')]);
  if (expectRefusal) {
    const msg = await page.textContent('#finalise-error').catch(() => '');
    await page.screenshot({ path: `${shots}/walk-${w.proc}-refused-${tag}.png`, fullPage: true });
    return msg;
  }
  ok(/\?ok=final$/.test(page.url()), `${tag}: ${name} finalised with the password`, page.url() + ' ' + await problems(page));
  await page.screenshot({ path: `${shots}/walk-${w.proc}-final-${did}-${tag}.png`, fullPage: true });
  const latin = await latinOf(page);
  ok(latin.length === 0, `${tag}: ${name}: the finalised document reads in Chinese (no English words)`, latin.join(' '));
  ok(await overflowOf(page) <= 1, `${tag}: ${name}: the finalised document does not scroll sideways`);
  const href = await page.getAttribute('#pdf-link', 'href');
  const pdf = await page.request.get(`${base}${href}`);
  ok(pdf.status() === 200 && /^application\/pdf/.test(pdf.headers()['content-type'] || '') &&
     (await pdf.body()).subarray(0, 5).toString() === '%PDF-', `${tag}: ${name}: its PDF answers 200 application/pdf`,
     `${pdf.status()} ${pdf.headers()['content-type']}`);
  if (pdf.status() === 200) writeFileSync(`${shots}/walk-${w.proc}-${did}.pdf`, await pdf.body());
  const d = await jsonOf(page, `/documents/${did}`);
  ok(d.status === 'final', `${tag}: ${name} is final`, d.status);
  return '';
}

// Advance the case past its stage on the case page (the advance form to `to`).
async function advance(w, cid, to, stageName) {
  const { page, tag } = w;
  await page.goto(`${base}/cases/${cid}#actions`);
  const act = page.locator('details.act[data-action=advance]', { has: page.locator(`input[name=to][value="${to}"]`) });
  ok(await act.count() === 1, `${tag}: the case page offers to leave ${stageName}`);
  if (!(await act.count())) return;
  if (!(await act.evaluate(d => d.open))) await act.locator('summary').click();
  ok(await act.locator('button[type=submit]').isEnabled(), `${tag}: leaving ${stageName} is allowed once its documents are final`,
     await act.locator('ul.needs').textContent().catch(() => ''));
  await Promise.all([page.waitForNavigation(), act.locator('button[type=submit]').click()]);
  ok(page.url().includes('ok=acted'), `${tag}: the case advanced past ${stageName}`, page.url() + ' ' + await problems(page));
  const c = await jsonOf(page, `/cases/${cid}`);
  ok((c.case || c).stage === to, `${tag}: the case is now at ${to}`, (c.case || c).stage);
  ok(await overflowOf(page) <= 1, `${tag}: the case page does not scroll sideways`);
  const latin = await latinOf(page);
  ok(latin.length === 0, `${tag}: the case page reads in Chinese (no English words)`, latin.join(' '));
  await page.screenshot({ path: `${shots}/walk-${w.proc}-advanced-${tag}.png`, fullPage: true });
}

// A real (tiny) WebM video recorded in the browser from a canvas.
async function recordVideo(browser) {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  const b64 = await p.evaluate(async () => {
    const c = document.createElement('canvas');
    c.width = 160; c.height = 120;
    document.body.appendChild(c);
    const g = c.getContext('2d');
    const rec = new MediaRecorder(c.captureStream(10), { mimeType: 'video/webm' });
    const parts = [];
    rec.ondataavailable = e => parts.push(e.data);
    let f = 0;
    const t = setInterval(() => { g.fillStyle = `hsl(${(f++ * 30) % 360},80%,50%)`; g.fillRect(0, 0, 160, 120); }, 50);
    const stopped = new Promise(r => { rec.onstop = r; });
    rec.start(200);
    await new Promise(r => setTimeout(r, 1500));
    rec.stop();
    await stopped;
    clearInterval(t);
    const u8 = new Uint8Array(await new Blob(parts).arrayBuffer());
    let s = '';
    for (let i = 0; i < u8.length; i += 8192) s += String.fromCharCode(...u8.subarray(i, i + 8192));
    return btoa(s);
  });
  await ctx.close();
  return Buffer.from(b64, 'base64');
}

// ---- 行政强制 查封扣押: the demo 黑广播 case, phone ----
async function walkSeizure(browser, viewport, video) {
  const w = { ...(await login(browser, 'wx.li', viewport)), viewport, proc: 'seizure' };
  const { page, tag } = w;
  const cid = await caseByTitle(page, '黑广播');
  ok(cid > 0, `${tag}: the demo seizure case found`);
  let c = await jsonOf(page, `/cases/${cid}`);
  ok((c.case || c).stage === 'seizure', `${tag}: the seizure case is at 实施查封、扣押`, (c.case || c).stage);
  await page.goto(`${base}/cases/${cid}`);
  ok(await overflowOf(page) <= 1, `${tag}: the case page does not scroll sideways`);
  await page.screenshot({ path: `${shots}/walk-seizure-case-${tag}.png`, fullPage: true });

  const dec = await draft(w, cid, '查封扣押决定书');
  ok(dec.doc.definition.recording === 'full', `${tag}: the catalogue marks 查封扣押决定书 for full recording`);
  const msg = await finalise(w, dec.did, '查封扣押决定书', true);
  ok(msg.includes('须全程音像记录') && msg.includes('录像'), `${tag}: finalising without video refused with the missing-video message`, msg);
  ok((await jsonOf(page, `/documents/${dec.did}`)).status === 'draft', `${tag}: the refused 决定书 is still a draft`);
  ok(await overflowOf(page) <= 1, `${tag}: the refusal page does not scroll sideways`);

  // film and upload through the camera form, then attach covering the act
  await page.goto(`${base}/cases/${cid}#media`);
  await page.setInputFiles('#file', { name: "查封现场录像.webm", mimeType: 'video/webm', buffer: video });
  await Promise.all([page.waitForURL(/\/cases\/\d+\?media_file=[0-9a-f]{64}/, { timeout: 30000 }),
                     page.click('#vault-form button[type=submit]')]);
  const sha = new URL(page.url()).searchParams.get('media_file');
  ok(await page.inputValue('#f-file_sha256') === sha, `${tag}: the uploaded video is chosen in the form`);
  await page.fill('#f-recorder_serial', 'DSJ-2026-0031');
  await page.fill('#f-started_at', VIDEO.start);
  await page.fill('#f-ended_at', VIDEO.end);
  await page.fill('#f-place', '官渡区某小区 5 栋楼顶');
  await page.fill('#f-statement_offset_s', VIDEO.statement);
  await page.fill('#f-summary', '李振宇、赵丽萍出示执法证件，说明查封扣押事由，扣押发射设备一套，全程录像');
  await page.screenshot({ path: `${shots}/walk-seizure-media-form-${tag}.png`, fullPage: true });
  await Promise.all([page.waitForURL(/\?ok=media/), page.click('#media-form button[type=submit]')]);
  const item = await page.locator('#media-list .media-item').last().textContent();
  ok(item.includes('录像') && item.includes('DSJ-2026-0031') && item.includes(VIDEO.statement),
     `${tag}: the video is listed with recorder and statement moment`, item);
  await page.locator('#media').screenshot({ path: `${shots}/walk-seizure-media-${tag}.png` });

  await finalise(w, dec.did, '查封扣押决定书', false);

  // the 清单: signed by the party on the screen, covered by the same video
  const list = await draft(w, cid, '查封扣押（场所、设施、财物）清单');
  if (list.did) {
    ok(list.doc.definition.party_signature === true, `${tag}: the 清单 needs the party's signature`);
    await sign(w, list.did, list.doc, '清单');
    await finalise(w, list.did, '清单', false);
  }
  c = await jsonOf(page, `/cases/${cid}`);
  const next = ((c.case || c).actions || []).find(a => a.action === 'advance');
  ok(!!next, `${tag}: an advance offered past 实施查封、扣押`, JSON.stringify((c.case || c).actions));
  if (next) await advance(w, cid, next.to, '实施查封、扣押');
  ok(w.errors.length === 0, `${tag}: seizure: no console or CSP errors`, w.errors.join('\n'));
  await w.ctx.close();
}

// ---- 行政处罚 简易程序: a new on-the-spot case, signed on the phone ----
async function walkSimple(browser, viewport) {
  const w = { ...(await login(browser, 'jn.zhang', viewport)), viewport, proc: 'simple' };
  const { page, tag } = w;
  const cid = await openCase(page, 'penalty_simple', `当场警告（走查，${w.viewport.width < 500 ? '手机' : '桌面'}）`, '', ['张晓峰', '刘海燕']);
  ok(cid > 0, `${tag}: a simple-procedure case opened`);
  const d = await draft(w, cid, '当场行政处罚决定书');
  if (d.did) {
    if (d.doc.definition.party_signature) await sign(w, d.did, d.doc, '当场行政处罚决定书');
    await finalise(w, d.did, '当场行政处罚决定书', false);
    await advance(w, cid, 'record', '当场处罚');
  }
  ok(w.errors.length === 0, `${tag}: simple: no console or CSP errors`, w.errors.join('\n'));
  await w.ctx.close();
}

// ---- 行政处罚 普通程序: the demo case at 听证 (hearing record refused) and
// the one at 法制审核 (呈批表), at the desk ----
async function walkGeneral(browser, viewport) {
  let w = { ...(await login(browser, 'jn.zhang', viewport)), viewport, proc: 'general' };
  let cid = await caseByTitle(w.page, '云岭水泥');
  ok(cid > 0, `${w.tag}: the demo penalty case at 听证 found`);
  let d = await draft(w, cid, '听证笔录');
  if (d.did) {
    ok(d.doc.definition.party_signature === true, `${w.tag}: 听证笔录 needs the party's signature`);
    await refuse(w, d.did, '听证笔录');
    if (d.doc.definition.recording === 'as_needed') await noRecordingReason(w, cid, d.did, '听证笔录');
    await finalise(w, d.did, '听证笔录', false);
  }
  ok(w.errors.length === 0, `${w.tag}: general: no console or CSP errors`, w.errors.join('\n'));
  await w.ctx.close();

  w = { ...(await login(browser, 'wx.zhao', viewport)), viewport, proc: 'general-review' };
  cid = await caseByTitle(w.page, '恒通');
  ok(cid > 0, `${w.tag}: the demo penalty case at 法制审核 found`);
  d = await draft(w, cid, '案件处理呈批表');
  if (d.did) await finalise(w, d.did, '案件处理呈批表', false);
  ok(w.errors.length === 0, `${w.tag}: general review: no console or CSP errors`, w.errors.join('\n'));
  await w.ctx.close();
}

// ---- 行政许可: the demo licence under 审查, to 准予 and its 决定书, desk ----
async function walkLicence(browser, viewport) {
  const w = { ...(await login(browser, 'aq.ma', viewport)), viewport, proc: 'licence' };
  const { page, tag } = w;
  const cid = await caseByTitle(page, '乳化炸药');
  ok(cid > 0, `${tag}: the demo licence case found`);
  await advance(w, cid, 'granted', '审查');
  const d = await draft(w, cid, '准予行政许可决定书');
  if (d.did) await finalise(w, d.did, '准予行政许可决定书', false);
  ok(w.errors.length === 0, `${tag}: licence: no console or CSP errors`, w.errors.join('\n'));
  await w.ctx.close();
}

// ---- 行政检查: a new inspection, its 现场笔录 refused by the party, phone ----
async function walkInspection(browser, viewport) {
  const w = { ...(await login(browser, 'aq.ma', viewport)), viewport, proc: 'inspection' };
  const { page, tag } = w;
  const cid = await openCase(page, 'inspection', `民爆企业现场检查（走查，${w.viewport.width < 500 ? '手机' : '桌面'}）`, '民用爆炸物品生产、销售安全监督检查', ['马建军', '朱文斌']);
  ok(cid > 0, `${tag}: an inspection case opened`);
  if (cid) {
    await advance(w, cid, 'inspection', '检查准备');
    const d = await draft(w, cid, '现场笔录');
    if (d.did) {
      await refuse(w, d.did, '现场笔录');
      if (d.doc.definition.recording === 'as_needed') await noRecordingReason(w, cid, d.did, '现场笔录');
      await finalise(w, d.did, '现场笔录', false);
    }
  }
  ok(w.errors.length === 0, `${tag}: inspection: no console or CSP errors`, w.errors.join('\n'));
  await w.ctx.close();
}

const browser = await launch();
try {
  const video = await recordVideo(browser);
  ok(video.length > 1000 && video.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])),
     'a real WebM video recorded in the browser', `${video.length} bytes`);
  await walkSeizure(browser, PHONE, video);
  await walkSimple(browser, PHONE);
  await walkGeneral(browser, DESK);
  await walkLicence(browser, DESK);
  await walkInspection(browser, PHONE);
} catch (e) {
  ok(false, 'the walk completed', e.stack);
} finally {
  await browser.close();
}
done();
