package io.hpcdask.launcher.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpcdask.launcher.config.ConfigException;
import io.hpcdask.launcher.config.Settings;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The job script's worker line is the worker's own rendering of its options, shell-quoted: a real shell splits it
 * back into exactly the argv the worker's options give, whatever the values hold.
 */
class WorkerCommandTest {
    private static final WorkerEndpoint HOSTILE_ENDPOINT = new WorkerEndpoint("10.0.0.5:8786",
            "/opt/jar dir/w'x\".jar", "/home/u/$HOME `id` \"t\";\nrm -rf x", null);

    private static Settings settings(Map<String, String> values) {
        Map<String, List<String>> raw = new LinkedHashMap<>();
        values.forEach((k, v) -> raw.put(k, List.of(v)));
        return Settings.recorded(raw, "default", "test");
    }

    @Test
    void aShellSplitsTheLineIntoTheWorkersArgv() throws Exception {
        Settings s = settings(Map.of("system", "slurm", "cores", "4", "memory", "8G", "walltime", "1-00:00:00",
                "java", "/opt/java 17/bin/java'\"$HOME", "resources", "gpu=1 foo=5", "lifetime-grace", "30",
                "local-directory", "$TMPDIR/a b; touch pwned/\"'", "job-name", "dask-cpu"));
        String line = WorkerCommand.of(s, HOSTILE_ENDPOINT, WorkerJava.of(s, null));

        List<String> expected = new ArrayList<>(io.hpcdask.worker.WorkerCommand.forJar("/opt/java 17/bin/java'\"$HOME",
                HOSTILE_ENDPOINT.workerJar(), List.of()).argv(WorkerCommand.options(s, HOSTILE_ENDPOINT)));
        int dir = expected.indexOf("--local-directory") + 1;
        assertThat(expected.get(dir)).isEqualTo("$TMPDIR/a b; touch pwned/\"'");
        expected.set(dir, "/scratch/a b; touch pwned/\"'"); // the one value the node's shell expands
        assertThat(splitByShell(line, "/scratch")).isEqualTo(expected);
        assertThat(expected).contains("--token-file", HOSTILE_ENDPOINT.tokenFile(), "--cores", "4", "--memory", "8G",
                "--resources", "gpu=1 foo=5", "--lifetime", "24:00:00", "--lifetime-grace", "30", "--name", "dask-cpu");
    }

    @Test
    void workerCommandIsSeveralWordsEachQuotedOnItsOwn() throws Exception {
        Settings s = settings(Map.of("system", "slurm", "worker-command", "apptainer exec --bind '/scratch/my data' \"img $1.sif\" java",
                "java", "/never/used/java", "worker-java", "bundled"));
        WorkerJava java = WorkerJava.of(s, null);
        String line = WorkerCommand.of(s, HOSTILE_ENDPOINT, java);

        List<String> argv = splitByShell(line, "/scratch");
        assertThat(argv.subList(0, 6)).containsExactly("apptainer", "exec", "--bind", "/scratch/my data", "img $1.sif", "java");
        assertThat(argv.get(6)).isEqualTo(io.hpcdask.worker.WorkerCommand.JVM_OPTIONS.get(0));
        assertThat(line).doesNotContain("/never/used/java");
        assertThat(java.why()).contains("worker-command");
    }

    @Test
    void workerJavaChoosesOneRule() {
        Settings auto = settings(Map.of("system", "slurm", "java", "/opt/jdk/bin/java"));
        assertThat(WorkerJava.of(auto, null)).isEqualTo(new WorkerJava(WorkerJava.Mode.GIVEN, List.of("/opt/jdk/bin/java"), null));
        assertThat(WorkerJava.of(auto, "/h/rt.tar.gz"))
                .isEqualTo(new WorkerJava(WorkerJava.Mode.AUTO, List.of("/opt/jdk/bin/java"), "/h/rt.tar.gz"));
        Settings named = settings(Map.of("system", "slurm", "java", "java", "worker-java", "/opt/jdk 21/bin/java"));
        assertThat(WorkerJava.of(named, "/h/rt.tar.gz").command()).containsExactly("/opt/jdk 21/bin/java");
        Settings bundled = settings(Map.of("system", "slurm", "worker-java", "bundled"));
        assertThat(WorkerJava.of(bundled, "/h/rt.tar.gz").mode()).isEqualTo(WorkerJava.Mode.BUNDLED);
        assertThatThrownBy(() -> WorkerJava.of(bundled, null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("worker-java is 'bundled' but this hpc-dask has no worker runtime");
    }

    /** The words a POSIX shell makes of {@code line}, with {@code TMPDIR} set as on a node. */
    private static List<String> splitByShell(String line, String tmpdir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "printf '%s\\0' " + line);
        pb.environment().put("TMPDIR", tmpdir);
        Process p = pb.redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        String text = out.toString(StandardCharsets.UTF_8);
        return Arrays.asList(text.substring(0, text.length() - 1).split("\0", -1));
    }
}
