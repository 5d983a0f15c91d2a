// The dashboard end to end in headless Chromium, against a real local cluster with 2 workers that the JUnit test
// (DashboardBrowserTest) started. Inputs: LOGIN_URL (a fresh one-time link), BASE (http://127.0.0.1:PORT),
// SHOTS (the screenshot directory). It asks the test (ask) to stage runs and to check a cancel through the CLI.
import { withBrowser, env, ok, check, ask } from './browser.mjs';

const LOGIN_URL = env('LOGIN_URL');
const BASE = env('BASE');
const SHOTS = env('SHOTS');
const TIMEOUT = 60_000;

const count = async (page, state) => Number(await page.textContent(`[data-testid=count-${state}]`));
const waitFor = (page, fn, arg, what) => page.waitForFunction(fn, arg, { timeout: TIMEOUT, polling: 100 })
    .then(() => ok(what), (e) => { throw new Error(`${what}: ${e.message.split('\n')[0]}`); });

await withBrowser(async (browser) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    const dialogs = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
    let navigations = 0;
    page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations++; });

    // the one-time link: a cookie, then the page itself
    const login = await page.goto(LOGIN_URL);
    check(login.status() === 200 && page.url() === BASE + '/', `the login link lands on the dashboard (${page.url()}, ${login.status()})`);
    const cookies = await context.cookies();
    check(cookies.length === 1 && cookies[0].httpOnly && cookies[0].sameSite === 'Strict',
        `one HttpOnly SameSite=Strict cookie (${JSON.stringify(cookies.map((c) => [c.name.slice(0, 17), c.httpOnly, c.sameSite]))})`);
    check(!(await page.evaluate(() => document.cookie)).includes('hpc_dask'), 'the page script cannot read the cookie');
    const headers = login.headers();
    check(headers['x-frame-options'] === 'DENY' && /frame-ancestors 'none'/.test(headers['content-security-policy'] || ''),
        'the page forbids framing (X-Frame-Options DENY, frame-ancestors none)');

    await waitFor(page, () => document.querySelectorAll('[data-testid=worker-row]').length === 2, null, 'the page shows 2 workers');
    const navigationsAtStart = navigations;

    // runs staged through the CLI change the counts without a reload
    const completedBefore = await count(page, 'completed');
    const ids = JSON.parse(await ask('stage'));
    await waitFor(page, (n) => Number(document.querySelector('[data-testid=count-completed]').textContent) >= n,
        completedBefore + 2, 'the completed count grows as the quick runs end');
    await waitFor(page, () => Number(document.querySelector('[data-testid=count-running]').textContent) >= 1, null,
        'the running count shows the runs still going');

    // a hostile label is text: no dialog, no element, the text visible
    const hostile = '<script>alert(1)</script>';
    await waitFor(page, (id) => !!document.querySelector(`[data-testid=run-row][data-run="${id}"]`), ids.hostile, 'the hostile run has a row');
    const row = page.locator(`[data-testid=run-row][data-run="${ids.hostile}"]`);
    check((await row.textContent()).includes(hostile), 'the hostile label shows as text');
    check(await row.getByText(hostile, { exact: true }).isVisible(), 'the hostile label is visible');
    check((await page.locator('#runs script').count()) === 0, 'no script element came from the label');

    // a run's log grows as its lines arrive
    await page.locator(`[data-testid=run-row][data-run="${ids.log}"]`).click();
    await waitFor(page, () => document.querySelector('[data-testid=run-log]').textContent.includes('line-1'), null,
        'the opened run shows its first log line');
    const early = (await page.textContent('[data-testid=run-log]')).length;
    await waitFor(page, () => document.querySelector('[data-testid=run-log]').textContent.includes('line-4'), null,
        'later log lines arrive while the run is open');
    check((await page.textContent('[data-testid=run-log]')).length > early, 'the log grew');
    await page.screenshot({ path: `${SHOTS}/dashboard.png`, fullPage: false });
    ok('screenshot dashboard.png');

    // cancel from the page
    await page.locator(`[data-testid=run-row][data-run="${ids.cancel}"]`).click();
    await waitFor(page, () => document.querySelector('[data-testid=run-state]').textContent === 'running', null,
        'the long run is running');
    await page.locator('[data-testid=cancel-run]').click();
    await waitFor(page, () => ['terminated', 'cancelled'].includes(document.querySelector('[data-testid=run-state]').textContent),
        null, 'the cancelled run ends cancelled on the page');
    check((await ask(`cancelled ${ids.cancel}`)) === 'ok', 'the CLI sees the run cancelled');
    await page.screenshot({ path: `${SHOTS}/dashboard-cancelled.png`, fullPage: true });
    check(navigations === navigationsAtStart, `the page never reloaded (${navigations - navigationsAtStart} navigations)`);
    check(dialogs.length === 0, `no dialog fired (${JSON.stringify(dialogs)})`);

    // the page in another site's frame stays empty
    const framer = await context.newPage();
    await framer.setContent(`<iframe id="f" src="${BASE}/" width="600" height="400"></iframe>`);
    await framer.waitForTimeout(1500);
    const inner = framer.frames().find((f) => f !== framer.mainFrame());
    const framed = inner ? await inner.evaluate(() => !!document.querySelector('[data-testid=count-staged]')).catch(() => false) : false;
    check(!framed, 'the dashboard refuses to render in a frame');
    await framer.screenshot({ path: `${SHOTS}/framed.png` });

    // without the cookie or the token everything is refused, and a used link stays used
    for (const [method, path] of [['GET', '/'], ['GET', '/api/events?topics=summary'], ['POST', '/api/cancel']]) {
        const r = await fetch(BASE + path, { method, body: method === 'POST' ? JSON.stringify([ids.cancel]) : undefined,
            headers: method === 'POST' ? { 'Content-Type': 'application/json', Origin: BASE } : {} });
        check(r.status === 401, `${method} ${path} without cookie or token: ${r.status}`);
    }
    const stranger = await browser.newContext();
    const again = await (await stranger.newPage()).goto(LOGIN_URL);
    check(again.status() === 401, `the used login link is refused (${again.status()})`);
    check((await stranger.cookies()).length === 0, 'and sets no cookie');
    await stranger.close();
});
