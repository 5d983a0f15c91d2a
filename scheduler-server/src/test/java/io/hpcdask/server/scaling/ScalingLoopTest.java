package io.hpcdask.server.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scaling thread against an in-memory batch system that records every call: submissions answer scale
 * callers, refusals come back verbatim, polls follow submissions, and cancelAll leaves nothing live.
 */
class ScalingLoopTest {

    /** A batch system kept in memory: jobs start pending; tests move them. */
    static final class MemoryBatchSystem implements Provisioner {
        final Map<String, JobState> jobs = new ConcurrentHashMap<>();
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        volatile String refuseWith;
        int next = 100;

        @Override
        public synchronized List<String> submit(String profile, int count) throws ProvisionException {
            calls.add("submit " + profile + " " + count);
            if (refuseWith != null) {
                throw new ProvisionException(refuseWith);
            }
            List<String> ids = new ArrayList<>();
            int array = next++;
            for (int i = 0; i < count; i++) {
                ids.add(array + "_" + i);
                jobs.put(array + "_" + i, JobState.PENDING);
            }
            return ids;
        }

        @Override
        public Map<String, JobStatus> poll(Collection<String> jobIds) {
            calls.add("poll " + jobIds.size());
            Map<String, JobStatus> m = new HashMap<>();
            for (String id : jobIds) {
                JobState s = jobs.get(id);
                if (s != null) {
                    m.put(id, new JobStatus(id, s, s == JobState.PENDING ? "Priority" : ""));
                }
            }
            return m;
        }

        @Override
        public void cancel(Collection<String> jobIds) {
            calls.add("cancel " + String.join(",", jobIds));
            jobIds.forEach(id -> jobs.computeIfPresent(id, (k, s) -> s.isLive() ? JobState.CANCELLED : s));
        }

        @Override
        public Diagnosis diagnose(String jobId) {
            return new Diagnosis("stderr: java: command not found", "/home/u/jobs/" + jobId + ".out", "/home/u/jobs/" + jobId + ".out");
        }
    }

    final MemoryBatchSystem batch = new MemoryBatchSystem();
    final List<String> workerCalls = Collections.synchronizedList(new ArrayList<>());
    final WorkerControl control = new WorkerControl() {
        @Override
        public void drain(String worker) {
            workerCalls.add("drain " + worker);
        }

        @Override
        public void drainIdle(String worker) {
            workerCalls.add("drain-idle " + worker);
        }
    };
    ScalingLoop loop;

    @AfterEach
    void close() {
        if (loop != null) {
            loop.close();
        }
    }

    @Test
    void scaleReturnsTheSubmittedJobsAndPollsSoonAfter() throws Exception {
        loop = new ScalingLoop(batch, control, System::currentTimeMillis, 60_000, 50);
        ScalingLoop.ScaleOutcome outcome = loop.scale("cpu", 3).get(10, TimeUnit.SECONDS);
        assertThat(outcome.error()).isNull();
        assertThat(outcome.submitted()).containsExactly("100_0", "100_1", "100_2");
        await().atMost(Duration.ofSeconds(10)).until(() -> batch.calls.contains("poll 3"));
        assertThat(loop.jobs().get()).extracting(Autoscaler.JobView::reason).containsOnly("Priority");
        assertThat(loop.scale("cpu", 3).get(10, TimeUnit.SECONDS).submitted()).as("nothing more to submit").isEmpty();
    }

    @Test
    void aRefusedSubmissionComesBackVerbatim() throws Exception {
        loop = new ScalingLoop(batch, control, System::currentTimeMillis, 60_000, 50);
        batch.refuseWith = "sbatch exited with status 1: sbatch: error: invalid partition specified: nosuch";
        ScalingLoop.ScaleOutcome outcome = loop.scale("gpu", 1).get(10, TimeUnit.SECONDS);
        assertThat(outcome.error()).isEqualTo(batch.refuseWith);
        assertThat(loop.pools().get()).singleElement().satisfies(p -> assertThat(p.lastError()).contains("invalid partition"));
    }

    @Test
    void aJobThatFailsBeforeItsWorkerConnectsIsDiagnosedAndReplaced() throws Exception {
        loop = new ScalingLoop(batch, control, System::currentTimeMillis, 60_000, 50);
        loop.scale("cpu", 1).get(10, TimeUnit.SECONDS);
        batch.jobs.put("100_0", JobState.FAILED);
        await().atMost(Duration.ofSeconds(10)).until(() -> batch.calls.contains("submit cpu 1")
                && batch.calls.stream().filter(c -> c.startsWith("submit")).count() == 2);
        assertThat(loop.pools().get().get(0).lastError()).endsWith("(stderr: java: command not found) before its worker connected")
                .startsWith("job 100_0 of profile cpu ended FAILED");
    }

    @Test
    void keepsPollingFastWhileAJobIsPendingPastTheMinuteAfterSubmission() throws Exception {
        java.util.concurrent.atomic.AtomicLong offset = new java.util.concurrent.atomic.AtomicLong();
        loop = new ScalingLoop(batch, control, () -> System.currentTimeMillis() + offset.get(), 3_600_000, 50);
        loop.scale("cpu", 1).get(10, TimeUnit.SECONDS);
        offset.set(10 * 60_000); // the scaler's clock says ten minutes have passed; the job is still pending
        await().atMost(Duration.ofSeconds(10)).until(() -> batch.calls.contains("poll 1"));
        int seen = pollCount();
        await().atMost(Duration.ofSeconds(10)).until(() -> pollCount() >= seen + 5);
    }

    @Test
    void theDiagnosisNamesTheFailedJobsOutputFile() throws Exception {
        loop = new ScalingLoop(batch, control, System::currentTimeMillis, 60_000, 50);
        loop.scale("cpu", 1).get(10, TimeUnit.SECONDS);
        batch.jobs.put("100_0", JobState.FAILED);
        await().atMost(Duration.ofSeconds(10)).until(() -> "100_0".equals(loop.pools().get().get(0).lastErrorJob()));
        assertThat(loop.pools().get().get(0).lastErrorStdout()).isEqualTo("/home/u/jobs/100_0.out");
    }

    private int pollCount() {
        synchronized (batch.calls) {
            return (int) batch.calls.stream().filter(c -> c.startsWith("poll")).count();
        }
    }

    @Test
    void scalingDownStopsIdleWorkersAndCancelsTheirJobs() throws Exception {
        loop = new ScalingLoop(batch, control, System::currentTimeMillis, 60_000, 50);
        loop.scale("cpu", 2).get(10, TimeUnit.SECONDS);
        loop.connected("w0", "100_0");
        loop.connected("w1", "100_1");
        loop.busy("w1", true);
        loop.scale("cpu", 0).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> workerCalls.contains("drain w1"));
        assertThat(workerCalls).containsExactly("drain-idle w0", "drain w1");
        assertThat(batch.calls).contains("cancel 100_0");
        assertThat(batch.jobs.get("100_1")).isEqualTo(JobState.PENDING); // busy: drains, then exits by itself
    }

    @Test
    void cancelAllLeavesNoJobLive() throws Exception {
        loop = new ScalingLoop(batch, control, System::currentTimeMillis, 60_000, 60_000);
        loop.scale("cpu", 2).get(10, TimeUnit.SECONDS);
        loop.scale("gpu", 1).get(10, TimeUnit.SECONDS);
        assertThat(loop.cancelAll(10_000)).isEmpty();
        assertThat(batch.jobs.values()).containsOnly(JobState.CANCELLED);
        assertThat(batch.calls).contains("cancel 100_0,100_1,101_0");
    }
}
