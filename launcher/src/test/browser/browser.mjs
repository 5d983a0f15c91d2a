// Shared by the browser test scripts: Debian's Chromium launched by playwright-core with the project's flags, and
// the small helpers every script uses. A script gets its inputs from environment variables and prints one line per
// step it checked ("ok: ..."), or "FAIL: ..." and exits 1, so the JUnit test asserting it shows what went wrong.
import { chromium } from 'playwright-core';

export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launch() {
    return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
}

export function env(name) {
    const v = process.env[name];
    if (v === undefined || v === '') {
        fail(`environment variable ${name} is not set`);
    }
    return v;
}

export function ok(what) {
    console.log(`ok: ${what}`);
}

export function fail(what) {
    console.log(`FAIL: ${what}`);
    process.exit(1);
}

export function check(condition, what) {
    if (!condition) {
        fail(what);
    }
    ok(what);
}

/** Runs main(browser), closing the browser however it ends; an exception is a failure with its message. */
export async function withBrowser(main) {
    const browser = await launch();
    try {
        await main(browser);
    } catch (e) {
        console.log(`FAIL: ${e && e.stack ? e.stack : e}`);
        process.exitCode = 1;
    } finally {
        await browser.close();
    }
}
