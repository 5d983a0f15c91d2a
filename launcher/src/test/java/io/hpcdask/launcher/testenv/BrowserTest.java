package io.hpcdask.launcher.testenv;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Proves the browser rig the dashboard tests use: Debian's Chromium, driven by playwright-core from node, runs a page. */
class BrowserTest {
    @Test
    void chromiumRunsAPageScriptThroughPlaywright() {
        Browser.Result r = Browser.run("smoke.mjs", Map.of(), Duration.ofSeconds(90));
        assertThat(r.exit()).as(r.describe()).isZero();
        assertThat(r.out()).as(r.describe()).contains("ok: chromium ran the page script").containsPattern("version: \\d+\\.");
    }
}
