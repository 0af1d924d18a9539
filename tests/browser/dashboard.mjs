// The dashboard in a real browser: Debian's chromium, driven by puppeteer-core (pinned by
// package-lock.json). Run by tests/integration/test_dashboard_browser.c:
//   node dashboard.mjs URL ROOM SHOTS_DIR [USER PASSWORD]
// Loads the page at the phone, tablet and TV sizes and checks the layouts (every room shown;
// the TV without scrolling; the phone without sideways scrolling), saving a screenshot of
// each into SHOTS_DIR. Then prints "ready ROOM=N" and waits (up to 20 s) until ROOM's number
// on the page changes, which the test causes by a scan at a kiosk; prints "changed ROOM=M
// after T ms". With USER and PASSWORD it then logs in through the form, waits for the alerts
// strip (prints "alerts: A | B | ...") and checks the TV layout again with it, then opens the
// Kiosks page on the tablet (prints "kiosks: CELL / CELL ... | ..."). Exits 0; any
// failure exits 1 with the reason. Last it prints "stop the database" and waits until the
// page says "No connection since HH:MM", then (the test restarts the database) "Live".
import { fail, launch } from './launch.mjs';

const [url, room, shots, user, password] = process.argv.slice(2);

const browser = await launch();
const timer = setTimeout(() => fail('timed out'), 60000);
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const sizes = [
    ['phone', 360, 740, 2], ['tablet', 1024, 768, 1], ['tv', 1920, 1080, 1],
  ];
  let rooms = 0;
  for (const [name, width, height, scale] of sizes) {
    await page.setViewport({ width, height, deviceScaleFactor: scale });
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector(`[data-room="${room}"] .occ`, { timeout: 10000 });
    await page.waitForFunction(() => document.querySelector('#status').textContent !== '');
    const m = await page.evaluate(() => ({
      rooms: document.querySelectorAll('.room').length,
      sw: document.documentElement.scrollWidth, sh: document.documentElement.scrollHeight,
      w: innerWidth, h: innerHeight,
      hidden: [...document.querySelectorAll('.room')].filter((r) => {
        const b = r.getBoundingClientRect();
        return b.bottom > innerHeight + 1 || b.right > innerWidth + 1;
      }).length,
    }));
    rooms = m.rooms;
    if (m.sw > m.w) fail(`${name}: the page scrolls sideways (${m.sw} > ${m.w} px)`);
    if (name === 'tv' && (m.sh > m.h || m.hidden > 0))
      fail(`tv: ${m.hidden} of ${m.rooms} rooms off the screen (page ${m.sh} px high)`);
    await page.screenshot({ path: `${shots}/dashboard-${name}.png` });
    console.log(`layout ${name} ${width}x${height}: ${m.rooms} rooms, page ${m.sw}x${m.sh}`);
  }
  const count = () => page.$eval(`[data-room="${room}"] .occ`, (e) => e.textContent);
  const before = await count();
  console.log(`ready ${room}=${before} rooms=${rooms}`);
  const t0 = Date.now();
  await page.waitForFunction(
    (r, b) => document.querySelector(`[data-room="${r}"] .occ`).textContent !== b,
    { timeout: 20000, polling: 'mutation' }, room, before);
  console.log(`changed ${room}=${await count()} after ${Date.now() - t0} ms`);
  if (user) {
    await page.goto(new URL('/login', url).href, { waitUntil: 'domcontentloaded' });
    await page.type('input[name=name]', user);
    await page.type('input[name=password]', password);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    await page.waitForSelector('#alerts li', { timeout: 10000 });
    await page.waitForSelector(`[data-room="${room}"] .occ`, { timeout: 10000 });
    const items = await page.$$eval('#alerts li', (els) => els.map((e) => e.textContent));
    console.log('alerts: ' + items.join(' | '));
    const m = await page.evaluate(() => ({
      sh: document.documentElement.scrollHeight, h: innerHeight,
      logout: !document.querySelector('#logout').hidden,
    }));
    if (m.sh > m.h) fail(`tv with alerts: the page scrolls (${m.sh} > ${m.h} px)`);
    if (!m.logout) fail('logged in, but no way to log out');
    await page.screenshot({ path: `${shots}/dashboard-tv-staff.png` });
    // The Kiosks page (tablet): one row per kiosk, from the sync daemons' heartbeats.
    await page.setViewport({ width: 1024, height: 768, deviceScaleFactor: 1 });
    await page.goto(new URL('/kiosks', url).href, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#kiosks tbody tr td.k-version', { timeout: 10000 });
    const kiosks = await page.$$eval('#kiosks tbody tr',
      (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent).join(' / ')));
    console.log('kiosks: ' + kiosks.join(' | '));
    const kw = await page.evaluate(() => document.documentElement.scrollWidth);
    if (kw > 1024) fail(`kiosks: the page scrolls sideways (${kw} px)`);
    await page.screenshot({ path: `${shots}/dashboard-kiosks.png` });
    await page.setViewport({ width: 1920, height: 1080, deviceScaleFactor: 1 });
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector(`[data-room="${room}"] .occ`, { timeout: 10000 });
  }
  // The database goes away (the test stops it on this line) and comes back.
  console.log('stop the database');
  await page.waitForFunction(
    () => /^No connection since \d\d:\d\d$/.test(document.querySelector('#status').textContent),
    { timeout: 30000, polling: 'mutation' });
  console.log('page says: ' + await page.$eval('#status', (e) => e.textContent));
  await page.waitForFunction(() => document.querySelector('#status').textContent === 'Live',
    { timeout: 30000, polling: 'mutation' });
  console.log('page says again: Live');
  if (errors.length) fail('errors on the page: ' + errors.join('; '));
} catch (e) {
  fail(String(e));
} finally {
  clearTimeout(timer);
  await browser.close();
}
