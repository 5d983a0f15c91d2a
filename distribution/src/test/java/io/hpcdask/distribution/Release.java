package io.hpcdask.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The archives {@code mvn package} left in the repository's target/, unpacked, and the commands run from them. */
final class Release {
    static final Path ROOT = Path.of(System.getProperty("hpcdask.repo.root", "..")).toAbsolutePath().normalize();
    /** The project's version, which names the archives (set by the distribution pom). */
    static final String VERSION = System.getProperty("hpcdask.version");
    static final String WORKER_RUNTIME = "hpc-dask-worker-runtime-linux-x64.tar.gz";

    private Release() {
    }

    static Path archive(String name) {
        Path archive = ROOT.resolve("target").resolve(name);
        assertThat(archive).as("made by mvn package (distribution module)").isRegularFile();
        return archive;
    }

    /** Unpacks {@code archive} into {@code dir} with tar, as a user would; returns the install directory in it. */
    static Path unpack(Path archive, Path dir) throws Exception {
        Files.createDirectories(dir);
        Result r = run(List.of("tar", "xzf", archive.toString(), "-C", dir.toString()), null, Map.of(), 120);
        assertThat(r.code()).as(r.toString()).isZero();
        return dir.resolve("hpc-dask-" + VERSION);
    }

    /**
     * A PATH of symlinks to the tools named only: on Debian /usr/bin holds java (alternatives), so a PATH of the
     * system directories would not show that a command runs without one.
     */
    static Path toolsWithoutJava(Path dir, String... tools) throws Exception {
        Files.createDirectories(dir);
        for (String tool : tools) {
            // the program, not a shell builtin of the same name (true)
            Path program = Stream.of("/usr/local/bin", "/usr/bin", "/bin").map(d -> Path.of(d, tool))
                    .filter(Files::isExecutable).findFirst()
                    .orElseThrow(() -> new AssertionError(tool + " is not installed in /usr/local/bin, /usr/bin or /bin"));
            Files.createSymbolicLink(dir.resolve(tool), program);
        }
        Result java = run(List.of("/bin/sh", "-c", "command -v java"), null, Map.of("PATH", dir.toString()), 30);
        assertThat(java.code()).as("no java on %s: %s", dir, java.out()).isNotZero();
        return dir;
    }

    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    /**
     * Runs {@code command}; {@code cleanEnv} non-null replaces the whole environment with it plus {@code env}.
     * The process is killed by its pid when it outlives {@code seconds}.
     */
    static Result run(List<String> command, Map<String, String> cleanEnv, Map<String, String> env, long seconds) throws Exception {
        Path out = Files.createTempFile("release-it", ".out");
        Path err = Files.createTempFile("release-it", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            if (cleanEnv != null) {
                pb.environment().clear();
                pb.environment().putAll(cleanEnv);
            }
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
                throw new AssertionError(String.join(" ", command) + " did not end within " + seconds + " s; stdout: "
                        + read(out) + " stderr: " + read(err));
            }
            return new Result(p.exitValue(), read(out), read(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
