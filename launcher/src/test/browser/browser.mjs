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

// The test's answers, one line each, read from stdin once the script first asks (a script that never asks does not
// wait for stdin to close).
import { createInterface } from 'node:readline';
const replies = [];
const waiting = [];
let input = null;

/** Asks the JUnit test for something ("need: WHAT" on stdout) and returns its one-line answer. */
export async function ask(what) {
    if (input === null) {
        input = createInterface({ input: process.stdin });
        input.on('line', (line) => {
            const w = waiting.shift();
            if (w) w(line); else replies.push(line);
        });
    }
    console.log(`need: ${what}`);
    return replies.length > 0 ? replies.shift() : new Promise((resolve) => waiting.push(resolve));
}
