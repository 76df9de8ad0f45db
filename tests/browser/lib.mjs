// lib.mjs - what every browser test shares: the server under test
// (ZHIFA_URL), the screenshot folder, the demo password, TAP output
// (ok / done) and Debian's chromium launched headless by Playwright.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

export const base = process.env.ZHIFA_URL;
export const shots = process.env.ZHIFA_SHOTS || '../../build/screenshots';
export const demoPassword = process.env.ZHIFA_DEMO_PASSWORD || 'Zhifa@2026demo';
mkdirSync(shots, { recursive: true });

let n = 0, failed = 0;
// One TAP line; a failure prints diag as a comment.
export function ok(cond, name, diag) {
  n++;
  console.log(`${cond ? '' : 'not '}ok ${n} - ${name}`);
  if (!cond) { failed++; if (diag) console.log('# ' + String(diag).replace(/\n/g, '\n# ')); }
}
// The plan, then exit 1 if any check failed.
export function done() {
  console.log(`1..${n}`);
  process.exit(failed ? 1 : 0);
}
export function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
