package io.hpcdask.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpcdask.launcher.cli.CliContext;
import io.hpcdask.launcher.cli.Main;
import io.hpcdask.server.api.RunView;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an example's {@code run.sh} as a user would, with {@code hpc-dask} being this build's launcher (a small wrapper
 * around the test class path, so no jar needs to be built first) and HPC_DASK_HOME in a test directory.
 */
final class ExampleScripts {
    static final Path REPO = Path.of(System.getProperty("hpcdask.repo.root", "..")).toAbsolutePath().normalize();

    private final Path home;

    ExampleScripts(Path home) {
        this.home = home;
    }

    record Result(int exitCode, String output) {}

    Result run(String example) throws IOException, InterruptedException {
        Path wrapper = home.resolve("hpc-dask");
        Files.writeString(wrapper, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' -Dhpcdask.repo.root='" + REPO + "' -cp '" + System.getProperty("java.class.path")
                + "' io.hpcdask.launcher.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        Path log = home.resolve(example + ".out");
        ProcessBuilder pb = new ProcessBuilder("bash", REPO.resolve("examples").resolve(example).resolve("run.sh").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("HPC_DASK", wrapper.toString());
        pb.environment().put("HPC_DASK_HOME", home.toString());
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(example + "/run.sh did not finish within 300s:\n" + Files.readString(log));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /** The cluster's runs, read after the script stopped it (from its store). */
    List<RunView> runs(String cluster) throws IOException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("HPC_DASK_HOME", home.toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new CliContext(env, home), new PrintWriter(out), new PrintWriter(err),
                "runs", "--name", cluster, "--last", "0", "--output", "json");
        assertThat(code).as(err.toString()).isZero();
        List<RunView> runs = new java.util.ArrayList<>();
        for (JsonNode r : new ObjectMapper().readTree(out.toString()).get("runs")) {
            // only what the examples' checks read: the state and when each ran, to the millisecond
            runs.add(new RunView(r.get("id").asText(), null, r.get("state").asText(), List.of(), Map.of(), null, null,
                    millis(r.get("startedAt")), millis(r.get("endedAt")), null, r.get("attempts").asInt(), null, null));
        }
        return runs;
    }

    private static Long millis(JsonNode time) {
        return time.isNull() ? null : java.time.Instant.parse(time.asText()).toEpochMilli();
    }

    static int maxConcurrent(List<RunView> runs) {
        int max = 0;
        for (RunView r : runs) {
            int at = 0;
            for (RunView o : runs) {
                if (o.startedAt() <= r.startedAt() && r.startedAt() < o.endedAt()) {
                    at++;
                }
            }
            max = Math.max(max, at);
        }
        return max;
    }
}
