package io.hpcdask.server.core;

import io.hpcdask.server.ids.RunId;
import java.util.Comparator;
import java.util.Map;
import java.util.PriorityQueue;

/** The time limits of running attempts, earliest first: when the next one passes, and killing those that did. */
final class TimeLimits {
    /** When {@code attempt} of {@code run} reaches its time limit. */
    private record Due(long at, Run run, int attempt) {}

    /** Entries of attempts that ended are dropped when met, which is cheaper than finding them on every end. */
    private final PriorityQueue<Due> deadlines = new PriorityQueue<>(Comparator.comparingLong(Due::at));
    private final Map<RunId, Run> runs;

    /** {@code runs}: the core's runs by id, so an entry of a run that left the core is known stale. */
    TimeLimits(Map<RunId, Run> runs) {
        this.runs = runs;
    }

    /** The run's time limit, if it has one, counts from {@code startedAt} for its current attempt. */
    void watch(Run run, long startedAt) {
        if (run.timeLimitMillis > 0) {
            deadlines.add(new Due(startedAt + run.timeLimitMillis, run, run.attempts));
        }
    }

    /** When the earliest limit of a running attempt passes ({@link Long#MAX_VALUE} when none). */
    long next() {
        Due d;
        while ((d = deadlines.peek()) != null && !current(d)) {
            deadlines.poll();
        }
        return d == null ? Long.MAX_VALUE : d.at();
    }

    /** Attempts past their time limit are killed (or, with their worker absent, end when it is given up). */
    void killOverdue(long now, Outbox<?> out) {
        Due d;
        while ((d = deadlines.peek()) != null && d.at() <= now) {
            deadlines.poll();
            if (!current(d)) {
                continue;
            }
            Run run = d.run();
            run.timedOut = true;
            out.log(LogLevel.WARN, "Run " + run.id + " reached its time limit of " + seconds(run.timeLimitMillis)
                    + " on attempt " + run.attempts + "; killing it");
            if (run.on != null) {
                out.cancelRun(run.id, run.worker, run.attempts);
            }
        }
    }

    private boolean current(Due d) {
        Run run = d.run();
        return runs.get(run.id) == run && run.state == RunState.RUNNING && run.attempts == d.attempt() && !run.timedOut;
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
