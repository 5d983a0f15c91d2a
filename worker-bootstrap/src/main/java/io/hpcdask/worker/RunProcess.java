package io.hpcdask.worker;

import io.hpcdask.protocol.Message;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One run as a child process in its own session, so its pid is its process group id and a signal reaches all it
 * started. Output goes to the events as it comes; the exit is reported once, after all output. Leftovers in the group
 * that keep the output open longer than {@link #OUTPUT_DRAIN_MILLIS} after the main process exits are killed.
 */
abstract class RunProcess {
    /** After the run's main process exits, how long leftovers in its group may keep its output open. */
    static final long OUTPUT_DRAIN_MILLIS = 2_000;
    static final long KILL_GRACE_MILLIS = 3_000;

    interface Events extends OutputPump.Sink {
        /** The run's process exists and {@link #pid()} is known; called before any of its output or its end. */
        void started(RunProcess run);

        /** Nothing runs: the command could not be started. */
        void failedToStart(RunProcess run, String error);

        void finished(RunProcess run, Message.RunFinished result);

        /**
         * A run handed to the spawn helper to start after another's end never starts there (withdrawn when asked,
         * the run before it was killed or had ended, the lease ran out, or the helper died); nothing ran.
         */
        void withdrawn(RunProcess run);
    }

    private final Message.StartRun request;
    private final List<String> gpuIds;
    private volatile boolean cancelled;
    private volatile boolean abandoned;

    RunProcess(Message.StartRun request, List<String> gpuIds) {
        this.request = request;
        this.gpuIds = gpuIds;
    }

    final Message.StartRun request() {
        return request;
    }

    final String runId() {
        return request.runId();
    }

    final int attempt() {
        return request.attempt();
    }

    final List<String> gpuIds() {
        return gpuIds;
    }

    /** The run's process, which is also its process group; 0 until started. */
    abstract long pid();

    /** Sends {@code signal} (TERM or KILL) to the run's whole process group. */
    abstract void signal(String signal);

    /** True until the run has ended (its group may still hold leftovers this worker waits for). */
    abstract boolean isAlive();

    /**
     * True when the run was killed from outside this JVM because the lease ran out while the JVM could not act (frozen):
     * it is reported abandoned, so the scheduler re-stages it. Known once the run has ended.
     */
    abstract boolean killedForLease();

    /** Maps a wait status the way shells do: a process killed by signal N ended with 128+N. */
    final Message.RunFinished result(int exitCode) {
        boolean signalled = exitCode > 128 && exitCode <= 128 + 64;
        return new Message.RunFinished(runId(), exitCode, cancelled || signalled, null, attempt(), abandoned);
    }

    /** True once this worker killed the run (cancel, stop): a signal it ends with was ours, not the batch system's. */
    final boolean killedByWorker() {
        return cancelled;
    }

    /**
     * Kills the run because this worker's lease ran out: its result says so, and the scheduler re-stages it. No grace:
     * the scheduler may start another copy once the lease and its margin have passed.
     */
    final void abandon() {
        abandoned = true;
        cancelled = true;
        signal("KILL");
    }

    final boolean abandoned() {
        return abandoned;
    }

    /** Terminates the whole group, then kills what is left after a grace period. */
    final void kill(ScheduledExecutorService timer) {
        cancelled = true;
        signal("TERM");
        timer.schedule(() -> {
            if (isAlive()) {
                signal("KILL");
            }
        }, KILL_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
