package io.hpcdask.launcher.server;

import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.worker.WorkerCommand;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker processes of a local cluster, started by the server process. Each gets the token through a 0600 file,
 * never its command line, and a pid file so a server restarted after a crash can end the ones it left behind.
 */
public final class LocalWorkers {
    private static final Logger LOG = LoggerFactory.getLogger(LocalWorkers.class);
    private static final String WORKER_MAIN_MARKER = "hpc-dask-worker";

    private final ClusterDir dir;
    private final List<Process> processes = new ArrayList<>();
    private final java.util.Map<String, Process> byJob = new java.util.HashMap<>();
    private int lastIndex;
    /** Workers of an earlier server of this cluster that outlived it and re-register with this one. */
    private final List<ProcessHandle> adopted = new ArrayList<>();
    private WorkerClassArchive archive;

    public LocalWorkers(ClusterDir dir) {
        this.dir = dir;
    }

    /**
     * The name a local worker registers under: the worker appends its job id to {@code --name}, and the job id holds
     * the server's pid so that names never repeat across restarts.
     */
    public static String workerName(int index) {
        return NAME_PREFIX + "-" + jobId(index);
    }

    private static String jobId(int index) {
        return ProcessHandle.current().pid() + "-" + index;
    }

    private static final String NAME_PREFIX = "local";

    /**
     * Extra JVM options for a local cluster's workers, split on white space, after the worker's own (so they can
     * override them), e.g. {@code HPC_DASK_WORKER_JAVA_OPTS=-XX:StartFlightRecording=filename=/tmp/w.jfr} to profile
     * them. Read by the server process, which inherits it from the command that started the cluster.
     */
    public static final String WORKER_JAVA_OPTS = "HPC_DASK_WORKER_JAVA_OPTS";

    public synchronized void start(LocalWorkerSpec spec, String schedulerAddress, Path jar) {
        start(spec, schedulerAddress, jar, spec.count());
    }

    /** Starts {@code count} workers (fewer than the spec's count when adopted ones make up the rest). */
    public synchronized void start(LocalWorkerSpec spec, String schedulerAddress, Path jar, int count) {
        startJobs(spec, schedulerAddress, jar, count);
    }

    /** Starts {@code count} workers, numbered on from the last one started; returns their job ids. */
    public synchronized List<String> startJobs(LocalWorkerSpec spec, String schedulerAddress, Path jar, int count) {
        boolean dumper = archive == null;
        if (archive == null) {
            archive = WorkerClassArchive.of(dir.path().getParent().getParent().resolve("cache"), jar);
        }
        List<String> started = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            int i = ++lastIndex;
            String name = workerName(i);
            List<String> cmd = command(spec, schedulerAddress, archive.jar(), dir.workerTokenFile(), NAME_PREFIX,
                    archive.options(dumper && i == 1));
            Path log = dir.workersDir().resolve(name + ".log");
            try {
                io.hpcdask.server.files.PrivateFiles.createFile(log); // appendTo would create it by the umask
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the log of local worker " + name + ": " + log, e);
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.path().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().put("HPC_DASK_JOB_ID", jobId(i));
            try {
                Process p = pb.start();
                processes.add(p);
                byJob.put(jobId(i), p);
                started.add(jobId(i));
                io.hpcdask.server.files.PrivateFiles.writeAtomically(pidFile(name),
                        Long.toString(p.pid()).getBytes(StandardCharsets.UTF_8));
                LOG.info("Started local worker {} (pid {})", name, p.pid());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start local worker " + name + ": " + String.join(" ", cmd), e);
            }
        }
        return started;
    }

    /** The process of a worker this object started, by its job id, if it did. */
    public synchronized Optional<Process> process(String jobId) {
        return Optional.ofNullable(byJob.get(jobId));
    }

    static List<String> command(LocalWorkerSpec spec, String schedulerAddress, Path jar, Path tokenFile, String name,
                                List<String> archiveOptions) {
        if (!spec.workerCommand().isEmpty()) {
            // another JVM (a container's): this one's class-data archive is of no use to it
            return WorkerCommand.forJar(spec.workerCommand(), jar.toString(), List.of())
                    .argv(spec.options(schedulerAddress, tokenFile, name));
        }
        List<String> jvmOptions = new ArrayList<>(archiveOptions);
        String extra = System.getenv(WORKER_JAVA_OPTS);
        if (extra != null && !extra.isBlank()) {
            jvmOptions.addAll(List.of(extra.trim().split("\\s+")));
        }
        return WorkerCommand.forJar(javaExecutable(), jar.toString(), jvmOptions)
                .argv(spec.options(schedulerAddress, tokenFile, name));
    }

    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private Path pidFile(String name) {
        return dir.workersDir().resolve(name + ".pid");
    }

    /** Stops the workers (SIGTERM, so they kill their runs), waiting up to {@code graceSeconds}, then kills them. */
    public synchronized void stop(long graceSeconds) {
        processes.forEach(Process::destroy);
        adopted.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(graceSeconds);
        for (ProcessHandle h : adopted) {
            try {
                h.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                LOG.warn("Local worker pid {} did not stop within {}s; killing it", h.pid(), graceSeconds);
                h.destroyForcibly();
            }
        }
        adopted.clear();
        boolean clean = true;
        for (Process p : processes) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
                    LOG.warn("Local worker pid {} did not stop within {}s; killing it", p.pid(), graceSeconds);
                    p.destroyForcibly();
                    clean = false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                clean = false;
            }
        }
        processes.clear();
        byJob.clear();
        if (archive != null) {
            archive.workersEnded(clean);
        }
        deletePidFiles();
    }

    /**
     * Keeps the workers a crashed server of this cluster left running: they dial the same port with the same token
     * and re-register, and their runs carry on. Returns how many there are; pid files of dead ones are removed.
     */
    public synchronized int adoptLeftovers() {
        for (Path pidFile : pidFiles()) {
            Optional<ProcessHandle> h = leftover(pidFile);
            if (h.isPresent()) {
                LOG.info("Keeping local worker pid {} left by an earlier server of this cluster; it re-registers",
                        h.get().pid());
                adopted.add(h.get());
            } else {
                try {
                    Files.deleteIfExists(pidFile);
                } catch (IOException e) {
                    LOG.warn("Cannot delete {}: {}", pidFile, e.toString());
                }
            }
        }
        return adopted.size();
    }

    /** Ends workers a crashed server of this cluster left running; they would hold slots and old runs. */
    public void killLeftovers() {
        for (Path pidFile : pidFiles()) {
            leftover(pidFile).ifPresent(h -> {
                LOG.info("Stopping local worker pid {} left by an earlier server of this cluster", h.pid());
                h.destroyForcibly();
                h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> null).join();
            });
        }
        deletePidFiles();
    }

    private static Optional<ProcessHandle> leftover(Path pidFile) {
        try {
            long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().commandLine().map(c -> c.contains(WORKER_MAIN_MARKER)).orElse(false));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private List<Path> pidFiles() {
        if (!Files.isDirectory(dir.workersDir())) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir.workersDir())) {
            return s.filter(p -> p.getFileName().toString().endsWith(".pid")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void deletePidFiles() {
        for (Path p : pidFiles()) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                LOG.warn("Cannot delete {}: {}", p, e.toString());
            }
        }
    }

    /** Pids of the running local workers, by name; tests use them to kill one. */
    public static List<Long> pids(ClusterDir dir) {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir.workersDir())) {
            for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".pid")).sorted().toList()) {
                out.add(Long.parseLong(Files.readString(p, StandardCharsets.UTF_8).trim()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
