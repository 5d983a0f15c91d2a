package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.api.ScalingView;
import io.hpcdask.server.api.WorkerView;
import io.hpcdask.server.scaling.Autoscaler;
import io.hpcdask.server.scaling.JobState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartCheckTest {
    static Autoscaler.PoolView pool(String name, Map<String, Long> offers) {
        return new Autoscaler.PoolView(name, 0, 0, 0, 0, 0, null, null, null, null, null, null, 0, offers);
    }

    static ScalingView view(List<Autoscaler.PoolView> pools, List<Autoscaler.JobView> jobs) {
        return new ScalingView("slurm", pools, jobs, 0);
    }

    static final WorkerView CPU_WORKER = new WorkerView("w1", "n1", "7", null, Map.of("cores", 2L, "memory", 1L << 30),
            Map.of(), 2, 0, "idle", null);

    @Test
    void aRunNoWorkerOrProfileOffersIsNamedWithTheProfiles() {
        String line = StartCheck.cannotStart(List.of("12"), List.of("dask:gpu=1"), List.of(CPU_WORKER),
                view(List.of(pool("cpu", Map.of("cores", 1L))), List.of()));
        assertThat(line).isEqualTo("run 12 cannot start: no worker or profile offers gpu (profiles: cpu); it stays staged");
    }

    @Test
    void tooMuchOfANamedResourceIsShownWithItsAmount() {
        String line = StartCheck.cannotStart(List.of("3", "4", "5"), List.of("dask:gpu=4"), List.of(),
                view(List.of(pool("gpu", Map.of("cores", 1L, "gpu", 2L))), List.of()));
        assertThat(line).isEqualTo("runs 3 to 5 cannot start: no worker or profile offers gpu=4 (profiles: gpu); it stays staged");
    }

    @Test
    void aProfileOrAWorkerThatFitsMeansNothingToSay() {
        assertThat(StartCheck.cannotStart(List.of("1"), List.of("dask:gpu=1"), List.of(),
                view(List.of(pool("cpu", Map.of("cores", 1L)), pool("gpu", Map.of("cores", 1L, "gpu", 1L))), List.of()))).isNull();
        assertThat(StartCheck.cannotStart(List.of("1"), List.of("dask:cores=2 memory=1G"), List.of(CPU_WORKER),
                view(List.of(), List.of()))).isNull();
        assertThat(StartCheck.cannotStart(List.of("1"), List.of("dask:memory=64G"), List.of(),
                view(List.of(pool("cpu", Map.of("cores", 1L))), List.of()))).as("a profile without memory: the node decides").isNull();
    }

    @Test
    void noWorkerAndNoProfileIsSaidPlainly() {
        assertThat(StartCheck.cannotStart(List.of("9"), List.of(), List.of(), ScalingView.none("local")))
                .isEqualTo("run 9 cannot start: no worker is connected and no profile can start one (profiles: none); it stays staged");
    }

    @Test
    void theWaitingLineCountsWorkersAndPendingJobsWithTheirReasons() {
        Autoscaler.JobView pending = new Autoscaler.JobView("41", "cpu", JobState.PENDING, "Resources", null, 0, false, null, false);
        Autoscaler.JobView running = new Autoscaler.JobView("42", "cpu", JobState.RUNNING, "n1", "w1", 0, false, 0L, true);
        assertThat(StartCheck.waiting(List.of(), view(List.of(), List.of(pending, running))))
                .isEqualTo("waiting: 0 worker(s) connected, 1 job(s) pending (PD Resources)");
    }
}
