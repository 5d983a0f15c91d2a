package io.hpcdask.server.api;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Holds a stream's progress messages to one per {@link #PACE_MILLIS}: a thousand short runs would otherwise send a
 * thousand of them, each serialized here and parsed and printed by {@code submit run --wait}, whose JVM then competes
 * with the runs for the same cores. The first change goes out at once; a change within the pace is sent when the pace
 * is over, carrying whatever is newest by then, so the last count is never held back for long. The pace is 250 ms,
 * not 100: each paced message wakes the streams' timer, which then hands it to the stream's writer, about 0.35 ms of
 * the server's CPU on a 2-core VM; at 100 ms that was 60-70 ms over a 2,000-run array of {@code true} (0.03 ms a
 * run), at 250 ms 30 ms, and four lines a second are still plenty for whoever reads them.
 */
final class ProgressPacer {
    static final long PACE_MILLIS = 250;

    /** Runs {@code task} after {@code nanos}; a refusal (the timer is stopping with the server) drops it. */
    interface Later {
        void run(Runnable task, long nanos);
    }

    private final Later later;
    private final LongSupplier nanoClock;
    private final Runnable send;
    private boolean sentOnce;
    private long lastSent;
    private boolean due;

    ProgressPacer(Later later, LongSupplier nanoClock, Runnable send) {
        this.later = later;
        this.nanoClock = nanoClock;
        this.send = send;
    }

    /**
     * Something changed: send now if the pace allows, else once it is over (one send for every change until then).
     * {@code send} runs outside this pacer's lock, so it may take locks of its own.
     */
    void changed() {
        long wait;
        synchronized (this) {
            if (due) {
                return;
            }
            wait = sentOnce ? TimeUnit.MILLISECONDS.toNanos(PACE_MILLIS) - (nanoClock.getAsLong() - lastSent) : 0;
            if (wait <= 0) {
                markSent();
            } else {
                due = true;
            }
        }
        if (wait <= 0) {
            send.run();
        } else {
            later.run(this::paceOver, wait);
        }
    }

    private void paceOver() {
        synchronized (this) {
            due = false;
            markSent();
        }
        send.run();
    }

    private void markSent() {
        sentOnce = true;
        lastSent = nanoClock.getAsLong();
    }
}
