// vault.test.mjs - the evidence vault in Debian's chromium, driven by
// Playwright: an officer uploads a photo with a description (resumable
// upload with progress), sees it listed by name, kind, size and person,
// opens the file page with the picture shown in place, and a file whose
// content is not what its name says is refused with a plain message; at
// desktop and phone width, without horizontal scrolling or console/CSP
// errors.  Screenshots under build/screenshots/vault-*.png.  Prints TAP.
// Usage: ZHIFA_URL=http://127.0.0.1:PORT node vault.test.mjs
import { base, shots, ok, done, launch, demoPassword } from './lib.mjs';
import { deflateSync } from 'node:zlib';


// A real PNG (w x h, RGB), different per seed.
function crc32(buf) {
  let c, crc = 0xffffffff;
  for (const b of buf) {
    c = (crc ^ b) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(w, h, seed) {
  const rows = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) {
      row[1 + x * 3] = (x * 4 + seed) & 255; row[2 + x * 3] = (y * 5) & 255; row[3 + x * 3] = (x * y + seed) & 255;
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
                        chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

const browser = await launch();
try {
  let seed = 1;
  for (const [width, height, tag] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
    const ctx = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
    const page = await ctx.newPage();
    const errors = [];
    page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', e => errors.push(String(e)));
    await page.goto(`${base}/login`);
    await page.fill('#username', 'jn.zhang');
    await page.fill('#password', demoPassword);
    await Promise.all([page.waitForNavigation(), page.press('#password', 'Enter')]);
    const resp = await page.goto(`${base}/admin/vault`);
    ok(resp.status() === 200, `${tag}: /admin/vault answers 200`, resp.status());
    ok(await page.isVisible('#tus-upload'), `${tag}: the resumable upload is active (JavaScript)`);

    // a photo with a description
    const name = `现场照片-${tag}.png`;
    const desc = `${tag} 门口监控截图，当事人王某在场`;
    await page.fill('#description', desc);
    await page.setInputFiles('#file', { name, mimeType: 'image/png', buffer: png(320, 200, seed++) });
    await Promise.all([page.waitForURL(/\/admin\/vault\?ok=[0-9a-f]{64}/, { timeout: 30000 }),
                       page.click('#vault-form button[type=submit]')]);
    const status = await page.textContent('main');
    ok(status.includes('已保存') && status.includes(name), `${tag}: confirmation names the file`, status.slice(0, 400));
    const row = page.locator('table.files tbody tr', { hasText: name });
    ok(await row.count() === 1, `${tag}: the list shows the original name`);
    const rowText = row.count() ? await row.first().textContent() : '';
    ok(rowText.includes(desc) && rowText.includes('图片') && /\d+(\.\d)? KB/.test(rowText) && rowText.includes('张'),
       `${tag}: description, kind 图片, size in KB and the officer's name`, rowText);
    const text = await page.textContent('main');
    ok(!text.includes('账本叶子') && !text.includes('image/png'), `${tag}: no 账本叶子 and no type codes`);
    let overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    ok(overflow <= 1, `${tag}: vault page has no horizontal scrolling`, `overflow ${overflow}px`);
    ok(errors.length === 0, `${tag}: no console or CSP errors on the vault page`, errors.join('\n'));
    await page.screenshot({ path: `${shots}/vault-${tag}-list.png`, fullPage: true });

    // the file page shows the picture in place
    errors.length = 0;
    await row.first().locator('a', { hasText: name }).click();
    await page.waitForLoadState('load');
    const imgOk = await page.evaluate(() => { const i = document.querySelector('.vault-preview img'); return !!i && i.complete && i.naturalWidth === 320; });
    ok(imgOk, `${tag}: the file page shows the picture`);
    const ftext = await page.textContent('main');
    ok(ftext.includes('存证序号') && ftext.includes(desc) && ftext.includes('下载文件'), `${tag}: file page: 存证序号, description, download`, ftext.slice(0, 500));
    overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    ok(overflow <= 1, `${tag}: file page has no horizontal scrolling`, `overflow ${overflow}px`);
    ok(errors.length === 0, `${tag}: no console or CSP errors on the file page`, errors.join('\n'));
    await page.screenshot({ path: `${shots}/vault-${tag}-file.png`, fullPage: true });
    const dl = await page.request.get(page.url() + '/download');
    ok(dl.status() === 200 && /^attachment;/.test(dl.headers()['content-disposition'] || ''), `${tag}: download is an attachment`);

    // a text file claiming to be a picture is refused at once, in plain words
    await page.goto(`${base}/admin/vault`);
    await page.setInputFiles('#file', { name: `伪装-${tag}.png`, mimeType: 'image/png', buffer: Buffer.from('这不是图片，只是文字。\n'.repeat(2000)) });
    await page.click('#vault-form button[type=submit]');
    await page.locator('#tus-status', { hasText: '上传失败' }).waitFor({ timeout: 30000 });
    const msg = await page.textContent('#tus-status');
    ok(msg.includes('文件内容不是所声明的 PNG 图片格式'), `${tag}: mislabelled file refused in plain words`, msg);
    await page.screenshot({ path: `${shots}/vault-${tag}-refused.png`, fullPage: true });
    await ctx.close();
  }
} catch (e) {
  ok(false, 'browser test ran to the end', e.stack);
} finally {
  await browser.close();
}
done();
