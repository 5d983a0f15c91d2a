package io.hpcdask.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.cli.CliRun;
import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.server.api.RunView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run policies on a real local cluster: real processes killed at their time limit, retries, dependencies. */
class RunPoliciesEndToEndTest {
    private static final Duration LONG = Duration.ofSeconds(120);

    @TempDir
    Path home;
    @TempDir
    Path work;
    LocalClusterFixture clusters;

    @BeforeEach
    void setUp() {
        clusters = new LocalClusterFixture(home);
    }

    @AfterEach
    void tearDown() {
        clusters.close();
    }

    @Test
    void aRunPastItsTimeLimitIsKilledEndsTimeoutAndCancelsItsDependent() throws Exception {
        clusters.up("pol", "--workers", "1", "--slots", "2");
        Path pidFile = work.resolve("pid");
        String slow = clusters.submit("pol", "--time-limit", "2s", "--shell", "--",
                "echo $$ > " + pidFile + "; exec sleep 300").get(0);
        String next = clusters.submit("pol", "--after", slow, "--", "echo", "never").get(0);
        assertThat(clusters.run("pol", next).waitReason()).isEqualTo("waiting for run " + slow + " to complete");

        List<RunView> ended = clusters.awaitEnded("pol", List.of(slow, next), LONG);
        RunView timedOut = ended.get(0);
        assertThat(timedOut.state()).isEqualTo("timeout");
        assertThat(timedOut.timeLimitSeconds()).isEqualTo(2L);
        assertThat(timedOut.endedAt() - timedOut.startedAt()).isGreaterThanOrEqualTo(2_000);
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        Awaitility.await().atMost(LONG).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        assertThat(ended.get(1).state()).isEqualTo("terminated");
        assertThat(ended.get(1).reason()).isEqualTo("dependency " + slow + " ended timeout");
        String table = clusters.ok("runs", "--name", "pol").out();
        assertThat(table).contains("timeout").contains("dependency " + slow + " ended timeout");
        assertThat(clusters.serverLog("pol")).contains("Run " + slow + " reached its time limit of 2 s");
    }

    @Test
    void anUnknownDependencyOrABadPolicyExitsTwoAndStagesNothing() {
        clusters.up("bad", "--workers", "1");
        String first = clusters.submit("bad", "--", "true").get(0);
        CliRun.Result unknown = clusters.cli("submit", "run", "--name", "bad", "--after", first + ",999", "--", "true");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unknown.err()).contains("no run with id 999");
        CliRun.Result badLimit = clusters.cli("submit", "run", "--name", "bad", "--time-limit", "soon", "--", "true");
        assertThat(badLimit.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(badLimit.err()).contains("--time-limit: 'soon' is not a duration; expected a duration");
        CliRun.Result badRetries = clusters.cli("submit", "run", "--name", "bad", "--retries", "-1", "--", "true");
        assertThat(badRetries.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(clusters.runs("bad")).extracting(RunView::id).containsExactly(first);
    }

    @Test
    void aFailingRunIsRetriedThenRetryStagesItAgainAsItsNextAttempt() {
        clusters.up("again", "--workers", "1");
        String id = clusters.submit("again", "--retries", "1", "--label", "flaky", "--shell", "--", "exit 3").get(0);
        RunView failed = clusters.awaitEnded("again", List.of(id), LONG).get(0);
        assertThat(failed.state()).isEqualTo("error");
        assertThat(failed.exitCode()).isEqualTo(3);
        assertThat(failed.attempts()).isEqualTo(2);
        assertThat(failed.retried()).isEqualTo(1);
        assertThat(clusters.ok("runs", "--name", "again").out()).contains("2 (retry 1/1)");

        CliRun.Result retry = clusters.ok("retry", "--name", "again", "--label", "flaky");
        assertThat(retry.out()).isEqualTo("Retrying run " + id + "\n");
        Awaitility.await().atMost(LONG).until(() -> clusters.run("again", id).attempts() == 4
                && clusters.run("again", id).state().equals("error"));
        CliRun.Result none = clusters.cli("retry", "--name", "again", "--state", "completed", id);
        assertThat(none.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(none.err()).contains("run " + id + " was not retried");
        assertThat(clusters.cli("retry", "--name", "again", "--state", "running").exitCode())
                .isEqualTo(ExitCodes.BAD_INPUT);
    }
}
