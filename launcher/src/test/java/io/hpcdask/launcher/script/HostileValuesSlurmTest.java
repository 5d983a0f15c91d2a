package io.hpcdask.launcher.script;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.cli.CliRun;
import io.hpcdask.launcher.testenv.TestEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values that would run commands if they reached a shell unquoted. They are accepted where a real job needs such
 * text (java path, extra directives, local directory) and must stay inert: bash -n parses the script, running it
 * executes nothing from them, and a real sbatch --test-only accepts it.
 */
class HostileValuesSlurmTest {
    @TempDir
    Path dir;

    private String render(Path fakeJava) {
        CliRun.Result r = new CliRun(dir).run("print", "job-script", "--system", "slurm", "--cores", "1", "--memory", "100M",
                "--walltime", "00:01:00", "--worker-java", fakeJava.toString(),
                "--job-extra-directive", "--comment=\"x; touch pwned\"",
                "--local-directory", "$TMPDIR/a b; touch pwned/\"'$Y",
                "--resources", "gpu=1 foo=5", "--scheduler-address", "127.0.0.1:1");
        assertThat(r.err()).isEmpty();
        assertThat(r.exitCode()).isZero();
        return r.out();
    }

    @Test
    void hostileValuesStayInert() throws Exception {
        Path marker = dir.resolve("pwned");
        // A stand-in for java, named like an injection, that prints its arguments one per line.
        Path fakeJava = dir.resolve("java x;touch pwned #");
        Files.writeString(fakeJava, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\"\n");
        assertThat(fakeJava.toFile().setExecutable(true)).isTrue();
        String script = render(fakeJava);
        Path file = dir.resolve("job.sh");
        Files.writeString(file, script);

        assertThat(run(List.of("bash", "-n", file.toString()), "").exit).isZero();

        Result ran = run(List.of("bash", file.toString()), "/scratch");
        assertThat(ran.exit).as(ran.err).isZero();
        assertThat(marker).doesNotExist();
        assertThat(ran.out.lines()).contains("--local-directory", "/scratch/a b; touch pwned/\"'why", "gpu=1 foo=5");

        TestEnv.requireSlurm();
        Result sbatch = run(List.of("sbatch", "--test-only", file.toString()), "");
        assertThat(sbatch.exit).as(sbatch.err).isZero();
        assertThat(sbatch.err).contains("to start at");
        assertThat(marker).doesNotExist();
        System.out.println("SLURM-backed test ran: sbatch --test-only accepted a script with hostile values: " + sbatch.err.trim());
    }

    @Test
    void renderedScriptsForManyOptionSetsAreAcceptedBySbatch() throws Exception {
        TestEnv.requireSlurm();
        List<List<String>> sets = List.of(
                List.of("--cores", "2", "--memory", "8G", "--walltime", "00:30:00"),
                List.of("--cores", "1", "--memory", "500MB", "--walltime", "5", "--queue", TestEnv.slurmPartition()),
                List.of("--log-directory", dir.toString(), "--job-name", "hpcdask-test", "--walltime", "1-00:00"),
                List.of("--job-extra-directive", "--comment=\"hpc-dask test\"", "--directive-skip", "-N 1", "--walltime", "30:00"));
        for (List<String> options : sets) {
            List<String> args = new ArrayList<>(List.of("print", "job-script", "--system", "slurm"));
            args.addAll(options);
            CliRun.Result r = new CliRun(dir).run(args.toArray(String[]::new));
            assertThat(r.exitCode()).as(r.err()).isZero();
            Path file = Files.writeString(dir.resolve("job.sh"), r.out());
            Result sbatch = run(List.of("sbatch", "--test-only", file.toString()), "");
            assertThat(sbatch.exit).as(options + ": " + sbatch.err).isZero();
            System.out.println("SLURM-backed test ran: sbatch --test-only accepted " + options + ": " + sbatch.err.trim());
        }
    }

    private record Result(int exit, String out, String err) {}

    private Result run(List<String> argv, String tmpdir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
        pb.environment().put("TMPDIR", tmpdir);
        pb.environment().put("Y", "why");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, err);
    }
}
