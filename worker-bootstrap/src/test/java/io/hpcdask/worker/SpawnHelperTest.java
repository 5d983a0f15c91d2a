package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hpcdask.protocol.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The spawn helper as the worker drives it: a real helper process starting real runs. Every case holds for both
 * helpers, the C one and the perl one ({@link NativeSpawnHelperTest}, {@link PerlSpawnHelperTest}).
 */
abstract class SpawnHelperTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;
    final RecordedRuns events = new RecordedRuns();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private SpawnHelper helper;

    @AfterEach
    void stop() {
        if (helper != null) {
            helper.close();
        }
        timer.shutdownNow();
    }

    /** The helper, its command run through {@code before} (e.g. {@code env NAME=value}). */
    abstract SpawnHelper startHelper(List<String> before, SpawnHelper.Batches batches) throws IOException;

    /** The command that runs the helper, less its drain time. */
    abstract List<String> helperCommand() throws IOException;

    /** A spawner that tries this helper first. */
    abstract Spawner spawner(ExecutorService threads);

    abstract SpawnWay way();

    private SpawnHelper startHelper() throws IOException {
        return startHelper(List.of(), SpawnHelper.Batches.NONE);
    }

    private RunProcess start(Message.StartRun request) throws IOException {
        return helper.start(request, List.of(), work, events);
    }

    private Message.RunFinished finished(String runId) {
        await().atMost(WAIT).until(() -> events.finished.containsKey(runId));
        return events.finished.get(runId);
    }

    @Test
    void aRunIsTheHelpersOwnChildExecdStraightIntoItsOwnSession() throws Exception {
        helper = startHelper();
        // its pid, its parent and its session id (field 6 of /proc/PID/stat; sh's name holds no space)
        RunProcess run = start(RecordedRuns.start("r1", "sh", "-c", "echo $$ $PPID $(cut -d' ' -f6 /proc/$$/stat)"));
        Message.RunFinished done = finished("r1");
        assertThat(done.exitCode()).isZero();
        assertThat(done.terminated()).isFalse();
        String[] ids = events.output("r1", "stdout").trim().split(" ");
        assertThat(Long.parseLong(ids[0])).isEqualTo(run.pid());
        assertThat(Long.parseLong(ids[1])).as("parent: the helper itself, no setsid or jspawnhelper between")
                .isEqualTo(helper.pid());
        assertThat(ids[2]).as("session id").isEqualTo(ids[0]);
        assertThat(events.events).startsWith("started r1").endsWith("finished r1");
    }

    @Test
    void aCommandInstalledEarlierInPathIsTheOneRunFromTheNextSecondOn() throws Exception {
        helper = startHelper();
        Path early = Files.createDirectories(work.resolve("early"));
        Path late = Files.createDirectories(work.resolve("late"));
        writeScript(late.resolve("which-one"), "echo late");
        Map<String, String> env = Map.of("PATH", early + ":" + late + ":/usr/bin:/bin");
        helper.start(new Message.StartRun("p1", List.of("which-one"), false, null, env, Map.of(), List.of()),
                List.of(), work, events);
        assertThat(finished("p1").exitCode()).isZero();
        assertThat(events.output("p1", "stdout")).isEqualTo("late\n");
        writeScript(early.resolve("which-one"), "echo early");
        Thread.sleep(1_100); // the helper searches PATH again once the second it last looked has passed
        helper.start(new Message.StartRun("p2", List.of("which-one"), false, null, env, Map.of(), List.of()),
                List.of(), work, events);
        assertThat(finished("p2").exitCode()).isZero();
        assertThat(events.output("p2", "stdout")).isEqualTo("early\n");
    }

    @Test
    void theStartsOfABatchReachTheHelperOnlyWhenTheLastOfItsBatchesEnds() throws Exception {
        helper = startHelper();
        helper.beginBatch();
        start(RecordedRuns.start("b1", "true"));
        start(RecordedRuns.start("b2", "true"));
        Thread.sleep(500);
        assertThat(events.events).as("nothing reached the helper inside the batch").isEmpty();
        helper.endBatch(true); // another batch follows: it sends them
        helper.beginBatch();
        Thread.sleep(300);
        assertThat(events.events).isEmpty();
        helper.endBatch(false);
        assertThat(finished("b1").exitCode()).isZero();
        assertThat(finished("b2").exitCode()).isZero();
        helper.beginBatch();
        assertThat(helper.takeHeld(WAIT.toMillis())).as("asking for what the helper holds goes at once").isTrue();
        helper.endBatch(false);
    }

    private static void writeScript(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void everyReportOfARunIsMadeInsideABatchOfWhatOneReadBrought() throws Exception {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
        helper = startHelper(List.of(), new SpawnHelper.Batches() {
            @Override
            public void begin() {
                seen.add(open.incrementAndGet() == 1 ? "begin" : "begin inside a batch");
            }

            @Override
            public void end() {
                open.decrementAndGet();
                seen.add("end");
            }
        });
        RunProcess.Events inBatch = new RunProcess.Events() {
            @Override
            public void started(RunProcess run) {
                seen.add(open.get() == 1 ? "started" : "started outside a batch");
                events.started(run);
            }

            @Override
            public void failedToStart(RunProcess run, String error) {
                events.failedToStart(run, error);
            }

            @Override
            public void finished(RunProcess run, Message.RunFinished result) {
                seen.add(open.get() == 1 ? "finished" : "finished outside a batch");
                events.finished(run, result);
            }

            @Override
            public void withdrawn(RunProcess run) {
                events.withdrawn(run);
            }

            @Override
            public void output(String runId, int attempt, String stream, byte[] data) {
                seen.add(open.get() == 1 ? "output" : "output outside a batch");
                events.output(runId, attempt, stream, data);
            }
        };
        for (int i = 0; i < 5; i++) {
            helper.start(RecordedRuns.start("b" + i, "echo", "hi"), List.of(), work, inBatch);
            finished("b" + i);
        }
        assertThat(seen).doesNotContain("started outside a batch", "finished outside a batch", "output outside a batch",
                        "begin inside a batch")
                .contains("started", "output", "finished");
        assertThat(seen.stream().filter("begin"::equals).count()).isEqualTo(seen.stream().filter("end"::equals).count())
                .isLessThanOrEqualTo(seen.size() / 3); // each batch held at least one report
        assertThat(open).hasValue(0);
    }

    @Test
    void theHelperHasASessionOfItsOwnSoAKillOfTheWorkersGroupLeavesItToKillTheRuns() throws Exception {
        helper = startHelper();
        String stat = Files.readString(Path.of("/proc", Long.toString(helper.pid()), "stat"));
        String session = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]; // state, ppid, pgrp, session
        assertThat(Long.parseLong(session)).isEqualTo(helper.pid());
    }

    @Test
    void pastTheLeaseTheHelperKillsItsRunsAndSaysSoWhileARunEndedBeforeItIsReportedAsItEnded() throws Exception {
        helper = startHelper();
        helper.lease(System.currentTimeMillis() / 1000 + 600);
        RunProcess quick = start(RecordedRuns.start("l0", "true"));
        assertThat(finished("l0").exitCode()).isZero();
        assertThat(quick.killedForLease()).isFalse();
        String marker = marker();
        RunProcess run = start(RecordedRuns.start("l1", "bash", "-c", "sleep " + marker + " & sleep " + marker + "; wait"));
        await().atMost(WAIT).until(() -> processesWithArg(marker).size() >= 3);
        helper.lease(System.currentTimeMillis() / 1000 - 1);
        Message.RunFinished done = finished("l1");
        assertThat(run.killedForLease()).isTrue();
        assertThat(done.exitCode()).isEqualTo(128 + 9);
        await().atMost(WAIT).until(() -> processesWithArg(marker).isEmpty());
    }

    @Test
    void theLeaseIsKeptWhileTheWorkerReadsNothingAsAFrozenOneWould() throws Exception {
        List<String> command = new java.util.ArrayList<>(helperCommand());
        command.add("2000");
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            String marker = marker();
            var commands = p.getOutputStream();
            commands.write(frame('L', Long.toString(System.currentTimeMillis() / 1000 + 3)));
            // far more output than the pipes hold: nobody reads the helper's frames
            commands.write(frame('S', "1", work.toString(), "0", "bash", "-c",
                    "yes | head -c 50000000; sleep " + marker + "; : " + marker));
            commands.flush();
            await().atMost(WAIT).until(() -> processesWithArg(marker).size() >= 1);
            await().atMost(WAIT).until(() -> processesWithArg(marker).isEmpty());
            assertThat(p.isAlive()).isTrue();
        } finally {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    private static byte[] frame(char type, String... fields) {
        byte[] payload = (type + String.join("\0", fields)).getBytes(StandardCharsets.UTF_8);
        return java.nio.ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
    }

    @Test
    void theHelperOutlivesAJobWideTermWhileItsRunsGetTheSignalsUntouched() throws Exception {
        helper = startHelper();
        ProcessHandle.of(helper.pid()).orElseThrow().destroy(); // SIGTERM, as a batch system ends a job
        // what the helper ignores (HUP, INT, QUIT, PIPE, TERM) must not reach a run through exec
        start(RecordedRuns.start("t1", "grep", "^SigIgn:", "/proc/self/status"));
        assertThat(finished("t1").exitCode()).isZero();
        long ignored = Long.parseLong(events.output("t1", "stdout").replace("SigIgn:", "").trim(), 16);
        long helperIgnores = 1L << (1 - 1) | 1L << (2 - 1) | 1L << (3 - 1) | 1L << (13 - 1) | 1L << (15 - 1);
        assertThat(ignored & helperIgnores).as("SigIgn %x", ignored).isZero();
        assertThat(helper.dead()).isFalse();
    }

    @Test
    void envCwdAndGpusReachTheRunAndOutputComesWholeBeforeTheEnd() throws Exception {
        helper = startHelper();
        Path sub = Files.createDirectories(work.resolve("sub dir"));
        Message.StartRun request = new Message.StartRun("r2", List.of("echo $FOO $HPC_DASK_RUN_ID $CUDA_VISIBLE_DEVICES;"
                + " pwd; seq 1 200000; echo oops >&2; exit 3"), true, "sub dir", Map.of("FOO", "a=b c"), Map.of(), List.of());
        helper.start(request, List.of("1", "3"), work, events);
        Message.RunFinished done = finished("r2");
        assertThat(done.exitCode()).isEqualTo(3);
        String[] lines = events.output("r2", "stdout").split("\n");
        assertThat(lines[0]).isEqualTo("a=b c r2 1,3");
        assertThat(lines[1]).isEqualTo(sub.toRealPath().toString());
        assertThat(lines).hasSize(200_002);
        assertThat(lines[200_001]).isEqualTo("200000");
        assertThat(events.output("r2", "stderr")).isEqualTo("oops\n");
        assertThat(events.events.get(events.events.size() - 1)).isEqualTo("finished r2");
    }

    @Test
    void signalsReachTheWholeGroupWithoutAnyKillProgram() throws Exception {
        // no PATH for the helper: it could not exec kill if it tried
        helper = startHelper(List.of("/usr/bin/env", "PATH=/nonexistent"), SpawnHelper.Batches.NONE);
        String marker = marker();
        RunProcess run = start(RecordedRuns.start("r3", "/bin/bash", "-c",
                "/bin/sleep " + marker + " & /bin/sleep " + marker + "; wait"));
        await().atMost(WAIT).until(() -> processesWithArg(marker).size() >= 3);
        run.kill(timer);
        Message.RunFinished done = finished("r3");
        assertThat(done.terminated()).isTrue();
        assertThat(done.exitCode()).isEqualTo(128 + 15);
        await().atMost(WAIT).until(() -> processesWithArg(marker).isEmpty());
    }

    @Test
    void leftoversThatKeepTheOutputOpenAreKilledOnceTheDrainTimeIsOver() throws Exception {
        helper = startHelper();
        String marker = marker();
        start(RecordedRuns.start("r4", "bash", "-c", "sleep " + marker + " & echo left"));
        Message.RunFinished done = finished("r4");
        assertThat(done.exitCode()).isZero();
        assertThat(events.output("r4", "stdout")).isEqualTo("left\n");
        await().atMost(WAIT).until(() -> processesWithArg(marker).isEmpty());
    }

    @Test
    void aRunThatClosesItsOutputAndGoesOnEndsWhenItExitsNotWhenItsPipesClose() throws Exception {
        helper = startHelper();
        long startNanos = System.nanoTime();
        start(RecordedRuns.start("r4b", "bash", "-c", "exec >&- 2>&-; sleep 0.6; exit 3"));
        Message.RunFinished done = finished("r4b");
        assertThat(done.exitCode()).isEqualTo(3);
        assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
    }

    /**
     * A job script's {@code exec >log 2>&1} closes the run's pipes hours before it exits. The helper looks for its
     * exit less and less often meanwhile (its SIGCHLD wakes it anyway): counted in the helper's sleeps, as the
     * kernel counts them, over 1.5 s of such a run; a helper that polled every 2 ms would sleep about 750 times.
     */
    @Test
    void aRunThatClosedItsOutputLongAgoDoesNotKeepWakingTheHelper() throws Exception {
        helper = startHelper();
        start(RecordedRuns.start("r4c", "bash", "-c", "exec >&- 2>&-; sleep 2.5; exit 4"));
        await().atMost(WAIT).until(() -> events.events.contains("started r4c"));
        Thread.sleep(500); // its pipes have closed by now (or, on a busy machine, they soon will)
        long before = voluntarySwitches(helper.pid());
        Thread.sleep(1_500);
        long sleeps = voluntarySwitches(helper.pid()) - before;
        assertThat(finished("r4c").exitCode()).as("its end, told when it exits").isEqualTo(4);
        assertThat(sleeps).as("the helper's sleeps while the run went on with its output closed").isLessThan(100);
    }

    private static long voluntarySwitches(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith("voluntary_ctxt_switches:"))
                .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).strip()))
                .findFirst().orElseThrow();
    }

    @Test
    void aRunThatCannotStartIsToldWhyAndNothingRuns() throws Exception {
        helper = startHelper();
        start(new Message.StartRun("r5", List.of("true"), false, "no-such-dir", Map.of(), Map.of(), List.of()));
        start(RecordedRuns.start("r6", "no-such-program-" + UUID.randomUUID()));
        await().atMost(WAIT).until(() -> events.failed.size() == 2);
        assertThat(events.failed.get("r5")).contains("no-such-dir");
        assertThat(events.failed.get("r6")).startsWith("cannot start no-such-program-");
        assertThat(events.events).doesNotContain("started r5", "started r6");
        // the helper goes on
        start(RecordedRuns.start("r7", "true"));
        assertThat(finished("r7").exitCode()).isZero();
    }

    @Test
    void aKilledHelperIsNoticedItsRunsKilledAndReportedAbandonedSoTheyAreReStaged() throws Exception {
        helper = startHelper();
        String marker = marker();
        start(RecordedRuns.start("r8", "sleep", marker));
        await().atMost(WAIT).until(() -> events.events.contains("started r8"));
        ProcessHandle.of(helper.pid()).orElseThrow().destroyForcibly();
        Message.RunFinished done = finished("r8");
        assertThat(done.abandoned()).isTrue();
        assertThat(done.error()).isEqualTo(SpawnHelper.DIED);
        assertThat(helper.dead()).isTrue();
        await().atMost(WAIT).until(() -> processesWithArg(marker).isEmpty());
    }

    @Test
    void withoutAUsablePerlRunsStartThroughTheJdkAndADeadHelperIsReplaced() throws Exception {
        ExecutorService threads = Executors.newCachedThreadPool();
        try (Spawner jdk = new Spawner("/nonexistent/perl", threads); Spawner perl = spawner(threads)) {
            jdk.open(0);
            assertThat(jdk.mode()).isEqualTo("jdk");
            jdk.start(RecordedRuns.start("j1", "sh", "-c", "echo hi; echo bad >&2; exit 4"), List.of(), work, events);
            assertThat(finished("j1").exitCode()).isEqualTo(4);
            assertThat(events.output("j1", "stdout")).isEqualTo("hi\n");
            assertThat(events.output("j1", "stderr")).isEqualTo("bad\n");

            perl.open(0);
            assertThat(perl.mode()).isEqualTo(way().toString());
            RunProcess first = perl.start(RecordedRuns.start("p1", "sh", "-c", "echo $PPID"), List.of(), work, events);
            finished("p1");
            long helperPid = Long.parseLong(events.output("p1", "stdout").trim());
            ProcessHandle.of(helperPid).orElseThrow().destroyForcibly();
            await().atMost(WAIT).until(() -> perl.mode().equals("jdk"));
            perl.start(RecordedRuns.start("p2", "sh", "-c", "echo $PPID"), List.of(), work, events);
            assertThat(finished("p2").exitCode()).isZero();
            assertThat(perl.mode()).isEqualTo(way().toString());
            assertThat(Long.parseLong(events.output("p2", "stdout").trim())).isNotEqualTo(helperPid);
            assertThat(first.isAlive()).isFalse();
        } finally {
            threads.shutdownNow();
        }
    }

    private RunProcess chain(Message.StartRun request, RunProcess after) throws IOException {
        return helper.chain(request, after, work, events);
    }

    @Test
    void aChainedRunStartsInTheSameTurnAsTheEndOfTheRunBeforeItIsReported() throws Exception {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        helper = startHelper(List.of(), new SpawnHelper.Batches() {
            @Override
            public void begin() {
                seen.add("begin");
            }

            @Override
            public void end() {
                seen.add("end");
            }
        });
        RunProcess first = start(RecordedRuns.start("c1", "sh", "-c", "sleep 0.3; echo $PPID"));
        RunProcess second = chain(RecordedRuns.start("c2", "sh", "-c", "echo $PPID"), first);
        RunProcess third = chain(RecordedRuns.start("c3", "true"), second);
        assertThat(finished("c3").exitCode()).isZero();
        assertThat(events.events).containsSubsequence("finished c1", "started c2", "finished c2", "started c3");
        assertThat(events.events.indexOf("started c2")).isEqualTo(events.events.indexOf("finished c1") + 1);
        assertThat(events.output("c2", "stdout").trim()).isEqualTo(Long.toString(helper.pid()));
        assertThat(third.pid()).isGreaterThan(1);
        assertThat(events.events).noneMatch(e -> e.startsWith("withdrawn"));
    }

    @Test
    void anEndFreesAPlaceUnlessTheRunChainedAfterItStartsInTheSameTurn() throws Exception {
        helper = startRecordingHelper();
        RunProcess first = start(RecordedRuns.start("q1", "sleep", "0.3"));
        // not `true`: a start waits a moment for its run's end to share its write, and an end that came in time would
        // rightly put q2's own end, and the place it frees, in q1's batch
        chain(RecordedRuns.start("q2", "sleep", "0.5"), first);
        assertThat(finished("q2").exitCode()).isZero();
        await().atMost(WAIT).until(() -> events.events.get(events.events.size() - 1).equals("end"));
        assertThat(batchOf("finished q1")).as("q2 took q1's place").containsExactly("finished q1", "started q2");
        assertThat(batchOf("finished q2")).as("nothing took q2's place").contains("freed");
    }

    /** A helper whose batches are recorded among the events, as "begin", "freed" and "end". */
    private SpawnHelper startRecordingHelper() throws IOException {
        return startHelper(List.of(), new SpawnHelper.Batches() {
            @Override
            public void begin() {
                events.events.add("begin");
            }

            @Override
            public void placeFreed() {
                events.events.add("freed");
            }

            @Override
            public void end() {
                events.events.add("end");
            }
        });
    }

    @Test
    void whileAllowedEndsWhosePlaceAChainedRunTookWaitForTheEndThatFreesAPlaceAndGoInOneWrite() throws Exception {
        helper = startRecordingHelper();
        helper.holdReports(60_000);
        RunProcess first = start(RecordedRuns.start("h1", "sleep", "0.3"));
        RunProcess second = chain(RecordedRuns.start("h2", "true"), first);
        RunProcess third = chain(RecordedRuns.start("h3", "true"), second);
        chain(RecordedRuns.start("h4", "true"), third);
        assertThat(finished("h4").exitCode()).isZero();
        assertThat(batchOf("finished h1")).containsExactly("finished h1", "started h2", "finished h2", "started h3",
                "finished h3", "started h4", "finished h4", "freed");
    }

    @Test
    void heldReportsGoOutOnceTheHoldIsOverWhileTheRunThatTookThePlaceStillRuns() throws Exception {
        helper = startRecordingHelper();
        helper.holdReports(200);
        RunProcess first = start(RecordedRuns.start("o1", "sleep", "0.2"));
        chain(RecordedRuns.start("o2", "sleep", "3"), first);
        await().atMost(WAIT).until(() -> events.finished.containsKey("o1"));
        assertThat(events.events).as("o1's end came while o2 ran").doesNotContain("finished o2");
        assertThat(batchOf("finished o1")).containsExactly("finished o1", "started o2");
        assertThat(finished("o2").exitCode()).isZero();
    }

    @Test
    void withoutLeaveToHoldOrOnceItIsTakenBackEveryEndGoesOutAtOnce() throws Exception {
        helper = startRecordingHelper();
        helper.holdReports(60_000);
        helper.holdReports(0);
        RunProcess first = start(RecordedRuns.start("z1", "sleep", "0.2"));
        RunProcess second = chain(RecordedRuns.start("z2", "sleep", "0.5"), first);
        await().atMost(WAIT).until(() -> events.finished.containsKey("z1"));
        assertThat(events.events).doesNotContain("finished z2");

        helper.holdReports(60_000);
        RunProcess third = chain(RecordedRuns.start("z3", "sleep", "30"), second);
        await().atMost(WAIT).until(() -> events.events.contains("started z2"));
        Thread.sleep(1_500); // z2 ended and z3 took its place: both held
        assertThat(events.events).as("held").doesNotContain("finished z2", "started z3");
        helper.holdReports(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> events.events.contains("started z3"));
        assertThat(batchOf("finished z2")).containsExactly("finished z2", "started z3");
        assertThat(third.isAlive()).isTrue();
    }

    /**
     * Every signal a batch system may end a job with (QUIT too: the JVM that starts the helper has it blocked, and a
     * mask is inherited).
     */
    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT", "HUP", "QUIT"})
    void aSignalThatEndsJobsSendsWhatIsHeldAtOnce(String signal) throws Exception {
        helper = startRecordingHelper();
        helper.holdReports(60_000);
        RunProcess first = start(RecordedRuns.start("s1", "sleep", "0.2"));
        RunProcess second = chain(RecordedRuns.start("s2", "sleep", "30"), first);
        await().atMost(WAIT).until(() -> events.events.contains("started s1"));
        Thread.sleep(1_500);
        assertThat(events.events).as("held").doesNotContain("finished s1");
        Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(helper.pid())).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -s " + signal).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> events.events.contains("started s2"));
        assertThat(batchOf("finished s1")).containsExactly("finished s1", "started s2");
        assertThat(second.isAlive()).isTrue();
    }

    @Test
    void takingWhatIsHeldReturnsOnceEveryHeldReportWasHandedOn() throws Exception {
        helper = startRecordingHelper();
        helper.holdReports(60_000);
        RunProcess first = start(RecordedRuns.start("t1", "sleep", "0.2"));
        chain(RecordedRuns.start("t2", "sleep", "30"), first);
        Thread.sleep(1_500);
        assertThat(events.events).as("held").doesNotContain("finished t1");
        assertThat(helper.takeHeld(10_000)).isTrue();
        assertThat(events.events).containsSubsequence("finished t1", "started t2", "end");
        assertThat(helper.takeHeld(10_000)).as("with nothing held").isTrue();
    }

    /** The frames of the batch that told {@code event}, and whether it freed a place. */
    private List<String> batchOf(String event) {
        List<String> all = events.events;
        int at = all.indexOf(event);
        int from = all.subList(0, at).lastIndexOf("begin") + 1;
        int to = at + all.subList(at, all.size()).indexOf("end");
        return all.subList(from, to);
    }

    @Test
    void aRunChainedAfterOneThatFailsToExecStartsAllTheSame() throws Exception {
        helper = startHelper();
        RunProcess broken = start(RecordedRuns.start("f1", "no-such-program-" + UUID.randomUUID()));
        chain(RecordedRuns.start("f2", "true"), broken);
        await().atMost(WAIT).until(() -> events.failed.containsKey("f1"));
        await().atMost(WAIT).until(() -> events.finished.containsKey("f2") || events.events.contains("withdrawn f2"));
        // either it started at once (the run it follows had gone) or came back to the worker: never lost, never both
        assertThat(events.events.contains("started f2")).isNotEqualTo(events.events.contains("withdrawn f2"));
        if (events.finished.containsKey("f2")) {
            assertThat(events.finished.get("f2").exitCode()).isZero();
        }
    }

    @Test
    void aChainComesBackUnstartedWhenTheRunBeforeItIsKilledByASignal() throws Exception {
        helper = startHelper();
        String marker = marker();
        RunProcess sleeper = start(RecordedRuns.start("k1", "sleep", marker));
        RunProcess next = chain(RecordedRuns.start("k2", "true"), sleeper);
        chain(RecordedRuns.start("k3", "true"), next);
        await().atMost(WAIT).until(() -> events.events.contains("started k1"));
        sleeper.kill(timer);
        await().atMost(WAIT).until(() -> events.events.contains("withdrawn k3"));
        assertThat(events.events).containsSubsequence("finished k1", "withdrawn k2", "withdrawn k3")
                .doesNotContain("started k2", "started k3");
        assertThat(next.isAlive()).isFalse();
    }

    @Test
    void aWithdrawnRunNeverStartsAndTheRunBehindItMovesUp() throws Exception {
        helper = startHelper();
        RunProcess first = start(RecordedRuns.start("w1", "sleep", "0.3"));
        RunProcess second = chain(RecordedRuns.start("w2", "true"), first);
        chain(RecordedRuns.start("w3", "true"), second);
        helper.withdraw(second);
        assertThat(finished("w3").exitCode()).isZero();
        assertThat(events.events).containsSubsequence("withdrawn w2", "finished w1", "started w3")
                .doesNotContain("started w2");
    }

    @Test
    void aWithdrawalRacingTheStartGetsExactlyOneAnswerStartedOrWithdrawn() throws Exception {
        helper = startHelper();
        for (int i = 0; i < 30; i++) {
            RunProcess quick = start(RecordedRuns.start("q" + i, "true"));
            RunProcess next = chain(RecordedRuns.start("n" + i, "true"), quick);
            if (i % 3 == 1) {
                Thread.sleep(1);
            }
            helper.withdraw(next);
            String id = "n" + i;
            await().atMost(WAIT).until(() -> events.finished.containsKey(id) || events.events.contains("withdrawn " + id));
            Thread.sleep(20); // anything more it would say comes now
            boolean started = events.events.contains("started " + id);
            assertThat(events.events.contains("withdrawn " + id)).as(id).isNotEqualTo(started);
            assertThat(events.finished.containsKey(id)).as(id).isEqualTo(started);
        }
    }

    @Test
    void aKilledHelperWithdrawsItsChainedRunsBeforeItReportsTheRunsTheyFollowed() throws Exception {
        helper = startHelper();
        String marker = marker();
        RunProcess sleeper = start(RecordedRuns.start("d1", "sleep", marker));
        chain(RecordedRuns.start("d2", "true"), sleeper);
        await().atMost(WAIT).until(() -> events.events.contains("started d1"));
        ProcessHandle.of(helper.pid()).orElseThrow().destroyForcibly();
        assertThat(finished("d1").abandoned()).isTrue();
        assertThat(events.events).containsSubsequence("withdrawn d2", "finished d1").doesNotContain("started d2");
        await().atMost(WAIT).until(() -> processesWithArg(marker).isEmpty());
    }

    @Test
    void pastTheLeaseAChainedRunNeverStarts() throws Exception {
        helper = startHelper();
        helper.lease(System.currentTimeMillis() / 1000 + 600);
        String marker = marker();
        RunProcess sleeper = start(RecordedRuns.start("e1", "sleep", marker));
        chain(RecordedRuns.start("e2", "true"), sleeper);
        await().atMost(WAIT).until(() -> events.events.contains("started e1"));
        helper.lease(System.currentTimeMillis() / 1000 - 1);
        await().atMost(WAIT).until(() -> events.events.contains("withdrawn e2"));
        assertThat(finished("e1").exitCode()).isEqualTo(128 + 9);
        assertThat(sleeper.killedForLease()).isTrue();
        assertThat(events.events).doesNotContain("started e2");
    }

    @Test
    void aRunLeadsItsOwnSessionWithOnlyItsStdinStdoutAndStderrOpenAndNoSignalBlocked() throws Exception {
        helper = startHelper();
        String marker = marker();
        RunProcess run = start(RecordedRuns.start("i1", "sleep", marker));
        await().atMost(WAIT).until(() -> events.events.contains("started i1"));
        Path proc = Path.of("/proc", Long.toString(run.pid()));
        // the exec has happened once the command line is sleep's: before it, a child may still hold what it closes
        await().atMost(WAIT).until(() -> cmdline(run.pid()).contains(marker));
        String stat = Files.readString(proc.resolve("stat"));
        String session = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3];
        assertThat(Long.parseLong(session)).isEqualTo(run.pid());
        try (var fds = Files.list(proc.resolve("fd"))) {
            assertThat(fds.map(fd -> fd.getFileName().toString())).containsExactlyInAnyOrder("0", "1", "2");
        }
        assertThat(Files.readAllLines(proc.resolve("status"))).contains("SigBlk:\t0000000000000000");
        run.kill(timer);
        assertThat(finished("i1").terminated()).isTrue();
    }

    @Test
    void theRunsEnvironmentIsTheHelpersWithTheRunsOwnOnTop() throws Exception {
        helper = startHelper(List.of("/usr/bin/env", "HPC_DASK_TEST_A=helper", "HPC_DASK_TEST_B=kept"),
                SpawnHelper.Batches.NONE);
        helper.start(new Message.StartRun("v1", List.of("sh", "-c", "echo $HPC_DASK_TEST_A $HPC_DASK_TEST_B"), false,
                null, Map.of("HPC_DASK_TEST_A", "run"), Map.of(), List.of()), List.of(), work, events);
        assertThat(finished("v1").exitCode()).isZero();
        assertThat(events.output("v1", "stdout")).isEqualTo("run kept\n");
    }

    @Test
    void aRelativeDirectoryInTheRunsPathIsSearchedFromTheRunsDirectoryAndAScriptWithoutHashBangRunsInSh()
            throws Exception {
        helper = startHelper();
        Path bin = Files.createDirectories(work.resolve("sub/bin"));
        writeScript(bin.resolve("from-sub-bin"), "echo found in sub/bin");
        Files.writeString(bin.resolve("no-hash-bang"), "echo run by sh\n");
        Files.setPosixFilePermissions(bin.resolve("no-hash-bang"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = Map.of("PATH", "bin:/usr/bin:/bin");
        helper.start(new Message.StartRun("s1", List.of("from-sub-bin"), false, "sub", env, Map.of(), List.of()),
                List.of(), work, events);
        helper.start(new Message.StartRun("s2", List.of("no-hash-bang"), false, "sub", env, Map.of(), List.of()),
                List.of(), work, events);
        assertThat(finished("s1").exitCode()).isZero();
        assertThat(finished("s2").exitCode()).isZero();
        assertThat(events.output("s1", "stdout")).isEqualTo("found in sub/bin\n");
        assertThat(events.output("s2", "stdout")).isEqualTo("run by sh\n");
    }

    /** A sleep duration no other process on this machine uses marks the run's processes in /proc. */
    private static String marker() {
        return "1000." + Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L);
    }

    static List<Long> processesWithArg(String arg) {
        return ProcessHandle.allProcesses().filter(p -> cmdline(p.pid()).contains(arg)).map(ProcessHandle::pid).toList();
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
