// portal_walk.test.mjs - the walk-through of the portal and the people
// pages in Debian's chromium, driven by Playwright: at phone width (390 px)
// portal tables are cards (no horizontal scrolling, every status badge
// inside the screen, no word broken inside a badge), breadcrumbs on list
// pages, contrast of the focus ring and the badges computed from the CSS
// as the browser applies it (WCAG AA), the 筛选 button as tall as its
// select, the loopback public_url warning on the dashboard and print page;
// screenshots of each page at desk (1280) and phone width under
// build/screenshots/walk-*.png.  Prints TAP.
// Usage: ZHIFA_URL=http://127.0.0.1:PORT node portal_walk.test.mjs
import { base, shots, ok, done, launch, demoPassword } from './lib.mjs';
import { deflateSync } from 'node:zlib';


// WCAG 2 relative luminance and contrast of two CSS rgb()/rgba() colours.
function rgb(s) { const m = s.match(/rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/); return m ? [+m[1], +m[2], +m[3]] : null; }
function lum([r, g, b]) {
  const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}
// A small PNG portrait (a head and shoulders in grey on blue) for the photo upload.
function crc32(buf) { let c, crc = ~0; for (const b of buf) { c = (crc ^ b) & 0xff; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; crc = (crc >>> 8) ^ c; } return ~crc >>> 0; }
function chunk(type, data) { const len = Buffer.alloc(4); len.writeUInt32BE(data.length); const td = Buffer.concat([Buffer.from(type), data]); const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td)); return Buffer.concat([len, td, crc]); }
function portrait(w = 150, h = 210) {
  const rows = [];
  for (let y = 0; y < h; y++) {
    const row = [0];
    for (let x = 0; x < w; x++) {
      const head = (x - w / 2) ** 2 / 900 + (y - 80) ** 2 / 1600 < 1, body = y > 140 && Math.abs(x - w / 2) < 20 + (y - 140);
      row.push(...(head ? [222, 190, 160] : body ? [40, 50, 70] : [120, 160, 210]));
    }
    rows.push(Buffer.from(row));
  }
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
                        chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}
function contrast(a, b) { const x = lum(rgb(a)), y = lum(rgb(b)); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); }

const browser = await launch();
try {
  const matters = await (await fetch(`${base}/api/v1/portal/matters`)).json();
  const all = (await (await fetch(`${base}/api/v1/portal/officers?all=1`)).json()).officers;
  const valid = all.find(o => o.status === 'valid');
  const revoked = all.find(o => o.status === 'revoked');
  const pages = [
    ['home', '/'], ['bodies', '/portal/bodies'], ['officers', '/portal/officers'],
    ['officers-all', '/portal/officers?all=1'], ['matters', '/portal/matters'],
    ['matter', `/portal/matters/${matters.items[0].id}`],
    ['search-explosive', '/portal/search?q=' + encodeURIComponent('爆炸')],
    ['search-minbao', '/portal/search?q=' + encodeURIComponent('民爆')],
    ['verify', `/verify/c/${valid.token}`], ['verify-revoked', `/verify/c/${revoked.token}`],
    ['api', '/api/v1/'],
  ];
  for (const [width, height, tag] of [[1280, 900, 'desk'], [390, 844, 'phone']]) {
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
      // Every status badge is on screen (not pushed off to the right) and on one line.
      const badges = await page.$$eval('main .badge', els => els.map(e => {
        const r = e.getBoundingClientRect();
        return { left: r.left, right: r.right, h: r.height, lh: parseFloat(getComputedStyle(e).lineHeight) || 20, text: e.textContent };
      }));
      const off = badges.filter(b => b.left < 0 || b.right > window_width(width));
      ok(off.length === 0, `${tag} ${name}: every status badge is within the ${width}px screen (${badges.length})`, JSON.stringify(off));
      const broken = badges.filter(b => b.h > 2 * b.lh);
      ok(broken.length === 0, `${tag} ${name}: no badge text broken over lines`, JSON.stringify(broken));
      await page.screenshot({ path: `${shots}/walk-${tag}-${name}.png`, fullPage: true });
      if (tag === 'phone') { // what a phone shows: the first screen, and the first table or card
        await page.screenshot({ path: `${shots}/walk-${tag}-${name}-screen.png` });
        const t = await page.$('main table, main .card');
        if (t) { await t.scrollIntoViewIfNeeded(); await page.screenshot({ path: `${shots}/walk-${tag}-${name}-table.png` }); }
      }
    }
    if (tag === 'phone') {
      await page.goto(`${base}/portal/officers`);
      const layout = await page.$eval('main table.cards tbody tr', tr => ({
        display: getComputedStyle(tr).display, width: tr.getBoundingClientRect().width,
        thead: document.querySelector('main table.cards thead').getBoundingClientRect().height,
        label: getComputedStyle(tr.querySelector('td'), '::before').content,
      }));
      ok(layout.display === 'block' && layout.width <= 390 && layout.thead <= 1, 'phone: each officer row is a card', JSON.stringify(layout));
      ok(/状态/.test(layout.label), 'phone: card cells are labelled', layout.label);
      // A word is not broken in the middle: the cert number and the name stay on one line.
      const lines = await page.$$eval('main table.cards tbody tr', trs => trs.map(tr => {
        const a = tr.querySelector('a.nowrap'); const r = a.getBoundingClientRect();
        return { no: a.textContent, h: r.height, lh: parseFloat(getComputedStyle(a).lineHeight) };
      }));
      ok(lines.every(l => l.h <= l.lh * 1.5), 'phone: certificate numbers are never split', JSON.stringify(lines.filter(l => l.h > l.lh * 1.5)));
    }
    await ctx.close();
  }

  // Breadcrumbs on the portal list pages.
  {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    for (const path of ['/portal/bodies', '/portal/officers', '/portal/matters', '/portal/guides', '/portal/inspections']) {
      await page.goto(base + path);
      const crumb = await page.$eval('nav.crumbs', e => e.textContent).catch(() => '');
      ok(crumb.startsWith('首页'), `breadcrumbs on ${path}: ${crumb}`);
    }
    // Contrast computed from the CSS the browser applies.
    await page.goto(`${base}/portal/officers`);
    const amber = await page.$eval('.badge.suspended', e => ({ fg: getComputedStyle(e).color, bg: getComputedStyle(e).backgroundColor }));
    const ca = contrast(amber.fg, amber.bg);
    ok(ca >= 4.5, `amber badge text ${amber.fg} on ${amber.bg}: ${ca.toFixed(2)}:1 >= 4.5`);
    for (const cls of ['valid', 'suspended']) {
      const b = await page.$eval(`.badge.${cls}`, e => ({ fg: getComputedStyle(e).color, bg: getComputedStyle(e).backgroundColor }));
      ok(contrast(b.fg, b.bg) >= 4.5, `badge ${cls}: ${contrast(b.fg, b.bg).toFixed(2)}:1 >= 4.5`);
    }
    await page.goto(`${base}/portal/officers?all=1`);
    for (const cls of ['revoked', 'expired']) {
      const b = await page.$eval(`.badge.${cls}`, e => ({ fg: getComputedStyle(e).color, bg: getComputedStyle(e).backgroundColor }));
      ok(contrast(b.fg, b.bg) >= 4.5, `badge ${cls}: ${contrast(b.fg, b.bg).toFixed(2)}:1 >= 4.5`);
    }
    await page.focus('main a');
    const ring = await page.$eval('main a', e => {
      const s = getComputedStyle(e);
      return { color: s.outlineColor, width: parseFloat(s.outlineWidth), style: s.outlineStyle,
               bg: getComputedStyle(document.querySelector('main')).backgroundColor, body: getComputedStyle(document.body).backgroundColor };
    });
    const white = 'rgb(255, 255, 255)';
    ok(ring.style !== 'none' && ring.width >= 2, `focus ring drawn (${ring.style} ${ring.width}px)`);
    ok(contrast(ring.color, white) >= 3, `focus ring ${ring.color} on white: ${contrast(ring.color, white).toFixed(2)}:1 >= 3`);
    ok(contrast(ring.color, ring.body) >= 3, `focus ring on the page background ${ring.body}: ${contrast(ring.color, ring.body).toFixed(2)}:1 >= 3`);
    await page.focus('header.site nav a');
    const hring = await page.$eval('header.site nav a', e => ({ color: getComputedStyle(e).outlineColor,
      bg: getComputedStyle(document.querySelector('header.site')).backgroundColor }));
    ok(contrast(hring.color, hring.bg) >= 3, `focus ring in the header on ${hring.bg}: ${contrast(hring.color, hring.bg).toFixed(2)}:1 >= 3`);
    await ctx.close();
  }

  // The back office: dashboard warning, print page, unit form, users filter, statistics error.
  {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(`${base}/login`);
    await page.fill('#username', 'admin');
    await page.fill('#password', demoPassword);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    ok(page.url().includes('/admin'), 'admin logs in', page.url());
    const dash = await page.textContent('main');
    ok(dash.includes('public_url') && dash.includes('无法打开'), 'dashboard flags the loopback public_url');
    await page.screenshot({ path: `${shots}/walk-desk-admin.png`, fullPage: true });
    const certs = (await (await page.request.get(`${base}/admin/officers`, { headers: { Accept: 'application/json' } })).json()).certs;
    const c = certs.find(x => x.status === 'valid');
    await page.goto(`${base}/admin/officers/${c.id}/print`);
    ok(await page.isVisible('#qr-local'), 'print page warns that the QR code will not work outside');
    ok((await page.textContent('.cert-card')).includes('二维码仅限本机'), 'the card itself says so');
    await page.screenshot({ path: `${shots}/walk-desk-print.png`, fullPage: true });
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: `${shots}/walk-desk-print-media.png`, fullPage: true });
    ok(!(await page.isVisible('#qr-local')) && (await page.isVisible('.cert-qr-local')), 'printed: the note on the card, not the screen warning');
    await page.emulateMedia({ media: 'screen' });
    await page.goto(`${base}/admin/officers/${c.id}`);
    await page.setInputFiles('#photo', { name: 'zhengjianzhao.png', mimeType: 'image/png', buffer: portrait() });
    await Promise.all([page.waitForNavigation(), page.click('#photo-section button[type=submit]')]);
    ok(await page.isVisible('img.cert-photo-img'), 'photo uploaded from the certificate page');
    const loaded = await page.$eval('img.cert-photo-img', i => i.complete && i.naturalWidth === 150);
    ok(loaded, 'and the browser shows it');
    await page.screenshot({ path: `${shots}/walk-desk-officer.png`, fullPage: true });
    await page.goto(`${base}/admin/officers/${c.id}/print`);
    ok(await page.$eval('.cert-card img.cert-photo', i => i.complete && i.naturalWidth === 150), 'the printed card shows the photo');
    await page.screenshot({ path: `${shots}/walk-desk-print-photo.png`, fullPage: true });
    {
      const pctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const pp = await pctx.newPage();
      await pp.goto(`${base}${c.verify_path}`);
      ok(await pp.$eval('img.verify-photo', i => i.complete && i.naturalWidth === 150), 'the public credential page shows the photo');
      await pp.screenshot({ path: `${shots}/walk-phone-verify-photo.png`, fullPage: true });
      await pctx.close();
    }
    await page.goto(`${base}/admin/units/1`);
    ok(await page.isVisible('#complaint_phone'), 'unit form has the complaint phone');
    await page.screenshot({ path: `${shots}/walk-desk-unit.png`, fullPage: true });
    await page.goto(`${base}/admin/users`);
    const hs = await page.evaluate(() => {
      const f = document.querySelector('main form.search');
      const s = f.querySelector('select').getBoundingClientRect(), b = f.querySelector('button').getBoundingClientRect();
      return { select: s.height, button: b.height, sb: s.bottom, bb: b.bottom };
    });
    ok(Math.abs(hs.select - hs.button) <= 2 && Math.abs(hs.sb - hs.bb) <= 2, `/admin/users: 筛选 is as tall as its select and level with it`, JSON.stringify(hs));
    await page.screenshot({ path: `${shots}/walk-desk-users.png` });
    const resp = await page.goto(`${base}/admin/deadlines?from=2026-10&to=2026-01`);
    ok(resp.status() === 400, 'reversed statistics range: 400', resp.status());
    ok(await page.isVisible('#stats-error') && await page.isVisible('form.search input#to[aria-invalid=true]'),
       'the message is on the form, which is still there');
    await page.screenshot({ path: `${shots}/walk-desk-stats-error.png`, fullPage: true });
    await ctx.close();
  }
} catch (e) {
  ok(false, 'browser test ran to the end', e.stack);
} finally {
  await browser.close();
}
function window_width(w) { return w; }
done();
