// What the browser tests share: Debian's chromium (or $CHROMIUM) started headless by
// puppeteer-core, and how a test says it failed.
import puppeteer from 'puppeteer-core';

// Says why on stderr and exits 1.
export const fail = (why) => { console.error('browser: ' + why); process.exit(1); };

export const launch = () => puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--no-first-run'],
});
