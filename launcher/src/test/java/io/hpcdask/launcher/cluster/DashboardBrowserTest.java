package io.hpcdask.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.cli.CliInHome;
import io.hpcdask.launcher.cli.CliRun;
import io.hpcdask.launcher.testenv.Browser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in headless Chromium (launcher/src/test/browser/dashboard.mjs) against a real local cluster: the
 * login link of {@code hpc-dask dashboard}, 2 workers, counts changing as runs staged by the CLI end, a run's log
 * arriving live, a cancel from the page (checked through the CLI), a hostile label shown as text, framing refused,
 * and requests without the cookie or token refused. Screenshots go to {@code launcher/target/dashboard-screenshots/};
 * README's {@code docs/dashboard.png} is a copy of its {@code dashboard.png}.
 */
class DashboardBrowserTest {
    static final Path SHOTS = Path.of("target/dashboard-screenshots").toAbsolutePath();
    private static final Pattern LINK = Pattern.compile("Dashboard of cluster 'dash': (http://127\\.0\\.0\\.1:(\\d+)/login\\?code=([A-Za-z0-9_-]+))");

    @TempDir
    Path home;

    @Test
    void theDashboardWorksInARealBrowser() throws Exception {
        Browser.require();
        Files.createDirectories(SHOTS);
        try (LocalClusterFixture cluster = new LocalClusterFixture(home)) {
            CliRun.Result up = cluster.up("dash", "--workers", "2");
            Matcher dashboardLine = Pattern.compile("(?m)^Dashboard: http://127\\.0\\.0\\.1:(\\d+)/ ").matcher(up.out());
            assertThat(dashboardLine.find()).as(CliInHome.describe(up)).isTrue();

            CliRun.Result link = cluster.ok("dashboard", "--name", "dash", "--no-browser");
            Matcher m = LINK.matcher(link.out());
            assertThat(m.find()).as(CliInHome.describe(link)).isTrue();
            assertThat(m.group(2)).isEqualTo(dashboardLine.group(1));
            String code = m.group(3);
            String base = "http://127.0.0.1:" + m.group(2);

            try (Browser.Session page = Browser.start("dashboard.mjs",
                    Map.of("LOGIN_URL", m.group(1), "BASE", base, "SHOTS", SHOTS.toString()))) {
                assertThat(page.question(Duration.ofSeconds(120))).isEqualTo("stage");
                String log = one(cluster.submit("dash", "--label", "log-run", "--shell", "--",
                        "for i in $(seq 1 15); do echo line-$i; sleep 1; done"));
                String cancel = one(cluster.submit("dash", "--label", "to-cancel", "--", "sleep", "300"));
                String hostile = one(cluster.submit("dash", "--label", "<script>alert(1)</script>", "--", "true"));
                for (int i = 0; i < 3; i++) {
                    cluster.submit("dash", "--label", "quick-" + i, "--", "true");
                }
                page.answer("{\"log\":\"" + log + "\",\"cancel\":\"" + cancel + "\",\"hostile\":\"" + hostile + "\"}");

                assertThat(page.question(Duration.ofSeconds(120))).isEqualTo("cancelled " + cancel);
                String state = cluster.run("dash", cancel).state();
                page.answer("terminated".equals(state) ? "ok" : "state " + state);

                Browser.Result r = page.finish(Duration.ofSeconds(120));
                assertThat(r.exit()).as(r.describe()).isZero();
                assertThat(r.out()).as(r.describe()).doesNotContain("FAIL").contains("ok: the page shows 2 workers")
                        .contains("ok: the dashboard refuses to render in a frame")
                        .contains("ok: the used login link is refused (401)");
                assertThat(state).isEqualTo("terminated");
            }
            assertThat(SHOTS.resolve("dashboard.png")).isNotEmptyFile();
            assertThat(cluster.serverLog("dash")).as("the login code never lands in the server's log").doesNotContain(code);
        }
    }

    private static String one(List<String> ids) {
        assertThat(ids).hasSize(1);
        return ids.get(0);
    }
}
