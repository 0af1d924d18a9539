// report.html (portier report) in a real browser: Debian's chromium, driven by puppeteer-core.
// Run by tests/integration/test_report_html.c:
//   node report.mjs FILE DIR
// For a desktop window (1280 px) and a phone (390 px): prints "width W: scroll S" (the page's
// scrollWidth: equal to W when nothing makes the page scroll sideways) and, when something
// does, "width W: overflows: TAG.class RIGHT | ..." (the elements past the window's right edge
// outside a box of their own that scrolls); saves screenshots into DIR. Exits 0; a page error
// exits 1 with the reason.
import { fail, launch } from './launch.mjs';

const [file, dir] = process.argv.slice(2);
const browser = await launch();
const timer = setTimeout(() => fail('timed out'), 90000);
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  for (const width of [1280, 390]) {
    await page.setViewport({ width, height: 900, deviceScaleFactor: 1 });
    await page.goto('file://' + file, { waitUntil: 'load' });
    const { scroll, over } = await page.evaluate(() => {
      const right = document.documentElement.clientWidth;
      const scrolls = (e) => {
        for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
          if (getComputedStyle(p).overflowX !== 'visible') return true;
        }
        return false;
      };
      const over = [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > right + 0.5 && !scrolls(e))
        .slice(0, 6)
        .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`);
      return { scroll: document.documentElement.scrollWidth, over };
    });
    console.log(`width ${width}: scroll ${scroll}`);
    if (over.length > 0) console.log(`width ${width}: overflows: ${over.join(' | ')}`);
    await page.screenshot({ path: `${dir}/report-${width}.png`, fullPage: false });
  }
  if (errors.length > 0) fail('page errors: ' + errors.join(' | '));
} catch (e) {
  fail(String(e));
} finally {
  clearTimeout(timer);
  await browser.close();
}
