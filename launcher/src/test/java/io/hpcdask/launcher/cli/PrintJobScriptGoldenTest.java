package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole scripts from {@code print job-script}, compared with reviewed files under src/test/resources/golden.
 * After an intended change: {@code mvn test -pl launcher -Dtest=PrintJobScriptGoldenTest -Dgolden.update=true},
 * then review the diff of the golden files.
 */
class PrintJobScriptGoldenTest {
    static final Path GOLDEN = Path.of(System.getProperty("hpcdask.repo.root", ".."), "launcher/src/test/resources/golden");

    @TempDir
    Path home;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("slurm-basic", List.of("--system", "slurm", "--cores", "2", "--memory", "8G", "--walltime", "00:30:00")),
                Arguments.of("slurm-minimal", List.of("--system", "slurm")),
                Arguments.of("slurm-decimal-memory", List.of("--system", "slurm", "--cores", "1", "--memory", "28GB", "--walltime", "90")),
                Arguments.of("slurm-full", List.of("--system", "slurm", "--cores", "32", "--memory", "1536M",
                        "--walltime", "1-12:00:00", "--queue", "normal", "--account", "proj42", "--job-name", "dask-cpu",
                        "--log-directory", "/scratch/logs/", "--job-extra-directive", "--gres=gpu:1",
                        "--job-extra-directive", "--constraint=\"haswell|broadwell\"", "--directive-skip", "-N 1",
                        "--prologue", "module load java/17", "--prologue", "export OMP_NUM_THREADS=1",
                        "--epilogue", "echo worker done", "--java", "/opt/java 17/bin/java", "--resources", "gpu=1 foo=5",
                        "--local-directory", "$TMPDIR/dask", "--death-timeout", "120", "--scheduler-address", "10.0.0.5:8786",
                        "--shebang", "#!/bin/bash -l")),
                Arguments.of("pbs-basic", List.of("--system", "pbs", "--cores", "2", "--memory", "8G", "--walltime", "00:30:00")),
                Arguments.of("pbs-full", List.of("--system", "pbs", "--cores", "4", "--memory", "8GB", "--walltime", "2-00:00:00",
                        "--queue", "workq@server1", "--account", "proj42", "--log-directory", "/scratch/logs",
                        "--directive-skip", "select", "--job-extra-directive", "-l select=1:ncpus=4:mem=8gb:ngpus=1",
                        "--job-extra-directive", "-l place=excl", "--prologue", "module load java")),
                Arguments.of("pbs-memory-only", List.of("--system", "pbs", "--memory", "28GB")),
                Arguments.of("local", List.of("--system", "local", "--cores", "2", "--memory", "1G", "--resources", "foo=7")),
                Arguments.of("slurm-worker-java-bundled", List.of("--system", "slurm", "--cores", "1", "--worker-java", "bundled")),
                Arguments.of("slurm-worker-java-named", List.of("--system", "slurm", "--cores", "1",
                        "--worker-java", "/opt/jdk 17/bin/java", "--java", "/never/used")),
                Arguments.of("slurm-worker-command", List.of("--system", "slurm", "--cores", "1",
                        "--worker-command", "apptainer exec --bind /scratch 'my image.sif' java", "--worker-java", "bundled")),
                Arguments.of("slurm-site-template", List.of("--system", "slurm", "--cores", "2", "--queue", "gpu",
                        "--template-dir", GOLDEN.resolve("site-templates").toString())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesGoldenFile(String name, List<String> options) throws Exception {
        List<String> args = new ArrayList<>(List.of("print", "job-script"));
        args.addAll(options);
        CliRun.Result r = new CliRun(home).run(args.toArray(String[]::new));
        assertThat(r.err()).isEmpty();
        assertThat(r.exitCode()).isZero();
        Path golden = GOLDEN.resolve(name + ".sh");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(golden, r.out());
        }
        assertThat(r.out()).isEqualTo(Files.readString(golden));
    }
}
