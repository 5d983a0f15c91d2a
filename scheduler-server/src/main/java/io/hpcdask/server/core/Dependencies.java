package io.hpcdask.server.core;

import io.hpcdask.server.ids.RunId;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs waiting, staged but in no queue, until every run they name has completed ({@link RunPolicy#after()}). Only
 * bookkeeping: what becomes of a run whose dependencies settled is the {@link Outcome}'s to say.
 */
final class Dependencies {
    /** What happens to a waiting run once its dependencies settled. */
    interface Outcome {
        /** It waits for nothing any more: it joins its queue. */
        void ready(Run run, long now);

        /** A dependency ended otherwise than completed: the run ends, for {@code reason}. */
        void cancelled(Run run, String reason, long now);
    }

    private final Map<RunId, Run> runs;
    private final Outcome outcome;
    /** Runs waiting for each run to complete. */
    private final Map<RunId, Set<Run>> dependents = new HashMap<>();
    /** Runs that ended and whose dependents are still to be told, so long chains unwind without recursion. */
    private final ArrayDeque<Run> endedWithDependents = new ArrayDeque<>();
    private boolean settling;
    private int waiting;

    /** {@code runs}: the core's staged and running runs by id; a dependency not among them has ended. */
    Dependencies(Map<RunId, Run> runs, Outcome outcome) {
        this.runs = runs;
        this.outcome = outcome;
    }

    /** Staged runs waiting for runs they depend on to complete. */
    int waitingCount() {
        return waiting;
    }

    /**
     * Registers {@code run} with each dependency still staged or running here; null when the others completed (then
     * it waits if {@link Run#waitingFor} is set), else why it cannot run (a dependency that ended otherwise), and then
     * it waits for none.
     */
    String waitFor(Run run, List<RunId> after, Outbox<?> out) {
        for (RunId dep : after) {
            Run d = runs.get(dep);
            if (d != null && d != run) {
                if (run.waitingFor == null) {
                    run.waitingFor = new LinkedHashSet<>();
                }
                run.waitingFor.add(dep);
                dependents.computeIfAbsent(dep, k -> new LinkedHashSet<>()).add(run);
            } else if (d == null) {
                RunState ended = out.endedState(dep);
                if (ended != RunState.COMPLETED) {
                    forget(run);
                    return "dependency " + dep + (ended == null ? " is unknown" : " ended " + ended.label());
                }
            }
        }
        if (run.waitingFor != null) {
            waiting++;
        }
        return null;
    }

    /** A waiting run was cancelled: it waits for nothing any more. */
    void cancel(Run run) {
        forget(run);
        waiting--;
    }

    /**
     * Tells the runs waiting for {@code ended} (now final): one that completed lets them go on (ready once they wait
     * for nothing else); any other end cancels them, which may end their own dependents in turn.
     */
    void settle(Run ended, long now) {
        if (!dependents.containsKey(ended.id)) {
            return;
        }
        endedWithDependents.add(ended);
        if (settling) {
            return; // the loop below, further up the stack, takes it
        }
        settling = true;
        try {
            Run e;
            while ((e = endedWithDependents.poll()) != null) {
                Set<Run> waitingOnE = dependents.remove(e.id);
                if (waitingOnE == null) {
                    continue;
                }
                for (Run d : waitingOnE) {
                    d.waitingFor.remove(e.id);
                    if (e.state == RunState.COMPLETED) {
                        if (d.waitingFor.isEmpty()) {
                            d.waitingFor = null;
                            waiting--;
                            outcome.ready(d, now);
                        }
                    } else {
                        forget(d);
                        waiting--;
                        outcome.cancelled(d, "dependency " + e.id + " ended " + e.state.label(), now);
                    }
                }
            }
        } finally {
            settling = false;
        }
    }

    /** {@code run} waits for nothing any more; not counted out of {@link #waitingCount} here. */
    private void forget(Run run) {
        if (run.waitingFor == null) {
            return;
        }
        for (RunId dep : run.waitingFor) {
            Set<Run> waitingOnDep = dependents.get(dep);
            if (waitingOnDep != null) {
                waitingOnDep.remove(run);
                if (waitingOnDep.isEmpty()) {
                    dependents.remove(dep);
                }
            }
        }
        run.waitingFor = null;
    }
}
