package io.hpcdask.server.core;

import io.hpcdask.server.ids.RunId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The core's staged and running runs by id, numbered in the order they were handed in; a run leaves when it ends. */
final class RunTable {
    private final Map<RunId, Run> byId = new HashMap<>();
    private long nextSeq;
    private int running;

    /** The runs by id, for the indexes that must tell a run still here from one that left. */
    Map<RunId, Run> byId() {
        return byId;
    }

    Run get(RunId id) {
        return byId.get(id);
    }

    /** A run handed in (staged, restored or retried), numbered after every earlier one; its id must be new here. */
    Run add(NewRun<?> r, Map<String, Long> requires, long stagedAt) {
        if (byId.containsKey(r.id())) {
            throw new IllegalStateException("run " + r.id() + " is already known to the scheduler");
        }
        Run run = new Run(r.id(), nextSeq++, requires, r.payload(), stagedAt, r.policy());
        byId.put(run.id, run);
        return run;
    }

    void remove(Run run) {
        byId.remove(run.id);
    }

    /** Runs in state running. */
    int running() {
        return running;
    }

    void startsRunning() {
        running++;
    }

    void stopsRunning() {
        running--;
    }

    /** Every run here in the order it was handed in; {@code runningOnly}: those running. */
    List<Run> inStagingOrder(boolean runningOnly) {
        List<Run> all = new ArrayList<>(byId.size());
        for (Run run : byId.values()) {
            if (!runningOnly || run.state == RunState.RUNNING) {
                all.add(run);
            }
        }
        all.sort(Comparator.comparingLong(r -> r.seq));
        return all;
    }
}
