package io.hpcdask.server.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * One dispatch pass (see "Dispatch" and "Anti-starvation" in {@link SchedulerCore}): the shapes are visited in the rank
 * of their heads; a head that fits a worker starts on the earliest-joined one, and a shape whose head fits nowhere is
 * skipped for the rest of the pass.
 */
final class Dispatcher {
    private static final Comparator<Shape> BY_HEAD = Comparator.comparingLong(s -> s.queue.firstKey());

    private final ShapeIndex shapes;
    private final StagedRuns staged;
    private final WorkerPool workers;
    private final Reservations reservations;
    private final WaitReasons reasons;
    private final Transitions<?> transitions;
    private final Outbox<?> out;
    /** Whether the story says staged runs are being processed (vs. waiting for staged runs). */
    private boolean processing;

    Dispatcher(ShapeIndex shapes, StagedRuns staged, WorkerPool workers, Reservations reservations, WaitReasons reasons,
               Transitions<?> transitions, Outbox<?> out) {
        this.shapes = shapes;
        this.staged = staged;
        this.workers = workers;
        this.reservations = reservations;
        this.reasons = reasons;
        this.transitions = transitions;
        this.out = out;
    }

    void dispatch(long now) {
        if (staged.count() > 0 && !processing) {
            processing = true;
            out.log(LogLevel.INFO, "Processing staged runs");
        }
        if (staged.count() > 0 && !workers.isEmpty()) {
            PriorityQueue<Shape> order = new PriorityQueue<>(Math.max(1, shapes.size()), BY_HEAD);
            order.addAll(shapes.all());
            List<Shape> blocked = new ArrayList<>();
            Shape s;
            while ((s = order.poll()) != null) {
                Run head = s.head();
                Worker w = pick(s, head);
                if (w == null) {
                    blocked(s);
                    blocked.add(s);
                    continue;
                }
                boolean wasReserved = head.reserved == w;
                transitions.start(head, s, w, now);
                for (Shape b : blocked) {
                    reservations.passedOver(b);
                }
                if (wasReserved && !blocked.isEmpty()) {
                    // the worker kept free is open again: shapes ranked before this one may fit there now
                    order.addAll(blocked);
                    blocked.clear();
                }
                if (!s.queue.isEmpty()) {
                    order.add(s);
                }
            }
        }
        if (staged.count() == 0 && processing) {
            processing = false;
            out.log(LogLevel.INFO, "Waiting for staged runs");
        }
    }

    private static Worker pick(Shape s, Run head) {
        if (!s.fitsNow.isEmpty()) {
            return s.fitsNow.first();
        }
        Worker r = head.reserved;
        return r != null && s.fitsFree(r) ? r : null;
    }

    /** The head of {@code s} fits no worker now; if it fits none at all, its runs are reported once each. */
    private void blocked(Shape s) {
        if (s.candidates > 0 || workers.accepting() == 0 || s.reportedThrough >= s.queue.lastKey()) {
            return;
        }
        for (Run run : s.queue.tailMap(s.reportedThrough, false).values()) {
            if (!run.reasonLogged) {
                run.reasonLogged = true;
                out.log(LogLevel.WARN, reasons.blockedLine(run, s, workers.accepting()));
            }
        }
        s.reportedThrough = s.queue.lastKey();
    }
}
