package io.hpcdask.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hpcdask.protocol.Message;
import io.hpcdask.protocol.Resources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Runs through a real worker JVM over a real socket: argv, shell, env, cwd, output, exit codes, cancel, GPUs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerRunsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private Path dir;
    private final RecordingListener listener = new RecordingListener();
    private WorkerTransport transport;
    private WorkerProcess worker;
    private WorkerConnection link;

    @BeforeAll
    void startWorker(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        Path token = dir.resolve("token");
        Files.writeString(token, "s3cret-token\n");
        transport = new WorkerTransport("127.0.0.1", 0, "s3cret-token".getBytes(StandardCharsets.UTF_8), 1_000, listener)
                .start();
        Path work = Files.createDirectories(dir.resolve("work"));
        worker = WorkerProcess.start(WorkerProcess.command(token, "127.0.0.1", transport.port(), "runner")
                .cores(4).resources(Resources.parse("gpu=2")).localDirectory(work.toString()), dir, Map.of());
        await().atMost(WAIT).until(() -> listener.connections.containsKey("runner"));
        link = listener.connection("runner");
    }

    @AfterAll
    void stop() throws Exception {
        worker.close();
        transport.close();
    }

    private Message.RunFinished run(List<String> argv, boolean shell, String cwd, Map<String, String> env,
                                    Map<String, Long> resources) {
        String id = "run-" + UUID.randomUUID();
        link.send(new Message.StartRun(id, argv, shell, cwd, env, resources, List.of()));
        await().atMost(WAIT).until(() -> listener.finished(id).isPresent());
        lastId = id;
        return listener.finished(id).orElseThrow();
    }

    private String lastId;

    private Message.RunFinished run(String... argv) {
        return run(List.of(argv), false, null, Map.of(), Map.of());
    }

    @Test
    void echoStreamsOutputThenReportsExitZero() {
        Message.RunFinished done = run("echo", "hi");
        assertThat(listener.output(lastId, "stdout")).isEqualTo("hi\n");
        assertThat(done.exitCode()).isZero();
        assertThat(done.terminated()).isFalse();
        assertThat(listener.started(lastId)).isPresent();
        // every output chunk arrives before the finish
        int finishedAt = listener.messages.indexOf(done);
        assertThat(listener.messages.subList(finishedAt, listener.messages.size()))
                .noneMatch(m -> m instanceof Message.RunOutput o && o.runId().equals(done.runId()));
    }

    @Test
    void argvReachesTheProgramExactlyWithoutAShell() {
        run("printf", "[%s]\\n", "two words", "it's \"quoted\"", "$HOME", "*");
        assertThat(listener.output(lastId, "stdout"))
                .isEqualTo("[two words]\n[it's \"quoted\"]\n[$HOME]\n[*]\n");
    }

    @Test
    void bulkyOutputArrivesWholeAndInOrder() {
        // 20 MB of numbered lines: more than any socket buffer, so the worker must pace itself, not drop or reorder
        Message.RunFinished done = run("seq", "1", "2600000");
        assertThat(done.exitCode()).isZero();
        String out = listener.output(lastId, "stdout");
        assertThat(out).startsWith("1\n2\n3\n").endsWith("\n2599999\n2600000\n");
        assertThat(out.split("\n")).hasSize(2_600_000);
        long chunks = listener.messages.stream()
                .filter(m -> m instanceof Message.RunOutput o && o.runId().equals(lastId)).count();
        assertThat(chunks).isGreaterThan(1); // streamed in pieces, not held until the end
    }

    @Test
    void shellRunsGoThroughBash() {
        Message.RunFinished done = run(List.of("echo one | tr o O; echo $((6*7)) >&2; exit 3"), true, null, Map.of(), Map.of());
        assertThat(listener.output(lastId, "stdout")).isEqualTo("One\n");
        assertThat(listener.output(lastId, "stderr")).isEqualTo("42\n");
        assertThat(done.exitCode()).isEqualTo(3);
        assertThat(done.terminated()).isFalse();
    }

    @Test
    void runGetsWorkerEnvironmentPlusItsOwnAndItsId() {
        run(List.of("sh", "-c", "echo $HPC_DASK_RUN_ID $FOO $PATH"), false, null, Map.of("FOO", "bar baz"), Map.of());
        String[] words = listener.output(lastId, "stdout").trim().split(" ");
        assertThat(words[0]).isEqualTo(lastId);
        assertThat(words[1] + " " + words[2]).isEqualTo("bar baz");
        assertThat(words[3]).isEqualTo(System.getenv("PATH"));
    }

    @Test
    void cwdIsHonouredAndDefaultsToTheLocalDirectory() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("work/sub dir"));
        run(List.of("pwd"), false, sub.toString(), Map.of(), Map.of());
        assertThat(listener.output(lastId, "stdout").trim()).isEqualTo(sub.toRealPath().toString());
        run("pwd");
        assertThat(listener.output(lastId, "stdout").trim()).isEqualTo(dir.resolve("work").toRealPath().toString());
    }

    @Test
    void exitCodesAndSignalsAreReportedAsShellsDo() {
        assertThat(run("sh", "-c", "exit 7").exitCode()).isEqualTo(7);
        Message.RunFinished killed = run("sh", "-c", "kill -KILL $$");
        assertThat(killed.exitCode()).isEqualTo(128 + 9);
        assertThat(killed.terminated()).isTrue();
    }

    @Test
    void aRunThatCannotStartFailsWithTheReason() {
        Message.RunFinished done = run(List.of("true"), false, dir.resolve("no-such-dir").toString(), Map.of(), Map.of());
        assertThat(done.exitCode()).isNotZero();
        assertThat(done.error()).contains("no-such-dir");
        assertThat(listener.output(lastId, "stderr")).contains("could not start");
    }

    @Test
    void cancelKillsTheWholeProcessGroup() throws Exception {
        // a duration no other process on this machine uses marks the run's processes in /proc
        String marker = "1000." + Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L);
        String id = "run-cancel";
        // the background sleep is a grandchild of the run: only a group kill reaches it
        link.send(new Message.StartRun(id, List.of("bash", "-c", "sleep " + marker + " & sleep " + marker + "; wait"),
                false, null, Map.of(), Map.of(), List.of()));
        await().atMost(WAIT).until(() -> processesWithArg(marker).size() >= 3);
        await().atMost(WAIT).until(() -> listener.started(id).isPresent());
        link.send(new Message.CancelRun(id));
        await().atMost(WAIT).until(() -> listener.finished(id).isPresent());
        Message.RunFinished done = listener.finished(id).orElseThrow();
        assertThat(done.terminated()).isTrue();
        await().atMost(WAIT).until(() -> processesWithArg(marker).isEmpty());
    }

    /** Issue 9, row 8: a cancel of a run the worker does not hold is answered, so the scheduler can end it. */
    @Test
    void cancelOfARunNotHeldHereIsAnsweredAsEnded() {
        String id = "never-started-" + UUID.randomUUID();
        link.send(new Message.CancelRun(id));
        await().atMost(WAIT).until(() -> listener.finished(id).isPresent());
        Message.RunFinished done = listener.finished(id).orElseThrow();
        assertThat(done.terminated()).isTrue();
        assertThat(done.error()).isEqualTo("not running on this worker");
    }

    @Test
    void aGpuRunSeesExactlyOneOfTheWorkersDevices() {
        run(List.of("sh", "-c", "echo $CUDA_VISIBLE_DEVICES"), false, null, Map.of(), Map.of("gpu", 1L));
        String visible = listener.output(lastId, "stdout").trim();
        assertThat(visible).isIn("0", "1");
        assertThat(listener.hellos.get(0).gpuIds()).containsExactly("0", "1");
        assertThat(listener.hellos.get(0).resources()).containsEntry("gpu", 2L).containsEntry("cores", 4L);
    }

    /** Live processes whose command line holds {@code arg}, read from /proc. */
    static List<Long> processesWithArg(String arg) {
        return ProcessHandle.allProcesses()
                .filter(p -> cmdline(p.pid()).contains(arg))
                .map(ProcessHandle::pid)
                .toList();
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
