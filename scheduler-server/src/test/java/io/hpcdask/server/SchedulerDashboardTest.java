package io.hpcdask.server;

import static io.hpcdask.server.loop.RecordingConnection.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hpcdask.protocol.Message;
import io.hpcdask.server.api.DashboardState;
import io.hpcdask.server.api.DashboardSummary;
import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.loop.RecordingConnection;
import io.hpcdask.server.transport.WorkerListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's view of a real scheduler: counts kept as runs change, the series, the queue and the workers. */
class SchedulerDashboardTest {
    @TempDir
    Path dir;

    private static List<RunRequest> runs(int n, String... tags) {
        List<RunRequest> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(SchedulerServerTest.request("r" + i, tags));
        }
        return out;
    }

    @Test
    void countsQueueWorkersAndGpusFollowTheScheduler() throws Exception {
        try (SchedulerServer server = SchedulerServer.start(SchedulerServerTest.config(dir, Map.of(), 10_000))) {
            DashboardState empty = server.dashboard();
            assertThat(empty.counts()).containsOnlyKeys("staged", "running", "completed", "error", "terminated", "lost",
                    "timeout").allSatisfy((state, n) -> assertThat(n).isZero());
            assertThat(empty.queue()).isEqualTo(new DashboardSummary.Queue(0, 0, null));
            assertThat(empty.workers()).isEmpty();

            WorkerListener transport = server.workerListener();
            RecordingConnection cpu = new RecordingConnection("cpu1");
            transport.workerConnected(cpu, hello("cpu1", 2, Map.of(), List.of()));
            RecordingConnection gpu = new RecordingConnection("gpu1");
            transport.workerConnected(gpu, new Message.Hello(Message.VERSION, "gpu1", "node-g", "4242",
                    Map.of("cores", 4L, "memory", 1L << 30, "gpu", 2L), 4, List.of("0", "1"), 0, List.of()));
            await().atMost(Duration.ofSeconds(10)).until(() -> server.dashboard().workers().size() == 2);

            long before = server.dashboard().runsVersion();
            long stagedAt = System.currentTimeMillis();
            server.stage(runs(5));                  // 1-5: two start on cpu1, the rest wait for a slot (gpu1 takes any)
            server.stage(runs(1, "dask:gpu=1"));    // 6: one GPU of gpu1
            await().atMost(Duration.ofSeconds(10)).until(() -> gpu.startedRunIds().contains("6"));
            await().atMost(Duration.ofSeconds(10)).until(() -> server.dashboard().counts().get("running") == 6);

            DashboardState s = server.dashboard();
            assertThat(s.runsVersion()).isGreaterThan(before);
            assertThat(s.counts()).containsEntry("staged", 0L).containsEntry("running", 6L);
            DashboardSummary.WorkerRow g = s.workers().stream().filter(w -> w.id().equals("gpu1")).findFirst().orElseThrow();
            assertThat(g.host()).isEqualTo("node-g");
            assertThat(g.jobId()).isEqualTo("4242");
            assertThat(g.slots()).isEqualTo(4);
            assertThat(g.resources()).containsEntry("gpu", 2L);
            assertThat(g.used()).containsEntry("gpu", 1L);
            assertThat(g.gpus()).hasSize(2).filteredOn(DashboardSummary.Gpu::busy).hasSize(1);
            DashboardSummary.WorkerRow c = s.workers().stream().filter(w -> w.id().equals("cpu1")).findFirst().orElseThrow();
            assertThat(c.slotsUsed()).isEqualTo(2);
            assertThat(c.state()).isEqualTo("saturated");
            assertThat(c.gpus()).isEmpty();

            // a queue: more runs than free slots
            server.stage(runs(3));
            await().atMost(Duration.ofSeconds(10)).until(() -> server.dashboard().queue().staged() == 3);
            DashboardSummary.Queue q = server.dashboard().queue();
            assertThat(q.oldestStagedAt()).isBetween(stagedAt, System.currentTimeMillis());

            // ends: completed, error, cancelled (terminated)
            List<String> onCpu = cpu.startedRunIds();
            transport.messageReceived(cpu, new Message.RunFinished(onCpu.get(0), 0, false, null));
            transport.messageReceived(cpu, new Message.RunFinished(onCpu.get(1), 2, false, null));
            assertThat(server.cancel(List.of("9"))).containsExactly("9");
            await().atMost(Duration.ofSeconds(10)).until(() -> server.dashboard().counts().get("terminated") == 1
                    && server.dashboard().counts().get("completed") == 1 && server.dashboard().counts().get("error") == 1);
            DashboardState after = server.dashboard();
            assertThat(after.counts()).isEqualTo(countsFromStore(server));

            // the series: one sample a second, the counts in the states' order, the finished runs counted
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                List<DashboardSummary.Sample> series = server.dashboard().series();
                DashboardSummary.Sample last = series.get(series.size() - 1);
                return last.finished() == 3 && last.counts().get(4) == 1; // 4: terminated
            });
            List<DashboardSummary.Sample> series = server.dashboard().series();
            for (int i = 1; i < series.size(); i++) {
                assertThat(series.get(i).t() - series.get(i - 1).t()).isGreaterThanOrEqualTo(1000);
                assertThat(series.get(i).t() % 1000).isZero();
            }
        }
    }

    @Test
    void countsSurviveARestartFromTheStore() throws Exception {
        try (SchedulerServer first = SchedulerServer.start(SchedulerServerTest.config(dir, Map.of(), 1_000))) {
            first.stage(runs(4));
            first.cancel(List.of("1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> first.dashboard().counts().get("terminated") == 1);
        }
        try (SchedulerServer second = SchedulerServer.start(SchedulerServerTest.config(dir, Map.of(), 1_000))) {
            assertThat(second.dashboard().counts()).containsEntry("staged", 3L).containsEntry("terminated", 1L);
            assertThat(second.dashboard().queue().staged()).isEqualTo(3);
            second.stage(runs(2));
            await().atMost(Duration.ofSeconds(10)).until(() -> second.dashboard().counts().get("staged") == 5);
            assertThat(second.dashboard().counts()).isEqualTo(countsFromStore(second));
        }
    }

    /** What counting every run says: the kept counts must agree. */
    private static Map<String, Long> countsFromStore(SchedulerServer server) {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (io.hpcdask.server.core.RunState st : io.hpcdask.server.core.RunState.values()) {
            counts.put(st.label(), 0L);
        }
        server.runs(null).forEach(r -> counts.merge(r.state(), 1L, Long::sum));
        return counts;
    }
}
