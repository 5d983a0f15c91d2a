package io.hpcdask.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hpcdask.protocol.Message;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch system ending a job (scancel, walltime) signals every process of it at once: the worker and its runs.
 * Such a run must come back to the scheduler as a lost worker (so it is re-staged), never as a run that the user's
 * command ended with a signal. A run killed on its own, with the worker alive, is still reported as terminated.
 */
class JobKilledWithWorkerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    @TempDir
    Path dir;
    private final RecordingListener listener = new RecordingListener();
    private WorkerTransport transport;
    private WorkerProcess worker;

    private WorkerConnection start() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "tok\n");
        transport = new WorkerTransport("127.0.0.1", 0, "tok".getBytes(StandardCharsets.UTF_8), 1_000, listener).start();
        worker = WorkerProcess.start(WorkerProcess.command(token, "127.0.0.1", transport.port(), "w").cores(1), dir, Map.of());
        await().atMost(WAIT).until(() -> listener.connections.containsKey("w"));
        return listener.connection("w");
    }

    @AfterEach
    void stop() throws Exception {
        if (worker != null) {
            worker.close();
        }
        if (transport != null) {
            transport.close();
        }
    }

    private static long runPid(RecordingListener listener, String id) {
        await().atMost(WAIT).until(() -> listener.started(id).isPresent());
        return listener.started(id).orElseThrow().pid();
    }

    @Test
    void aRunKilledTogetherWithItsWorkerIsNotReportedAsFinished() throws Exception {
        WorkerConnection link = start();
        link.send(new Message.StartRun("r1", List.of("sleep", "300"), false, null, Map.of(), Map.of(), List.of()));
        long pid = runPid(listener, "r1");
        // what scancel does: TERM to every process of the job, at the same moment
        new ProcessBuilder("kill", "-TERM", "--", "-" + pid, Long.toString(worker.pid())).start().waitFor();
        assertThat(worker.exitCode(30)).as(worker.log()).isNotNull();
        await().atMost(WAIT).until(() -> listener.disconnectsOf(link) > 0);
        assertThat(listener.finished("r1")).as("the scheduler must see a lost worker, not a finished run").isEmpty();
    }

    @Test
    void aRunKilledAloneIsReportedAsTerminated() throws Exception {
        WorkerConnection link = start();
        link.send(new Message.StartRun("r2", List.of("sleep", "300"), false, null, Map.of(), Map.of(), List.of()));
        long pid = runPid(listener, "r2");
        new ProcessBuilder("kill", "-TERM", Long.toString(pid)).start().waitFor();
        await().atMost(WAIT).until(() -> listener.finished("r2").isPresent());
        Message.RunFinished done = listener.finished("r2").orElseThrow();
        assertThat(done.exitCode()).isEqualTo(143);
        assertThat(done.terminated()).isTrue();
        assertThat(worker.exitCode(0)).as("the worker lives on").isNull();
    }
}
