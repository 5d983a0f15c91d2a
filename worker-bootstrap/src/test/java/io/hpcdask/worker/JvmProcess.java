package io.hpcdask.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real JVM running a class of this module from the test's classpath; stdout and stderr kept apart. */
final class JvmProcess implements AutoCloseable {
    final Process process;
    private final Path out;
    private final Path err;

    private JvmProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    static JvmProcess start(Path dir, Class<?> main, String... args) throws IOException {
        List<String> words = new ArrayList<>(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        words.addAll(List.of(args));
        return java(dir, words);
    }

    /** This JVM's java with {@code words} (options, then what to run). */
    static JvmProcess java(Path dir, List<String> words) throws IOException {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        argv.addAll(words);
        Path out = Files.createTempFile(dir, "out-", ".txt");
        Path err = Files.createTempFile(dir, "err-", ".txt");
        ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("SLURM_JOB_ID");
        pb.environment().remove("SLURM_ARRAY_JOB_ID");
        pb.environment().remove("PBS_JOBID");
        return new JvmProcess(pb.start(), out, err);
    }

    int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            close();
            throw new AssertionError("still running after " + seconds + " s; stderr: " + stderr());
        }
        return process.exitValue();
    }

    String stdout() {
        return read(out);
    }

    String stderr() {
        return read(err);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
