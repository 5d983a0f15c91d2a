// For scripts/bench-dashboard: opens the dashboard of DASHBOARD_URL (authenticated by the API token, DASHBOARD_TOKEN)
// DASHBOARD_TIMES times in a fresh context and prints, per load, the first contentful paint (the browser's own
// measure) and when every one of DASHBOARD_WORKERS worker rows is shown, in milliseconds since navigation.
import { withBrowser, env, ok } from './browser.mjs';

const url = env('DASHBOARD_URL');
const token = env('DASHBOARD_TOKEN');
const workers = Number(env('DASHBOARD_WORKERS'));
const times = Number(process.env.DASHBOARD_TIMES || '3');

await withBrowser(async (browser) => {
    for (let i = 0; i < times; i++) {
        const context = await browser.newContext({
            extraHTTPHeaders: { Authorization: `Bearer ${token}` },
            viewport: { width: 1400, height: 900 },
        });
        const page = await context.newPage();
        await page.goto(url, { waitUntil: 'load' });
        const fcp = await page.evaluate(() => new Promise((resolve) => {
            const seen = performance.getEntriesByName('first-contentful-paint');
            if (seen.length) {
                resolve(seen[0].startTime);
                return;
            }
            new PerformanceObserver((list) => {
                const e = list.getEntries().find((x) => x.name === 'first-contentful-paint');
                if (e) resolve(e.startTime);
            }).observe({ type: 'paint', buffered: true });
        }));
        await page.waitForFunction((n) => document.querySelectorAll('[data-testid=worker-row]').length >= n, workers,
            { timeout: 120000, polling: 50 });
        const all = await page.evaluate(() => performance.now());
        console.log(`first-contentful-paint-ms ${fcp.toFixed(0)}`);
        console.log(`all-workers-shown-ms ${all.toFixed(0)}`);
        await context.close();
    }
    ok('dashboard loaded');
});
