package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launch script (distribution/src/main/sh/cli-launch.sh, sourced by ./hpc-dask and the release's bin/hpc-dask)
 * with the packaged jar: a command's first run makes its class-data archive, later runs start from it, and an archive
 * the JVM refuses (a rebuilt jar) is removed by the command and made again by the next run.
 */
class CliLaunchScriptIT {
    @TempDir
    Path tmp;

    private Path jar;
    private Path cds;

    private record Result(int code, String out, String err) {
    }

    @BeforeEach
    void copyJar() throws IOException {
        jar = tmp.resolve("hpc-dask.jar");
        Files.copy(repoRoot().resolve("launcher/target/hpc-dask.jar"), jar);
        cds = tmp.resolve("cds");
    }

    @Test
    void firstRunMakesTheArchiveLaterRunsStartFromIt() throws Exception {
        Files.createDirectories(cds);
        Path old = Files.writeString(cds.resolve("version-30272246-1796167363-1987267927.jsa"), "an archive of the old naming");

        Result first = cli("--version");
        assertThat(first.code()).as(first.toString()).isZero();
        assertThat(first.out()).startsWith("hpc-dask ");
        assertThat(files(cds)).containsExactly("version.jsa");
        assertThat(old).doesNotExist();

        Path classes = tmp.resolve("classes.log");
        Result second = cliWithJavaOpts("-Xlog:class+load:file=" + classes, "--version");
        assertThat(second.code()).as(second.toString()).isZero();
        assertThat(second.out()).isEqualTo(first.out());
        assertThat(Files.readString(classes)).contains("io.hpcdask.launcher.cli.Main source: shared objects file");
        assertThat(files(cds)).containsExactly("version.jsa");
    }

    @Test
    void anArchiveOfAnotherJarIsRemovedAndMadeAgain() throws Exception {
        assertThat(cli("--version").code()).isZero();
        Path archive = cds.resolve("version.jsa");
        assertThat(archive).isRegularFile();

        // as a rebuilt jar: the JVM maps nothing of an archive made from a jar of another size or mtime
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 3_600_000));
        Result refused = cli("--version");
        assertThat(refused.code()).as(refused.toString()).isZero();
        assertThat(refused.out()).startsWith("hpc-dask ");
        assertThat(archive).doesNotExist();

        assertThat(cli("--version").code()).isZero();
        assertThat(archive).isRegularFile();
        Path classes = tmp.resolve("classes.log");
        assertThat(cliWithJavaOpts("-Xlog:class+load:file=" + classes, "--version").code()).isZero();
        assertThat(Files.readString(classes)).contains("io.hpcdask.launcher.cli.Main source: shared objects file");
    }

    @Test
    void eachCommandHasItsOwnArchiveAndOffTurnsThemOff() throws Exception {
        assertThat(cli("print", "job-script", "--system", "slurm").code()).isZero();
        assertThat(cli("--help").code()).isZero();
        assertThat(files(cds)).containsExactly("help.jsa", "print-job-script.jsa");

        Result off = run(List.of("HPC_DASK_CDS=0"), "runs", "--bogus");
        assertThat(off.code()).isEqualTo(2);
        assertThat(files(cds)).containsExactly("help.jsa", "print-job-script.jsa");
    }

    private Result cli(String... args) throws Exception {
        return run(List.of(), args);
    }

    private Result cliWithJavaOpts(String javaOpts, String... args) throws Exception {
        return run(List.of("HPC_DASK_JAVA_OPTS=" + javaOpts), args);
    }

    private Result run(List<String> env, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("env"));
        argv.add("HPC_DASK_HOME=" + tmp.resolve("home"));
        argv.addAll(env);
        argv.addAll(List.of("sh", "-c", "script=$0 jar=$1 cds=$2; shift 2; . \"$script\"; hd_run_cli java \"$jar\" \"$cds\" \"$@\"",
                repoRoot().resolve("distribution/src/main/sh/cli-launch.sh").toString(), jar.toString(), cds.toString()));
        argv.addAll(List.of(args));
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        Process p = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the CLI did not end in 120 s: " + argv);
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static Path repoRoot() {
        String root = System.getProperty("hpcdask.repo.root");
        return root != null ? Path.of(root) : Path.of("..").toAbsolutePath().normalize();
    }
}
