package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The worker's JVM options given to a real JVM: it must take each as meant, and say nothing of them on stdout. */
class WorkerJvmOptionsTest {
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
    private static String javaVersion(List<String> options) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(options);
        cmd.add("-version");
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
