package io.hpcdask.server.core;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Workers that leave and come back (see "Lost workers and reconnects" in {@link SchedulerCore}): a leaving worker's runs
 * wait in the {@link ReconnectLedger} under its name; a worker that registers takes back the runs it still holds;
 * when the wait is over they go back to staged.
 */
final class Reconnects {
    private final WorkerPool workers;
    private final Reservations reservations;
    private final ReconnectLedger ledger;
    private final RunTable runs;
    private final ShapeIndex shapes;
    private final Transitions<?> transitions;
    private final ResourceNames names;
    private final CoreConfig config;
    private final Outbox<?> out;
    /**
     * Batch workers whose job was cancelled by fencing. Such a worker's JVM may still register again before its job's
     * SIGTERM ends it (a frozen node woken by the SIGCONT that comes first); it is told to stop and gets no runs.
     * A batch worker's name carries its job id, so no later worker has one of these names.
     */
    private final Set<WorkerId> fenced = new HashSet<>();

    Reconnects(WorkerPool workers, Reservations reservations, ReconnectLedger ledger, RunTable runs, ShapeIndex shapes,
               Transitions<?> transitions, ResourceNames names, CoreConfig config, Outbox<?> out) {
        this.workers = workers;
        this.reservations = reservations;
        this.ledger = ledger;
        this.runs = runs;
        this.shapes = shapes;
        this.transitions = transitions;
        this.names = names;
        this.config = config;
        this.out = out;
    }

    /** A run restored from an earlier server, running on {@code worker}, which has until {@code deadline}. */
    void restore(WorkerId worker, Run run, long deadline) {
        ledger.restore(worker, run, deadline);
    }

    /** Removes a worker; its runs wait for it under its name for the reconnect grace (or go back at once). */
    void detach(Worker w, long now) {
        workers.remove(w);
        if (w.reservedFor != null) {
            reservations.release(w.reservedFor);
        }
        List<Run> held = new ArrayList<>(w.runs.values());
        w.runs.clear();
        for (Run run : held) {
            run.on = null;
        }
        long wait = Math.max(config.reconnectGraceMillis(),
                w.spec.leaseMillis() > 0 ? w.spec.leaseMillis() + config.leaseMarginMillis() : 0);
        ledger.left(w.name(), w.spec.jobId(), held, now + wait);
    }

    /** Whether this worker's job was cancelled by fencing: then it must not take part again. */
    boolean fenced(WorkerId name) {
        return fenced.contains(name);
    }

    /** A (re-)registered worker: take back the runs it still holds, re-stage those it lost, cancel strangers. */
    void reconcile(Worker w, List<RunId> held, Map<RunId, Integer> attempts, long now) {
        Set<RunId> holds = new HashSet<>(held);
        ReconnectLedger.Absent o = ledger.claim(w.name());
        if (o != null) {
            for (Run run : o.runs.values()) {
                Integer heldAttempt = attempts.get(run.id);
                boolean isHeld = holds.contains(run.id) && (heldAttempt == null || heldAttempt == 0
                        || heldAttempt == run.attempts);
                if (isHeld) {
                    holds.remove(run.id);
                }
                if (isHeld && adopt(w, run)) {
                    out.log(LogLevel.INFO, "Run " + run.id + " continues on worker " + w.name());
                    if (run.cancelRequested || run.timedOut) {
                        out.cancelRun(run.id, w.name(), run.attempts);
                    }
                } else {
                    if (isHeld) { // it no longer fits there (the worker came back smaller): stop that copy
                        out.cancelRun(run.id, w.name(), run.attempts);
                    }
                    transitions.requeue(run, "worker " + w.name() + " came back without it", now);
                }
            }
        }
        for (RunId id : holds) {
            Run run = runs.get(id);
            Integer heldAttempt = attempts.get(id);
            if (run != null && heldAttempt != null && resumeUnrecorded(w, run, heldAttempt, now)) {
                continue;
            }
            out.log(LogLevel.WARN, "Worker " + w.name() + " holds run " + id
                    + (heldAttempt == null || heldAttempt == 0 ? "" : " (attempt " + heldAttempt + ")")
                    + ", which is not assigned to it; cancelling it there");
            // the copy held there is older than any current one: a cancel of the current attempt covers it
            out.cancelRun(id, w.name(), run != null ? Math.max(run.attempts, heldAttempt == null ? 0 : heldAttempt)
                    : heldAttempt == null ? 0 : heldAttempt);
        }
    }

    /**
     * Runs of workers whose wait is over at {@code now} go back to staged (or end); a batch worker is fenced first
     * ({@link Outbox#fenceWorker}: its job is cancelled) so not even a frozen node goes on with them.
     */
    void expire(long now) {
        for (ReconnectLedger.Absent o : ledger.expire(now)) {
            WorkerId name = o.worker;
            if (o.jobId != null && !o.jobId.isEmpty() && workers.get(name) == null) {
                fenced.add(name);
                out.fenceWorker(name, o.jobId); // scaling cancels a batch job (and logs it); local workers have none
            }
            for (Run run : o.runs.values()) {
                transitions.requeue(run, "worker " + name + " did not come back within its lease", now);
            }
        }
    }

    /**
     * A worker holds a later attempt of a run that is staged here: the store had not yet committed that start when the
     * previous server stopped (state changes are written behind). The copy there is the only one, so it carries on
     * under its attempt rather than being cancelled and started again. Not for gpu runs: which device ids the copy
     * holds is not known here. False when it cannot be taken back (then it is cancelled there as any stranger).
     */
    private boolean resumeUnrecorded(Worker w, Run run, int heldAttempt, long now) {
        Shape s = shapes.get(run.requires);
        if (run.state != RunState.STAGED || heldAttempt <= run.attempts || run.requires.containsKey(ResourceNames.GPU)
                || run.cancelRequested || !w.acceptsRuns() || w.reservedFor != null && w.reservedFor != run
                || s == null || !s.fitsFree(w)) {
            return false;
        }
        transitions.resume(run, s, w, heldAttempt, now);
        return true;
    }

    private boolean adopt(Worker w, Run run) {
        if (!w.adopt(run, names)) {
            return false;
        }
        workers.refresh(w);
        return true;
    }
}
