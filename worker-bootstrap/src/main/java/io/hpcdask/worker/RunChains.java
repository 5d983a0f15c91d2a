package io.hpcdask.worker;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * This worker's view of the spawn helper's chains: which run each chained run starts after. It says where a run that
 * came may be chained (behind the shortest chain) and how deep each chain is; the helper's own frames, not this view,
 * say what started. Agent thread only.
 */
final class RunChains {
    /**
     * Chained runs behind one running run, at most: a chain is fixed when the run comes, so with several slots a run
     * may wait behind a long one while another slot frees; this bounds how many do (and a freed place asks chained runs
     * back). As deep as the scheduler's largest adaptive share per slot: every run it sends a busy worker ahead then
     * waits in the helper, where an end starts the next without waking this JVM, and the reports of a string of short
     * runs leave together ({@link io.hpcdask.protocol.ReportHold}). The share, not this bound, keeps a chain short for
     * runs that are not: it holds a few tens of milliseconds of work.
     */
    static final int MAX_DEPTH = 16;

    private final Map<RunProcess, RunProcess> next = new IdentityHashMap<>();
    private final Map<RunProcess, RunProcess> previous = new IdentityHashMap<>();

    /** {@code run} starts when {@code after} ends; {@code after} has no run behind it yet. */
    void add(RunProcess after, RunProcess run) {
        next.put(after, run);
        previous.put(run, after);
    }

    RunProcess next(RunProcess run) {
        return next.get(run);
    }

    /** The last run of the chain {@code head} leads. */
    RunProcess tail(RunProcess head) {
        RunProcess tail = head;
        for (RunProcess n = next.get(tail); n != null; n = next.get(tail)) {
            tail = n;
        }
        return tail;
    }

    /** How many runs wait behind {@code head}. */
    int depth(RunProcess head) {
        int depth = 0;
        for (RunProcess n = next.get(head); n != null; n = next.get(n)) {
            depth++;
        }
        return depth;
    }

    /** The run left its chain (it ended, started in its turn, or was withdrawn): the one behind it moves up. */
    void remove(RunProcess run) {
        RunProcess before = previous.remove(run);
        RunProcess after = next.remove(run);
        if (before != null && after != null) {
            next.put(before, after);
            previous.put(after, before);
        } else if (before != null) {
            next.remove(before);
        } else if (after != null) {
            previous.remove(after);
        }
    }

    boolean isEmpty() {
        return next.isEmpty();
    }
}
