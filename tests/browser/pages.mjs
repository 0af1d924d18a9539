// The dashboard's Alerts, People and Reports pages in a real browser: Debian's chromium, driven
// by puppeteer-core (pinned by package-lock.json). Run by
// tests/integration/test_dashboard_pages_browser.c:
//   node pages.mjs BASE_URL DIR ORGANISER STAFF PASSWORD
// Logs in as ORGANISER through the form; prints the /alerts page's list in each language
// ("alerts nl: A | B | ..."); searches the People page for "ana" through its form ("people
// ana: COUNT | NAME / ORG / CHECK-IN / SESSIONS | ..."); downloads attendance.csv from the
// Reports page by its link into DIR/downloads ("downloaded attendance.csv"); logs out, logs in
// as STAFF and prints what the organisers' pages answer ("staff: /people 403 | ..."). Saves
// screenshots into DIR. Exits 0; any failure (an error on the organiser's pages among them)
// exits 1 with the reason.
import fs from 'node:fs';
import { fail, launch } from './launch.mjs';

const [base, dir, organiser, staff, password] = process.argv.slice(2);

const browser = await launch();
const timer = setTimeout(() => fail('timed out'), 90000);
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1024, height: 768, deviceScaleFactor: 1 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const login = async (user) => {
    await page.goto(base + '/login', { waitUntil: 'domcontentloaded' });
    await page.type('input[name=name]', user);
    await page.type('input[name=password]', password);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  };
  await login(organiser);

  // Alerts: every one in the page's language.
  for (const lang of ['nl', 'fr', 'en']) {
    await page.goto(`${base}/alerts?lang=${lang}`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#alertlist li', { timeout: 20000 });
    const items = await page.$$eval('#alertlist li .text', (els) => els.map((e) => e.textContent));
    console.log(`alerts ${lang}: ` + items.join(' | '));
    await page.screenshot({ path: `${dir}/pages-alerts-${lang}.png` });
  }

  // People: the search form, then each person's check-in and sessions with their minutes.
  await page.goto(base + '/people?lang=en', { waitUntil: 'domcontentloaded' });
  await page.type('#q', 'ana');
  await Promise.all([page.waitForNavigation(), page.click('#search button[type=submit]')]);
  await page.waitForSelector('#people tbody tr', { timeout: 10000 });
  const count = await page.$eval('#count', (e) => e.textContent);
  const rows = await page.$$eval('#people tbody tr',
    (trs) => trs.map((r) => [...r.cells].map((c) => c.textContent).join(' / ')));
  console.log(`people ana: ${count} | ` + rows.join(' | '));
  await page.screenshot({ path: `${dir}/pages-people.png` });

  // Reports: a file downloaded by its link, as an organiser's browser saves it.
  const downloads = `${dir}/downloads`;
  fs.mkdirSync(downloads, { recursive: true });
  const cdp = await page.createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
  await page.goto(base + '/reports?lang=en', { waitUntil: 'domcontentloaded' });
  await page.screenshot({ path: `${dir}/pages-reports.png` });
  await page.click('a[href="/reports/attendance.csv"]');
  const file = `${downloads}/attendance.csv`;
  for (let i = 0; i < 200 && !fs.existsSync(file); i++)
    await new Promise((r) => setTimeout(r, 50));
  if (!fs.existsSync(file)) fail('attendance.csv was not downloaded');
  console.log('downloaded attendance.csv');

  if (errors.length) fail('errors on the page: ' + errors.join('; '));

  // Staff: the organisers' pages and files are refused (which the browser logs as errors).
  await page.goto(base + '/alerts', { waitUntil: 'domcontentloaded' });
  await Promise.all([page.waitForNavigation(), page.click('#logout button')]);
  await login(staff);
  const refused = [];
  for (const path of ['/people', '/reports', '/reports/attendance.csv']) {
    const r = await page.goto(base + path, { waitUntil: 'domcontentloaded' });
    refused.push(`${path} ${r.status()}`);
  }
  console.log('staff: ' + refused.join(' | '));
} catch (e) {
  fail(String(e));
} finally {
  clearTimeout(timer);
  await browser.close();
}
