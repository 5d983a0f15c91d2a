package io.hpcdask.server;

import static io.hpcdask.server.SchedulerServerTest.config;
import static io.hpcdask.server.loop.RecordingConnection.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hpcdask.protocol.InvalidValueException;
import io.hpcdask.protocol.Message;
import io.hpcdask.server.api.RetryRequest;
import io.hpcdask.server.api.RunPolicyRequest;
import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.api.RunView;
import io.hpcdask.server.loop.RecordingConnection;
import io.hpcdask.server.transport.WorkerListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run policies through the real store, the event loop and a restart of the server. */
class RunPoliciesServerTest {
    @TempDir
    Path dir;

    private static RunRequest run(String label, RunPolicyRequest policy, String... tags) {
        return new RunRequest(List.of("echo", label), false, "/tmp", Map.of(), List.of(tags), label).withPolicy(policy);
    }

    private static RunPolicyRequest after(String ids) {
        return new RunPolicyRequest(null, null, null, null, ids);
    }

    private static RunView view(SchedulerServer server, String id) {
        return server.run(id);
    }

    @Test
    void anUnknownDependencyIsRefusedAndNothingIsStaged() {
        try (SchedulerServer server = SchedulerServer.start(config(dir, Map.of(), 10_000))) {
            server.stage(List.of(run("a", null)));
            assertThatThrownBy(() -> server.stage(List.of(run("b", null), run("c", after("1,7")))))
                    .isInstanceOf(InvalidValueException.class)
                    .hasMessage("after: no run with id 7; expected ids of existing runs, such as 12,20-29");
            assertThat(server.runs(null)).extracting(RunView::id).containsExactly("1");
        }
    }

    @Test
    void dependenciesAndPoliciesSurviveARestart() {
        RunPolicyRequest policy = new RunPolicyRequest(4, 90L, 2, 1, "1");
        try (SchedulerServer server = SchedulerServer.start(config(dir, Map.of("bar", 1L), 10_000))) {
            server.stage(List.of(run("first", null, "dask:bar=1")));
            server.stage(List.of(run("second", policy)));
            assertThat(view(server, "2").waitReason()).isEqualTo("waiting for run 1 to complete");
        }
        try (SchedulerServer server = SchedulerServer.start(config(dir, Map.of("bar", 1L), 10_000))) {
            RunView second = view(server, "2");
            assertThat(second.state()).isEqualTo("staged");
            assertThat(second.waitReason()).isEqualTo("waiting for run 1 to complete");
            assertThat(List.of(second.priority(), second.timeLimitSeconds(), second.maxAttempts(), second.retries(),
                    second.after())).containsExactly(4, 90L, 2, 1, "1");
            assertThat(server.cancel(List.of("1"))).containsExactly("1");
            await().atMost(Duration.ofSeconds(10)).until(() -> view(server, "2").state().equals("terminated"));
            assertThat(view(server, "2").reason()).isEqualTo("dependency 1 ended terminated");
        }
    }

    @Test
    void aRetriedErrorRunRunsAgainAsItsNextAttemptAndARetryPolicyShowsInTheRun() throws Exception {
        try (SchedulerServer server = SchedulerServer.start(config(dir, Map.of(), 10_000))) {
            WorkerListener transport = server.workerListener();
            RecordingConnection w = new RecordingConnection("w1");
            transport.workerConnected(w, hello("w1", 2, Map.of(), List.of()));
            assertThat(StatusWaits.awaitWorkers(server, 1, Duration.ofSeconds(10))).isTrue();
            server.stage(List.of(run("a", new RunPolicyRequest(null, null, null, 1, null)), run("b", null)));
            await().atMost(Duration.ofSeconds(10)).until(() -> w.startedRunIds().size() == 2);
            transport.messageReceived(w, new Message.RunFinished("1", 3, false, null, 1, false));
            await().atMost(Duration.ofSeconds(10)).until(() -> w.startedRunIds().size() == 3);
            RunView a = view(server, "1");
            assertThat(a.retried()).isEqualTo(1);
            assertThat(a.attempts()).isEqualTo(2);
            assertThat(a.state()).isEqualTo("running");
            transport.messageReceived(w, new Message.RunFinished("1", 3, false, null, 2, false));
            transport.messageReceived(w, new Message.RunFinished("2", 0, false, null, 1, false));
            await().atMost(Duration.ofSeconds(10)).until(() -> view(server, "1").state().equals("error"));
            assertThat(view(server, "1").attempts()).isEqualTo(2);

            assertThat(server.retry(new RetryRequest(null, null, null))).containsExactly("1");
            await().atMost(Duration.ofSeconds(10)).until(() -> w.startedRunIds().size() == 4);
            assertThat(w.sentOf(Message.StartRun.class).get(3).attempt()).isEqualTo(3);
            assertThat(server.retry(new RetryRequest(List.of("completed"), null, "2"))).containsExactly("2");
            assertThatThrownBy(() -> server.retry(new RetryRequest(List.of("running"), null, null)))
                    .isInstanceOf(InvalidValueException.class).hasMessageStartingWith("'running' is not a finished state");
        }
    }
}
