package io.hpcdask.launcher.cluster;

import io.hpcdask.launcher.server.Tokens;
import io.hpcdask.launcher.server.LocalWorkers;
import io.hpcdask.launcher.server.WorkerJar;
import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.cli.CliInHome;
import io.hpcdask.launcher.cli.CliRun;
import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.server.api.RunView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local cluster end to end: the CLI, a real server process, real worker processes, real runs. */
class LocalClusterEndToEndTest {
    private static final Duration LONG = Duration.ofSeconds(120);

    @TempDir
    Path home;
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
    void doneWhen_echoHiCompletesAndLogsShowsIt() {
        CliRun.Result up = clusters.up("default", "--system", "local", "--workers", "2", "--resources", "foo=1");
        assertThat(up.out()).contains("Cluster 'default' is up: scheduler 127.0.0.1:");
        assertThat(up.err()).contains("Waiting for workers: 2/2 connected");
        CliRun.Result submit = clusters.ok("submit", "run", "--tag", "dask:foo=1", "--wait", "--", "echo", "hi");
        String id = submit.out().lines().findFirst().orElseThrow();
        assertThat(submit.out()).contains("hi");
        assertThat(clusters.ok("logs").out()).isEqualTo("hi\n");
        assertThat(clusters.ok("logs", id).out()).isEqualTo("hi\n");
        RunView run = clusters.run("default", id);
        assertThat(run.state()).isEqualTo("completed");
        assertThat(run.requires()).containsEntry("foo", 1L);
        assertThat(clusters.ok("workers").out()).containsPattern("local-\\d+-1 ").containsPattern("local-\\d+-2 ").contains("foo=1");
        assertThat(clusters.ok("cluster", "status").out()).contains("Workers:    2");

        CliRun.Result unknown = clusters.cli("logs", "999");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(unknown.err().strip()).isEqualTo("hpc-dask: no run with id 999");

        clusters.ok("cluster", "down");
        assertThat(clusters.ok("logs").out()).as("logs answers from the store when the cluster is down").isEqualTo("hi\n");
        assertThat(clusters.ok("runs").out()).contains(id).contains("completed");
    }

    @Test
    void fiveSleepsRunAtOnceOnFiveSlots() {
        clusters.up("par", "--workers", "1", "--slots", "5");
        List<String> ids = clusters.submit("par", "--array", "1-5", "--", "sleep", "2");
        assertThat(ids).hasSize(5);
        List<RunView> runs = clusters.awaitEnded("par", ids, LONG);
        assertThat(runs).allSatisfy(r -> assertThat(r.state()).isEqualTo("completed"));
        long lastStart = runs.stream().mapToLong(RunView::startedAt).max().orElseThrow();
        long firstEnd = runs.stream().mapToLong(RunView::endedAt).min().orElseThrow();
        assertThat(lastStart).as("every run started before any ended: their running intervals overlap").isLessThan(firstEnd);
    }

    @Test
    void twoRunsNeedingFooFiveTakeTurnsUnderSevenAndOverlapUnderTwelve() {
        clusters.up("seven", "--workers", "1", "--slots", "4", "--resources", "foo=7");
        List<RunView> underSeven = clusters.awaitEnded("seven",
                clusters.submit("seven", "--array", "1-2", "--tag", "dask:foo=5", "--", "sleep", "1"), LONG);
        assertThat(clusters.serverLog("seven")).contains("Cluster resources: foo=7");
        assertThat(overlap(underSeven)).as("runs under foo=7: %s", underSeven).isFalse();

        clusters.up("twelve", "--workers", "1", "--slots", "4", "--resources", "foo=12");
        List<RunView> underTwelve = clusters.awaitEnded("twelve",
                clusters.submit("twelve", "--array", "1-2", "--tag", "dask:foo=5", "--", "sleep", "2"), LONG);
        assertThat(overlap(underTwelve)).as("runs under foo=12: %s", underTwelve).isTrue();
        assertThat(underSeven).extracting(RunView::state).containsOnly("completed");
        assertThat(underTwelve).extracting(RunView::state).containsOnly("completed");
    }

    @Test
    void runOnceProcessesWhatCanStartAndLeavesARunNeedingAnUndefinedResourceStaged() {
        clusters.up("once", "--workers", "0", "--resources", "foo=2");
        List<String> fine = clusters.submit("once", "--array", "1-3", "--tag", "dask:foo=1", "--", "true");
        String undefined = clusters.submit("once", "--tag", "dask:bar=1 baz=1", "--", "true").get(0);
        clusters.ok("cluster", "down", "--name", "once");

        CliRun.Result once = clusters.ok("cluster", "up", "--name", "once", "--system", "local", "--workers", "1", "--resources", "foo=2", "--run-once");
        assertThat(once.out()).containsPattern("Processed 3 run\\(s\\) in [0-9.]+ seconds");
        assertThat(clusters.dir("once").readAccess()).as("the server has shut down").isEmpty();
        assertThat(clusters.serverLog("once"))
                .contains("Ignoring staged run " + undefined + " (requires resources not defined for cluster: bar, baz)");
        List<RunView> offline = clusters.runs("once");
        assertThat(offline).filteredOn(r -> fine.contains(r.id())).extracting(RunView::state).containsOnly("completed");
        assertThat(offline).filteredOn(r -> r.id().equals(undefined)).extracting(RunView::state).containsExactly("staged");
    }

    @Test
    void requirementsFromTwoTagsMergeAndAnInvalidPieceIsWarnedAboutAndDropped() {
        clusters.up("tags", "--workers", "1", "--resources", "foo=3 bar=2");
        CliRun.Result submit = clusters.ok("submit", "run", "--name", "tags", "--tag", "dask:foo=1 bar=1", "--tag", "dask:foo=3 bar",
                "--tag", "other", "--", "true");
        assertThat(submit.err()).contains("Ignoring invalid dask resources spec 'bar': parts must be in format KEY=VAL");
        String id = submit.out().strip();
        RunView run = clusters.awaitEnded("tags", List.of(id), LONG).get(0);
        assertThat(run.requires()).isEqualTo(Map.of("foo", 3L, "bar", 1L));
        assertThat(run.state()).isEqualTo("completed");
        assertThat(clusters.serverLog("tags")).contains("Ignoring invalid dask resources spec 'bar': parts must be in format KEY=VAL");
    }

    @Test
    void aKilledWorkersRunIsRestagedAndCompletesOnAnotherWorker() throws Exception {
        clusters.up("kill", "--workers", "2", "--slots", "1");
        String id = clusters.submit("kill", "--", "sleep", "3").get(0);
        Awaitility.await().atMost(LONG).until(() -> "running".equals(clusters.run("kill", id).state()));
        String first = clusters.run("kill", id).worker();
        long pid = Long.parseLong(Files.readString(clusters.dir("kill").workersDir().resolve(first + ".pid")).strip());
        ProcessHandle worker = ProcessHandle.of(pid).orElseThrow();
        worker.destroyForcibly(); // SIGKILL: the worker gets no chance to report anything
        worker.onExit().get(30, TimeUnit.SECONDS);

        RunView done = clusters.awaitEnded("kill", List.of(id), LONG).get(0);
        assertThat(done.state()).isEqualTo("completed");
        assertThat(done.worker()).isNotEqualTo(first);
        assertThat(done.attempts()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aServerKilledWithSigkillKeepsEveryStagedRunAcrossARestart() throws Exception {
        clusters.up("crash", "--workers", "0");
        List<String> ids = clusters.submit("crash", "--array", "1-3", "--", "true");
        ProcessHandle server = ProcessHandle.of(clusters.serverPid("crash")).orElseThrow();
        server.destroyForcibly();
        server.onExit().get(30, TimeUnit.SECONDS);

        assertThat(clusters.cli("cluster", "status", "--name", "crash").exitCode()).isEqualTo(ExitCodes.NO_CLUSTER);
        assertThat(clusters.runs("crash")).extracting(RunView::id, RunView::state)
                .containsExactlyElementsOf(ids.stream().map(i -> org.assertj.core.groups.Tuple.tuple(i, "staged")).toList());

        clusters.up("crash", "--workers", "1");
        assertThat(clusters.awaitEnded("crash", ids, LONG)).extracting(RunView::state).containsOnly("completed");
    }

    @Test
    void aWorkerWithAWrongTokenIsRefused() throws Exception {
        clusters.up("tok", "--workers", "1");
        AccessInfo access = clusters.dir("tok").readAccess().orElseThrow();
        Path wrong = home.resolve("wrong.token");
        Tokens.writeTokenFile(wrong, Tokens.newToken());
        Process intruder = new ProcessBuilder(LocalWorkers.javaExecutable(), "-jar",
                WorkerJar.locate(clusters.dir("tok").libDir()).toString(), "--scheduler", access.workerAddress(),
                "--token-file", wrong.toString(), "--name", "intruder", "--death-timeout", "5")
                .redirectErrorStream(true).redirectOutput(home.resolve("intruder.log").toFile()).start();
        assertThat(intruder.waitFor(60, TimeUnit.SECONDS)).as("the refused worker exits").isTrue();
        assertThat(intruder.exitValue()).isEqualTo(3);
        assertThat(Files.readString(home.resolve("intruder.log"))).contains("refused this worker");
        assertThat(clusters.ok("workers", "--name", "tok").out()).containsPattern("local-\\d+-1 ").doesNotContain("intruder");
        assertThat(clusters.serverLog("tok")).contains("Refused worker (unnamed)").contains("wrong or missing cluster token");
    }

    /** Separate credentials: the workers' token opens no API call; the access file's API token is another one. */
    @Test
    void theApiRefusesTheWorkerToken() throws Exception {
        clusters.up("creds", "--workers", "1");
        ClusterDir dir = clusters.dir("creds");
        AccessInfo access = dir.readAccess().orElseThrow();
        String workerToken = Files.readString(dir.workerTokenFile()).strip();
        assertThat(workerToken).isNotEmpty().isNotEqualTo(access.token());
        assertThat(Files.readString(dir.accessFile())).doesNotContain(workerToken);
        io.hpcdask.server.api.SchedulerClient withWorkerToken =
                new io.hpcdask.server.api.SchedulerClient(access.host(), access.apiPort(), workerToken);
        org.assertj.core.api.Assertions.assertThatThrownBy(withWorkerToken::status)
                .isInstanceOfSatisfying(io.hpcdask.server.api.ApiException.class, e -> assertThat(e.status()).isEqualTo(401));
        assertThat(access.client().status().workers()).isEqualTo(1);
        assertThat(clusters.ok("workers", "--name", "creds").out()).containsPattern("local-\\d+-1 ");
    }

    @Test
    void tenThousandRunsAreStagedByOneCommandAndKeptWhileNoWorkerRuns() {
        clusters.up("many", "--workers", "0");
        List<String> ids = clusters.submit("many", "--array", "1-10000", "--label", "sweep", "--", "true");
        assertThat(ids).hasSize(10_000).doesNotHaveDuplicates();
        assertThat(clusters.ok("cluster", "status", "--name", "many").out()).contains("staged=10000");
    }

    @Test
    void eachLineSetsTheEntryAndCancelEndsARunningRun() throws Exception {
        clusters.up("lines", "--workers", "1", "--slots", "2");
        Path entries = home.resolve("entries.txt");
        Files.writeString(entries, "alpha\n\nbeta gamma\n");
        CliRun.Result lines = clusters.ok("submit", "run", "--name", "lines", "--each-line", entries.toString(), "--wait",
                "--shell", "--", "echo \"entry=$HPC_DASK_ENTRY\"");
        List<String> ids = lines.out().lines().filter(l -> l.matches("\\d+")).toList();
        assertThat(ids).hasSize(2);
        assertThat(clusters.ok("logs", "--name", "lines", ids.get(0)).out()).isEqualTo("entry=alpha\n");
        assertThat(clusters.ok("logs", "--name", "lines", ids.get(1)).out()).isEqualTo("entry=beta gamma\n");

        String sleeper = clusters.submit("lines", "--", "sleep", "300").get(0);
        Awaitility.await().atMost(LONG).until(() -> "running".equals(clusters.run("lines", sleeper).state()));
        assertThat(clusters.ok("cancel", "--name", "lines", sleeper).out()).isEqualTo("Cancelled 1 run: " + sleeper + "\n");
        assertThat(clusters.awaitEnded("lines", List.of(sleeper), LONG).get(0).state()).isEqualTo("terminated");
        CliRun.Result again = clusters.cli("cancel", "--name", "lines", sleeper);
        assertThat(again.exitCode()).as("nothing matched is no failure").isEqualTo(ExitCodes.OK);
        assertThat(again.out()).isEqualTo("No staged or running run matched: nothing cancelled\n");
        assertThat(again.err()).contains("run " + sleeper + " was not cancelled");
    }

    @Test
    void stdoutAndStderrOfARunStayApartFromTheWorkerToLogs() throws Exception {
        clusters.up("streams", "--workers", "1");
        CliRun.Result submit = clusters.ok("submit", "run", "--name", "streams", "--wait", "--shell", "--",
                "echo out1; echo err1 >&2; sleep 0.3; echo out2; sleep 0.3; echo err2 >&2");
        String id = submit.out().lines().findFirst().orElseThrow();
        assertThat(submit.out()).as("--wait follows the run: its stdout here").endsWith("out1\nout2\n");
        assertThat(submit.err()).as("and its stderr on stderr").contains("err1\nerr2\n");

        CliRun.Result both = clusters.ok("logs", "--name", "streams", id);
        assertThat(both.out()).isEqualTo("out1\nout2\n");
        assertThat(both.err()).isEqualTo("err1\nerr2\n");
        assertThat(clusters.ok("logs", "--name", "streams", "--stdout", id).out()).isEqualTo("out1\nout2\n");
        CliRun.Result err = clusters.ok("logs", "--name", "streams", "--stderr", id);
        assertThat(err.out()).isEqualTo("err1\nerr2\n");
        assertThat(err.err()).isEmpty();
        assertThat(clusters.ok("logs", "--name", "streams", "--stderr", "--follow", id).out()).isEqualTo("err1\nerr2\n");
        assertThat(clusters.ok("logs", "--name", "streams", "--stdout", "-f", id).out()).isEqualTo("out1\nout2\n");
        assertThat(clusters.ok("logs", "--name", "streams", id).out()).isEqualTo("out1\nout2\n");
        assertThat(clusters.cli("logs", "--name", "streams", "--stdout", "--stderr", id).exitCode())
                .isEqualTo(ExitCodes.BAD_INPUT);

        // a log an older server wrote (no stream index) still prints, whole, in every view
        Path log = home.resolve("clusters/streams/runs/" + id + ".log");
        Path index = home.resolve("clusters/streams/runs/" + id + ".streams");
        assertThat(index).exists();
        clusters.ok("cluster", "down", "--name", "streams");
        assertThat(clusters.ok("logs", "--name", "streams", "--stderr", id).out()).as("read from the store when down")
                .isEqualTo("err1\nerr2\n");
        Files.delete(index);
        String merged = Files.readString(log); // in arrival order, which two pipes do not fix
        assertThat(merged.lines()).containsExactlyInAnyOrder("out1", "err1", "out2", "err2");
        CliRun.Result old = clusters.ok("logs", "--name", "streams", "--stderr", id);
        assertThat(old.out()).isEqualTo(merged);
        assertThat(old.err()).contains("stored before stdout and stderr were kept apart");
        assertThat(clusters.ok("logs", "--name", "streams", id).out()).isEqualTo(merged);
    }

    @Test
    void cancelSelectsByRangeStateAndLabelInOneRequest() {
        clusters.up("sel", "--workers", "0");
        List<String> sweep = clusters.submit("sel", "--array", "1-30", "--label", "sweep", "--", "true");
        List<String> other = clusters.submit("sel", "--array", "1-5", "--label", "other", "--", "true");
        long first = Long.parseLong(sweep.get(0));
        String mixed = (first + 2) + "-" + (first + 6);
        CliRun.Result ranges = clusters.ok("cancel", "--name", "sel", mixed, Long.toString(first + 9));
        assertThat(ranges.out()).isEqualTo("Cancelled 6 runs: " + mixed + "," + (first + 9) + "\n");
        assertThat(clusters.ok("cancel", "--name", "sel", mixed).out())
                .isEqualTo("No staged or running run matched: nothing cancelled\n");

        CliRun.Result bad = clusters.cli("cancel", "--name", "sel", (first + 5) + "-" + (first + 3));
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(clusters.run("sel", Long.toString(first + 4)).state()).as("nothing cancelled by bad input")
                .isEqualTo("terminated");
        assertThat(clusters.run("sel", Long.toString(first + 7)).state()).isEqualTo("staged");

        assertThat(clusters.ok("cancel", "--name", "sel", "--label", "other").out())
                .isEqualTo("Cancelled 5 runs: " + other.get(0) + "-" + other.get(4) + "\n");
        assertThat(clusters.ok("cancel", "--name", "sel", "--state", "running", "--label", "sweep").out())
                .isEqualTo("No staged or running run matched: nothing cancelled\n");
        assertThat(clusters.ok("cancel", "--name", "sel", "--state", "staged", "--label", "sweep").out())
                .isEqualTo("Cancelled 24 runs: " + first + "-" + (first + 1) + "," + (first + 7) + "-" + (first + 8) + ","
                        + (first + 10) + "-" + (first + 29) + "\n");
        assertThat(clusters.ok("cancel", "--name", "sel", "--all").out())
                .isEqualTo("No staged or running run matched: nothing cancelled\n");
        assertThat(clusters.runs("sel")).extracting(RunView::state).containsOnly("terminated");
    }

    @Test
    void waitExitsWithTheWorstStatusOfItsRuns() {
        clusters.up("worst", "--workers", "1", "--slots", "3");
        CliRun.Result r = clusters.cli("submit", "run", "--name", "worst", "--array", "1-3", "--wait", "--shell", "--",
                "exit $((HPC_DASK_ARRAY_INDEX * 2))");
        assertThat(r.exitCode()).as(CliInHome.describe(r)).isEqualTo(6);
        assertThat(clusters.runs("worst")).extracting(RunView::state).containsOnly("error");
    }

    private static boolean overlap(List<RunView> runs) {
        List<RunView> byStart = runs.stream().sorted(Comparator.comparing(RunView::startedAt)).toList();
        return byStart.get(1).startedAt() < byStart.get(0).endedAt();
    }
}
