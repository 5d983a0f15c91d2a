package io.hpcdask.server.transport;

import io.hpcdask.worker.WorkerCommand;
import io.hpcdask.worker.WorkerOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real worker JVM started from the test's classpath, its stderr kept in a file for assertions. */
final class WorkerProcess implements AutoCloseable {
    final Process process;
    final Path log;

    private WorkerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static WorkerProcess start(WorkerOptions.Builder options, Path dir, Map<String, String> env) throws IOException {
        return start(argv(options), dir, env);
    }

    static WorkerProcess start(List<String> argv, Path dir, Map<String, String> env) throws IOException {
        Path log = Files.createTempFile(dir, "worker-", ".log");
        ProcessBuilder pb = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().remove("SLURM_JOB_ID"); // the test may itself run inside a batch job
        pb.environment().remove("SLURM_ARRAY_JOB_ID");
        pb.environment().remove("PBS_JOBID");
        pb.environment().remove("CUDA_VISIBLE_DEVICES");
        pb.environment().putAll(env);
        return new WorkerProcess(pb.start(), log);
    }

    static WorkerOptions.Builder command(Path tokenFile, String host, int port, String name) {
        return WorkerOptions.builder(host + ":" + port, tokenFile.toString(), name);
    }

    static List<String> argv(WorkerOptions.Builder options) {
        return WorkerCommand.forCurrentJvm().argv(options.build());
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read worker log: " + e + ")";
        }
    }

    /** The exit code, or null when still running after {@code seconds}. */
    Integer exitCode(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : null;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            ProcessHandle.of(process.pid()).ifPresent(h -> {
                // a stopped JVM must be continued to die of SIGTERM; KILL works either way
                h.descendants().forEach(ProcessHandle::destroyForcibly);
            });
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
