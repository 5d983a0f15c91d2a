package io.hpcdask.server.api;

import static io.hpcdask.server.loop.RecordingConnection.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpcdask.protocol.Message;
import io.hpcdask.server.SchedulerServer;
import io.hpcdask.server.ServerConfig;
import io.hpcdask.server.loop.RecordingConnection;
import io.hpcdask.server.scaling.Autoscaler;
import io.hpcdask.server.scaling.JobState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The summary topic's messages from a real scheduler: a full one first, then changed parts only, coalesced. */
class SummaryFeedTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    private SchedulerServer server;
    private SummaryFeed feed;
    private final List<DashboardSummary> got = Collections.synchronizedList(new ArrayList<>());
    private volatile ScalingView scaling = new ScalingView("slurm", List.of(), List.of(), 0);

    @BeforeEach
    void start() {
        server = SchedulerServer.start(new ServerConfig(dir, Map.of(), 100, 10_000, 10_000, 3, 50));
        feed = new SummaryFeed(server::dashboard, () -> scaling, JSON);
    }

    @AfterEach
    void stop() {
        feed.close();
        server.close();
    }

    private void collect(String text) {
        try {
            got.add(JSON.readValue(text, DashboardSummary.class));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static RunRequest run(String label) {
        return new RunRequest(List.of("true"), false, "/tmp", Map.of(), List.of(), label);
    }

    private DashboardSummary last() {
        return got.get(got.size() - 1);
    }

    @Test
    void aFullMessageFirstThenOnlyWhatChanged() throws Exception {
        RecordingConnection w1 = new RecordingConnection("w1");
        server.workerListener().workerConnected(w1, new Message.Hello(Message.VERSION, "w1", "node1", "77",
                Map.of("cores", 2L, "memory", 1L << 30), 2, List.of(), 0, List.of()));
        Autoscaler.PoolView pool = new Autoscaler.PoolView("cpu", 1, 0, 1, 1, 0, null, null, null, null, null);
        scaling = new ScalingView("slurm", List.of(pool), List.of(new Autoscaler.JobView("77", "cpu", JobState.RUNNING,
                null, "w1", 1_000, false, 2_000L, true)), 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.dashboard().workers().size() == 1);
        server.stage(List.of(run("a"), run("b"), run("c")));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.dashboard().counts().get("running") == 2);

        Runnable stop = feed.subscribe(this::collect);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        DashboardSummary full = got.get(0);
        assertThat(full.full()).isTrue();
        assertThat(full.system()).isEqualTo("slurm");
        assertThat(full.states()).containsExactly("staged", "running", "completed", "error", "terminated", "lost", "timeout");
        assertThat(full.counts()).containsEntry("staged", 1L).containsEntry("running", 2L);
        assertThat(full.queue().staged()).isEqualTo(1);
        assertThat(full.workers()).singleElement().satisfies(w -> {
            assertThat(w.id()).isEqualTo("w1");
            assertThat(w.profile()).isEqualTo("cpu"); // from its batch job
            assertThat(w.slotsUsed()).isEqualTo(2);
        });
        assertThat(full.profiles()).containsExactly(pool);
        assertThat(full.jobs()).hasSize(1);
        assertThat(full.series()).isNotEmpty();

        // a run ends: counts and the worker's row change; the profiles and jobs do not, so they are left out
        server.workerListener().messageReceived(w1, new Message.RunFinished(w1.startedRunIds().get(0), 0, false, null));
        await().atMost(Duration.ofSeconds(10)).until(() -> got.stream().anyMatch(m -> m.counts() != null
                && m.counts().get("completed") == 1));
        DashboardSummary change = got.stream().filter(m -> m.counts() != null && m.counts().get("completed") == 1)
                .findFirst().orElseThrow();
        assertThat(change.full()).isFalse();
        assertThat(change.runsVersion()).isGreaterThan(full.runsVersion());
        assertThat(change.profiles()).isNull();
        assertThat(change.jobs()).isNull();
        assertThat(change.states()).isNull();

        // a second worker joins, then the first leaves: rows come and go one by one
        server.workerListener().workerConnected(new RecordingConnection("w2"), hello("w2", 1, Map.of(), List.of()));
        await().atMost(Duration.ofSeconds(10)).until(() -> got.stream().anyMatch(m -> m.workers() != null
                && m.workers().stream().anyMatch(w -> w.id().equals("w2"))));
        server.workerListener().workerDisconnected(w1, "test");
        await().atMost(Duration.ofSeconds(10)).until(() -> got.stream().anyMatch(m -> m.workersGone() != null
                && m.workersGone().contains("w1")));
        stop.run();
    }

    @Test
    void manyChangesAreCoalescedIntoAMessageAPeriod() throws Exception {
        feed.subscribe(this::collect);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        long t0 = System.nanoTime();
        for (int i = 0; i < 100; i++) { // 100 stagings, each a change, over about 2 seconds
            server.stage(List.of(run("x" + i)));
            Thread.sleep(20);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> last().counts() != null && last().counts().get("staged") == 100);
        double periods = (System.nanoTime() - t0) / 1e6 / SummaryFeed.PERIOD_MILLIS;
        int messages = got.size();
        // the full one, then at most one per period begun since the first change
        assertThat(messages - 1).isGreaterThanOrEqualTo(1).isLessThanOrEqualTo((int) Math.ceil(periods) + 1);
        // nothing changes: nothing is sent, though the series goes on
        Thread.sleep(3 * SummaryFeed.PERIOD_MILLIS);
        assertThat(got).hasSize(messages);
        // a new subscriber starts from the whole state
        List<DashboardSummary> second = Collections.synchronizedList(new ArrayList<>());
        feed.subscribe(text -> {
            try {
                second.add(JSON.readValue(text, DashboardSummary.class));
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> second.size() == 1);
        assertThat(second.get(0).full()).isTrue();
        assertThat(second.get(0).counts()).containsEntry("staged", 100L);
        assertThat(got).hasSize(messages); // the first subscriber was sent nothing new
    }

    @Test
    void aSubscriberThatFailsIsDropped() throws Exception {
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        feed.subscribe(text -> {
            calls.add(text);
            if (calls.size() == 2) {
                throw new IllegalStateException("the client left");
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.size() == 1);
        server.stage(List.of(run("a")));
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.size() == 2);
        server.stage(List.of(run("b")));
        Thread.sleep(3 * SummaryFeed.PERIOD_MILLIS);
        assertThat(calls).hasSize(2);
    }

    @Test
    void throughputIsRunsFinishedPerSecondOverTheLastTenSeconds() {
        List<DashboardSummary.Sample> s = new ArrayList<>();
        for (int i = 0; i <= 20; i++) {
            s.add(new DashboardSummary.Sample(i * 1000L, i * 3L, List.of()));
        }
        assertThat(SummaryFeed.throughput(s)).isEqualTo(3.0);
        assertThat(SummaryFeed.throughput(s.subList(0, 1))).isZero();
        assertThat(SummaryFeed.throughput(List.of(new DashboardSummary.Sample(0, 0, List.of()),
                new DashboardSummary.Sample(4000, 10, List.of())))).isEqualTo(2.5);
    }
}
