package io.hpcdask.server.core;

/**
 * Anti-starvation: a run passed over {@code passes} times at the head of its shape keeps one worker free for itself
 * (see {@link SchedulerCore}), and lets go of it when it starts or leaves its queue.
 */
final class Reservations {
    private final WorkerPool workers;
    private final int passes;
    private final Outbox<?> out;

    Reservations(WorkerPool workers, int passes, Outbox<?> out) {
        this.workers = workers;
        this.passes = passes;
        this.out = out;
    }

    /** A later-ranked run started while the head of {@code blocked} waited. */
    void passedOver(Shape blocked) {
        Run head = blocked.head();
        if (blocked.candidates == 0 || head == null || head.reserved != null) {
            return;
        }
        if (++head.passedOver >= passes) {
            reserve(head, blocked);
        }
    }

    /** {@code run} no longer keeps a worker free (it starts, or it leaves its queue, or its worker drains or goes). */
    void release(Run run) {
        Worker w = run.reserved;
        if (w != null) {
            run.reserved = null;
            w.reservedFor = null;
            if (workers.connected(w)) {
                workers.refresh(w);
            }
        }
    }

    private void reserve(Run run, Shape s) {
        Worker best = workers.leastBusyFitting(s);
        if (best == null) {
            return;
        }
        best.reservedFor = run;
        run.reserved = best;
        workers.refresh(best);
        out.log(LogLevel.INFO, "Reserving worker " + best.name() + " for staged run " + run.id + " (passed over by "
                + run.passedOver + " later runs)");
    }
}
