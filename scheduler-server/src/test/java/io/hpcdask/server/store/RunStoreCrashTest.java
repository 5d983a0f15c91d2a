package io.hpcdask.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.core.RunState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JVM staging runs is killed with SIGKILL; every run it was told is staged must be in the database afterwards. */
class RunStoreCrashTest {
    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedRunSurvivesKillMinusNine() throws Exception {
        Path db = dir.resolve("runs.db");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                StoreCrashChild.class.getName(), db.toString()).redirectErrorStream(false).start();
        List<String> acknowledged = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while (acknowledged.size() < 3_000 && (line = in.readLine()) != null) {
                acknowledged.add(line);
            }
            assertThat(acknowledged).as("child stderr: " + new String(child.getErrorStream().readNBytes(
                    child.getErrorStream().available()), StandardCharsets.UTF_8)).hasSize(3_000);
            child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no close
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.exitValue()).isEqualTo(137);

        try (RunStore store = RunStore.open(db)) {
            Set<String> stored = new HashSet<>();
            for (StoredRun r : store.runs(RunState.STAGED)) {
                stored.add(r.id().value());
            }
            assertThat(stored).containsAll(acknowledged);
            long max = stored.stream().mapToLong(Long::parseLong).max().orElseThrow();
            // ids keep increasing after the crash, never reused
            String next = store.stage(List.of(new RunRequest(List.of("true"), false, "/", null, null, null, null)), 1)
                    .get(0).id().value();
            assertThat(Long.parseLong(next)).isGreaterThan(max);
        }
    }
}
