// Proves the rig itself: Chromium starts with the project's flags, renders a page and runs its script.
import { withBrowser, check } from './browser.mjs';

await withBrowser(async (browser) => {
    const page = await browser.newPage();
    await page.setContent('<title>rig</title><p id="p"></p><script>document.getElementById("p").textContent = 6 * 7;</script>');
    check((await page.textContent('#p')) === '42', 'chromium ran the page script');
    console.log(`version: ${browser.version()}`);
});
