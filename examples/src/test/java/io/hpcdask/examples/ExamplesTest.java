package io.hpcdask.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.api.RunView;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each example's run.sh, run for real on a local cluster, does what its README says. */
class ExamplesTest {
    @TempDir
    Path home;

    @Test
    void parallelRunsAllRunAtOnce() throws Exception {
        ExampleScripts scripts = new ExampleScripts(home);
        ExampleScripts.Result r = scripts.run("parallel-runs");
        assertThat(r.exitCode()).as(r.output()).isZero();
        List<RunView> runs = scripts.runs("example-parallel-runs");
        assertThat(runs).hasSize(4).extracting(RunView::state).containsOnly("completed");
        assertThat(ExampleScripts.maxConcurrent(runs)).as("%s", runs).isEqualTo(4);
        assertThat(r.output()).contains("Cluster 'example-parallel-runs' stopped");
    }

    @Test
    void twoRunsNeedingFooFiveRunOneAfterTheOtherUnderFooSeven() throws Exception {
        ExampleScripts scripts = new ExampleScripts(home);
        ExampleScripts.Result r = scripts.run("resources");
        assertThat(r.exitCode()).as(r.output()).isZero();
        List<RunView> runs = scripts.runs("example-resources");
        assertThat(runs).hasSize(2).extracting(RunView::state).containsOnly("completed");
        assertThat(ExampleScripts.maxConcurrent(runs)).as("%s", runs).isEqualTo(1);
    }

    @Test
    void gpuRunsGetOneDeviceEachTwoAtATime() throws Exception {
        ExampleScripts scripts = new ExampleScripts(home);
        ExampleScripts.Result r = scripts.run("gpu");
        assertThat(r.exitCode()).as(r.output()).isZero();
        List<RunView> runs = scripts.runs("example-gpu");
        assertThat(runs).hasSize(4).extracting(RunView::state).containsOnly("completed");
        assertThat(ExampleScripts.maxConcurrent(runs)).as("%s", runs).isEqualTo(2);
        for (int i = 1; i <= 4; i++) {
            assertThat(r.output()).containsPattern("run " + i + " on GPU [01]\\b");
        }
    }
}
