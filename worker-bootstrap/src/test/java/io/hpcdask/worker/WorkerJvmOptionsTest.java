package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's JVM options given to a real JVM: it must take each as meant, and say nothing of them on stdout. */
class WorkerJvmOptionsTest {
    @TempDir
    Path dir;

    @Test
    void theJvmScalesTheRunPathsPackagesThresholdsByAQuarter() throws Exception {
        List<String> echoed = new ArrayList<>(WorkerCommand.JVM_OPTIONS);
        assertThat(echoed.remove("-XX:CompileCommand=quiet")).isTrue(); // without it the JVM echoes each command
        assertThat(javaVersion(echoed)).contains(
                "CompileThresholdScaling io/hpcdask/*.* double CompileThresholdScaling = 0.250000",
                "CompileThresholdScaling io/netty/*.* double CompileThresholdScaling = 0.250000",
                "CompileThresholdScaling java/util/concurrent/*.* double CompileThresholdScaling = 0.250000");
    }

    @Test
    void aWorkerJvmStartsWithItsOptionsAndPrintsNothingOfThem() throws Exception {
        assertThat(javaVersion(WorkerCommand.JVM_OPTIONS)).isEmpty();
    }

    /** stdout of {@code java OPTIONS -version} (its version goes to stderr), which must exit 0. */
    private String javaVersion(List<String> options) throws Exception {
        List<String> words = new ArrayList<>(options);
        words.add("-version");
        try (JvmProcess jvm = JvmProcess.java(dir, words)) {
            assertThat(jvm.waitFor(60)).as(jvm.stderr()).isZero();
            return jvm.stdout();
        }
    }
}
