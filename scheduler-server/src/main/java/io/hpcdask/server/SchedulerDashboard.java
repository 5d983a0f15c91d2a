package io.hpcdask.server;

import io.hpcdask.server.api.DashboardState;
import io.hpcdask.server.api.DashboardSummary;
import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.core.CoreWorker;
import io.hpcdask.server.core.RunState;
import io.hpcdask.server.core.SchedulerCore;
import io.hpcdask.server.core.StateChange;
import io.hpcdask.server.ids.RunId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The scheduler's side of the dashboard: counts per state kept as runs change, their series sampled on the loop's
 * tick, and the queue and workers read from the core on the loop. Nothing here walks the runs.
 */
final class SchedulerDashboard {
    private final RunCounts counts = new RunCounts();
    private final CountSeries series = new CountSeries();

    /** Once, before the loop runs: the store's counts (queued changes included). */
    void seed(Map<RunState, Long> fromStore) {
        counts.seed(fromStore);
    }

    /** On the store's thread: runs newly staged and committed. */
    void staged(int n) {
        counts.staged(n);
    }

    /** On the loop: a run changed state. */
    void changed(StateChange change) {
        counts.changed(change);
    }

    /** The kept counts of the states that have runs: what the store would count, without a query. */
    Map<RunState, Long> counts() {
        long[] now = counts.snapshot();
        Map<RunState, Long> out = new EnumMap<>(RunState.class);
        for (RunState s : RunState.values()) {
            if (now[s.ordinal()] != 0) {
                out.put(s, now[s.ordinal()]);
            }
        }
        return out;
    }

    /** On the loop's tick. */
    void sample(long now, long finishedTotal) {
        series.sample(now, counts.snapshot(), finishedTotal);
    }

    /** On the loop: the queue and the workers; the counts and series are read on the caller's thread. */
    Core readCore(SchedulerCore<RunRequest> core) {
        long oldest = core.oldestQueuedAt();
        DashboardSummary.Queue queue = new DashboardSummary.Queue(core.stagedCount(), core.waitingCount(),
                oldest == Long.MAX_VALUE ? null : oldest);
        List<CoreWorker> workers = core.workers();
        List<DashboardSummary.WorkerRow> rows = new ArrayList<>(workers.size());
        for (CoreWorker w : workers) {
            rows.add(row(w, busyGpus(core, w)));
        }
        return new Core(queue, rows);
    }

    /** The queue and workers, read on the loop. */
    record Core(DashboardSummary.Queue queue, List<DashboardSummary.WorkerRow> workers) {
        static final Core NONE = new Core(new DashboardSummary.Queue(0, 0, null), List.of());
    }

    DashboardState state(Core core) {
        long[] now = counts.snapshot();
        return new DashboardState(RunCounts.byLabel(now), counts.version(), core.queue(), series.samples(),
                core.workers());
    }

    private static Set<String> busyGpus(SchedulerCore<RunRequest> core, CoreWorker w) {
        if (w.gpuIds().isEmpty()) {
            return Set.of();
        }
        Set<String> busy = new HashSet<>();
        for (RunId id : w.runIds()) {
            core.run(id).ifPresent(r -> {
                if (r.assignment() != null) {
                    busy.addAll(r.assignment().gpuIds());
                }
            });
        }
        return busy;
    }

    private static DashboardSummary.WorkerRow row(CoreWorker w, Set<String> busyGpus) {
        List<DashboardSummary.Gpu> gpus = new ArrayList<>(w.gpuIds().size());
        for (String g : w.gpuIds()) {
            gpus.add(new DashboardSummary.Gpu(g, busyGpus.contains(g)));
        }
        Long end = w.endTimeMillis() > 0 && w.endTimeMillis() < Long.MAX_VALUE ? w.endTimeMillis() : null;
        return new DashboardSummary.WorkerRow(w.name().name(), w.host(), w.jobId(), null, w.slots(), w.slotsUsed(),
                w.resources(), w.used(), gpus, w.state(), "draining".equals(w.state()), end);
    }
}
