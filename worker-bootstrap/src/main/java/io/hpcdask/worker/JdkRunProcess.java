package io.hpcdask.worker;

import io.hpcdask.protocol.Message;
import io.hpcdask.protocol.ShellLine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A run started by the JDK, the fallback when the spawn helper cannot run: {@code setsid} gives it its own session
 * (an exec more than the helper needs), two pumps and a waiter thread carry it, signals exec {@code kill}, and a
 * {@link RunGuard} keeps the lease and kills it should this JVM die or freeze (the helper does both for its own runs).
 */
final class JdkRunProcess extends RunProcess {
    private final Process process;
    private final RunGuard guard;
    private volatile boolean killedForLease;

    private JdkRunProcess(Message.StartRun request, List<String> gpuIds, Process process, RunGuard guard) {
        super(request, gpuIds);
        this.process = process;
        this.guard = guard;
    }

    @Override
    long pid() {
        return process.pid();
    }

    static List<String> command(Message.StartRun request) {
        List<String> cmd = new ArrayList<>();
        cmd.add("setsid");
        cmd.addAll(argv(request));
        return cmd;
    }

    /** The command as exec'd: a shell run is one command line. */
    static List<String> argv(Message.StartRun request) {
        return request.shell() ? List.of("bash", "-c", ShellLine.of(request.argv())) : request.argv();
    }

    /** The directory a run starts in: its own, relative to the worker's, or the worker's. */
    static Path cwd(Message.StartRun request, Path workDirectory) {
        return request.cwd() == null || request.cwd().isBlank() ? workDirectory : workDirectory.resolve(request.cwd());
    }

    /** What a run gets on top of the worker's environment. */
    static Map<String, String> extraEnv(Message.StartRun request, List<String> gpuIds) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        if (request.env() != null) {
            env.putAll(request.env());
        }
        env.put("HPC_DASK_RUN_ID", request.runId());
        if (!gpuIds.isEmpty()) {
            env.put("CUDA_VISIBLE_DEVICES", String.join(",", gpuIds));
        }
        return env;
    }

    /** Starts the run; on failure to start, throws with a message fit for the run's log. */
    static JdkRunProcess start(Message.StartRun request, List<String> gpuIds, Path workDirectory, ExecutorService threads,
                               RunGuard guard, Events events) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(request));
        Path cwd = cwd(request, workDirectory);
        pb.directory(cwd.toFile());
        pb.environment().putAll(extraEnv(request, gpuIds));
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot start " + request.argv().get(0) + " in " + cwd + ": " + rootMessage(e), e);
        }
        process.getOutputStream().close(); // runs read no input
        JdkRunProcess run = new JdkRunProcess(request, gpuIds, process, guard);
        // before RunStarted and any output, so the guard knows the group from the moment the scheduler does
        guard.add(process.pid());
        events.started(run);
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
        killedForLease = guard.killedForLease(process.pid());
        guard.remove(process.pid());
        events.finished(this, result(code));
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

    @Override
    void signal(String signal) {
        ProcessGroups.signal(process.pid(), signal);
    }

    @Override
    boolean isAlive() {
        return process.isAlive() || ProcessHandle.of(process.pid()).isPresent();
    }

    @Override
    boolean killedForLease() {
        return killedForLease;
    }
}
