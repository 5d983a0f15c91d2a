package io.hpcdask.worker;

import io.hpcdask.protocol.Message;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One run as a child process in its own process group (started through {@code setsid}, so its pid is its group id).
 * Output goes to the sink as it comes; the exit is reported once, after all output.
 */
final class RunProcess {
    /** After the run's main process exits, how long leftovers in its group may keep its output open. */
    static final long OUTPUT_DRAIN_MILLIS = 2_000;
    static final long KILL_GRACE_MILLIS = 3_000;

    interface Events extends OutputPump.Sink {
        void finished(RunProcess run, Message.RunFinished result);
    }

    private final Message.StartRun request;
    private final List<String> gpuIds;
    private final Process process;
    private volatile boolean cancelled;
    private volatile boolean abandoned;

    private RunProcess(Message.StartRun request, List<String> gpuIds, Process process) {
        this.request = request;
        this.gpuIds = gpuIds;
        this.process = process;
    }

    String runId() {
        return request.runId();
    }

    int attempt() {
        return request.attempt();
    }

    List<String> gpuIds() {
        return gpuIds;
    }

    long pid() {
        return process.pid();
    }

    static List<String> command(Message.StartRun request) {
        List<String> cmd = new ArrayList<>();
        cmd.add("setsid");
        if (request.shell()) {
            // a shell run is one command line; words given separately are joined as "sh -c" users expect
            cmd.add("bash");
            cmd.add("-c");
            cmd.add(String.join(" ", request.argv()));
        } else {
            cmd.addAll(request.argv());
        }
        return cmd;
    }

    /** Starts the run; on failure to start, throws with a message fit for the run's log. */
    static RunProcess start(Message.StartRun request, List<String> gpuIds, Path workDirectory, ExecutorService threads,
                            Events events) throws IOException {
        if (request.argv() == null || request.argv().isEmpty()) {
            throw new IOException("the run has no command");
        }
        ProcessBuilder pb = new ProcessBuilder(command(request));
        Path cwd = request.cwd() == null || request.cwd().isBlank() ? workDirectory : workDirectory.resolve(request.cwd());
        pb.directory(cwd.toFile());
        Map<String, String> env = pb.environment();
        if (request.env() != null) {
            env.putAll(request.env());
        }
        env.put("HPC_DASK_RUN_ID", request.runId());
        if (!gpuIds.isEmpty()) {
            env.put("CUDA_VISIBLE_DEVICES", String.join(",", gpuIds));
        }
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot start " + request.argv().get(0) + " in " + cwd + ": " + rootMessage(e), e);
        }
        process.getOutputStream().close(); // runs read no input
        RunProcess run = new RunProcess(request, gpuIds, process);
        Future<?> out = threads.submit(new OutputPump(process.getInputStream(), request.runId(), request.attempt(), "stdout", events));
        Future<?> err = threads.submit(new OutputPump(process.getErrorStream(), request.runId(), request.attempt(), "stderr", events));
        threads.submit(() -> run.awaitExit(out, err, events));
        return run;
    }

    private void awaitExit(Future<?> out, Future<?> err, Events events) {
        int code;
        try {
            code = process.waitFor();
            if (!drained(out, err, OUTPUT_DRAIN_MILLIS)) {
                // children left behind still hold the output open: the run is over, so its group goes
                ProcessGroups.signal(process.pid(), "KILL");
                drained(out, err, OUTPUT_DRAIN_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        // Java reports a process killed by signal N as 128+N, the way shells do
        boolean signalled = code > 128 && code <= 128 + 64;
        events.finished(this, new Message.RunFinished(runId(), code, cancelled || signalled, null, attempt(), abandoned));
    }

    private static boolean drained(Future<?> out, Future<?> err, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (Future<?> f : new Future<?>[] {out, err}) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (java.util.concurrent.ExecutionException e) {
                // a pump that failed has nothing more to deliver
            }
        }
        return true;
    }

    /** True once this worker killed the run (cancel, stop): a signal it ends with was ours, not the batch system's. */
    boolean killedByWorker() {
        return cancelled;
    }

    /**
     * Kills the run because this worker's lease ran out: its result says so, and the scheduler re-stages it. No grace:
     * the scheduler may start another copy once the lease and its margin have passed.
     */
    void abandon() {
        abandoned = true;
        cancelled = true;
        ProcessGroups.signal(process.pid(), "KILL");
    }

    boolean abandoned() {
        return abandoned;
    }

    /** Terminates the whole group, then kills what is left after a grace period. */
    void kill(ScheduledExecutorService timer) {
        cancelled = true;
        ProcessGroups.signal(process.pid(), "TERM");
        timer.schedule(() -> {
            if (process.isAlive() || ProcessHandle.of(process.pid()).isPresent()) {
                ProcessGroups.signal(process.pid(), "KILL");
            }
        }, KILL_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
