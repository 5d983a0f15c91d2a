package io.hpcdask.server.core;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs still running under the name of a worker that is not connected (lost, or from before a restart), each name
 * with the time until which it may re-register and take them back. Pure bookkeeping: {@link Reconnects} decides what
 * happens to them.
 */
final class ReconnectLedger {
    /** One absent worker's runs. */
    static final class Absent {
        final WorkerId worker;
        long deadline;
        String jobId;
        final Map<RunId, Run> runs = new LinkedHashMap<>();

        Absent(WorkerId worker, long deadline) {
            this.worker = worker;
            this.deadline = deadline;
        }
    }

    private final Map<WorkerId, Absent> absent = new HashMap<>();

    /** A run restored from an earlier server, running on {@code worker}, which has until {@code deadline}. */
    void restore(WorkerId worker, Run run, long deadline) {
        absent.computeIfAbsent(worker, k -> new Absent(k, deadline)).runs.put(run.id, run);
    }

    /** A worker left holding {@code runs}; they wait until {@code deadline} (a later loss of it moves it). */
    void left(WorkerId worker, String jobId, List<Run> runs, long deadline) {
        Absent a = absent.computeIfAbsent(worker, k -> new Absent(k, deadline));
        a.deadline = deadline;
        a.jobId = jobId;
        for (Run run : runs) {
            a.runs.put(run.id, run);
        }
        if (a.runs.isEmpty()) {
            absent.remove(worker);
        }
    }

    /** The worker re-registered: its waiting runs, now the caller's to reconcile (null when none). */
    Absent claim(WorkerId worker) {
        return absent.remove(worker);
    }

    /** A waiting run ended or was cancelled. */
    void drop(Run run) {
        Absent a = absent.get(run.worker);
        if (a == null) {
            return;
        }
        a.runs.remove(run.id);
        if (a.runs.isEmpty()) {
            absent.remove(run.worker);
        }
    }

    /** Takes out every absent worker whose time is up at {@code now}. */
    List<Absent> expire(long now) {
        List<Absent> expired = new ArrayList<>();
        for (Absent a : absent.values()) {
            if (a.deadline <= now) {
                expired.add(a);
            }
        }
        for (Absent a : expired) {
            absent.remove(a.worker);
        }
        return expired;
    }
}
