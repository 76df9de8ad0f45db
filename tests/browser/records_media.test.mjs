// records_media.test.mjs - audio-visual records and 出示证件 in Debian's
// chromium, driven by Playwright, on a phone (390 px) and at a desk
// (1280 px): an officer of the demo seizure case opens the case, takes a
// video with the camera input (here: a file set on it), watches the
// resumable upload come back to the case with the file chosen, attaches it
// with recorder, times, place, statement moment and summary, sees it
// listed; a bad statement moment is refused beside its field; the
// 出示证件 screen shows both officers' certificates with photo slot, name,
// number, body, validity and a QR code that loads.  No horizontal
// scrolling, no console or CSP errors.  Screenshots under
// build/screenshots/media-*.png.  Prints TAP.
// Usage: ZHIFA_URL=http://127.0.0.1:PORT node records_media.test.mjs
import { base, shots, ok, done, launch, demoPassword } from './lib.mjs';

// A minimal MP4 head (ftyp box) that the vault recognises as video/mp4, unique per tag.
function mp4(tag) {
  const head = Buffer.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x6d, 0x70, 0x34, 0x32, 0, 0, 0, 0,
                            0x6d, 0x70, 0x34, 0x32, 0x69, 0x73, 0x6f, 0x6d]);
  return Buffer.concat([head, Buffer.alloc(64 * 1024, tag)]);
}

// Beijing time "YYYY-MM-DDTHH:MM" of now minus h hours (a datetime-local value).
function beijing(h) {
  const d = new Date(Date.now() - h * 3600 * 1000 + 8 * 3600 * 1000);
  return d.toISOString().slice(0, 16);
}

async function overflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

const browser = await launch();
try {
  for (const [width, height, tag] of [[390, 844, 'phone'], [1280, 900, 'desktop']]) {
    const ctx = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN',
                                           isMobile: tag === 'phone', hasTouch: tag === 'phone' });
    const page = await ctx.newPage();
    const errors = [];
    page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', e => errors.push(String(e)));
    await page.goto(`${base}/login`);
    await page.fill('#username', 'wx.li');
    await page.fill('#password', demoPassword);
    await Promise.all([page.waitForNavigation(), page.press('#password', 'Enter')]);
    const list = await (await page.request.get(`${base}/api/v1/cases?q=${encodeURIComponent('黑广播')}`,
                                               { headers: { Accept: 'application/json' } })).json();
    const id = list.items[0].id;

    // the case page's section with the camera input
    let resp = await page.goto(`${base}/cases/${id}`);
    ok(resp.status() === 200, `${tag}: the case page answers 200`);
    ok(await page.isVisible('#media'), `${tag}: the 音像记录 section is shown`);
    ok(await page.getAttribute('#file', 'capture') === 'environment' &&
       await page.getAttribute('#file', 'accept') === 'video/*,image/*', `${tag}: the file input opens the camera`);
    ok(await page.isVisible('#tus-upload'), `${tag}: the resumable upload with its progress bar is active`);

    // "film" and upload: tus, progress, back to the case with the file chosen
    await page.setInputFiles('#file', { name: `现场录像-${tag}.mp4`, mimeType: 'video/mp4', buffer: mp4(tag === 'phone' ? 1 : 2) });
    await Promise.all([page.waitForURL(/\/cases\/\d+\?media_file=[0-9a-f]{64}/, { timeout: 30000 }),
                       page.click('#vault-form button[type=submit]')]);
    const sha = new URL(page.url()).searchParams.get('media_file');
    ok(await page.inputValue('#f-file_sha256') === sha, `${tag}: after the upload the new file is chosen in the form`);

    // a statement moment past the end is refused beside its field
    await page.fill('#f-recorder_serial', 'DSJ-2026-0031');
    await page.fill('#f-started_at', beijing(3));
    await page.fill('#f-ended_at', beijing(2.5));
    await page.fill('#f-place', '官渡区某小区 5 栋楼顶');
    await page.fill('#f-statement_offset_s', '01:00:00');
    await page.fill('#f-summary', '李振宇、赵丽萍出示执法证件，说明扣押事由，扣押发射设备一套');
    await Promise.all([page.waitForNavigation(), page.click('#media-form button[type=submit]')]);
    const errText = await page.textContent('#e-statement_offset_s').catch(() => '');
    ok(errText.includes('语音说明的时刻须在记录之内'), `${tag}: the statement moment is refused beside its field`, errText);
    ok(await page.inputValue('#f-recorder_serial') === 'DSJ-2026-0031', `${tag}: what was typed is kept`);
    await page.screenshot({ path: `${shots}/media-${tag}-refused.png`, fullPage: true });
    // the refused POST answers 400 on purpose: chromium logs that status as a console error
    const refusedLog = errors.findIndex(e => e.includes('status of 400'));
    if (refusedLog >= 0) errors.splice(refusedLog, 1);
    await page.fill('#f-statement_offset_s', '00:00:15');
    await Promise.all([page.waitForURL(/\?ok=media/), page.click('#media-form button[type=submit]')]);
    const item = page.locator('#media-list .media-item').last();
    const itemText = await item.textContent();
    ok(itemText.includes('录像') && itemText.includes('DSJ-2026-0031') && itemText.includes('00:00:15') &&
       itemText.includes('李振宇'), `${tag}: the recording is listed with recorder, statement moment and officers`, itemText);
    ok(await overflow(page) <= 1, `${tag}: the case page has no horizontal scrolling`, `${await overflow(page)}px`);
    await page.locator('#media').screenshot({ path: `${shots}/media-${tag}-section.png` });

    // 出示证件
    resp = await page.goto(`${base}/cases/${id}/credentials`);
    ok(resp.status() === 200, `${tag}: 出示证件 answers 200`);
    const cards = page.locator('.show-cred');
    ok(await cards.count() === 2, `${tag}: both officers' certificates`);
    const text = await page.textContent('main');
    ok(text.includes('李振宇') && text.includes('赵丽萍') && text.includes('执法证号') && text.includes('有效期'),
       `${tag}: names, certificate numbers and validity`, text.slice(0, 400));
    const qrs = await page.$$eval('.show-cred-qr img', imgs => imgs.map(i => [i.complete && i.naturalWidth > 0,
                                                                             i.getBoundingClientRect().width]));
    ok(qrs.length === 2 && qrs.every(q => q[0] && q[1] >= 200), `${tag}: two QR codes, loaded, at least 200 px wide`,
       JSON.stringify(qrs));
    ok(await overflow(page) <= 1, `${tag}: 出示证件 has no horizontal scrolling`, `${await overflow(page)}px`);
    if (tag === 'phone') {
      const w = await cards.first().evaluate(e => e.getBoundingClientRect().width);
      ok(w >= 340, `phone: a certificate fills the screen's width (${w} px)`);
    }
    await page.screenshot({ path: `${shots}/media-${tag}-credentials.png`, fullPage: true });
    ok(errors.length === 0, `${tag}: no console or CSP errors`, errors.join('\n'));
    await ctx.close();
  }
} finally {
  await browser.close();
}
done();
