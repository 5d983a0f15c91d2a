package io.hpcdask.server;

import io.hpcdask.server.api.ApiException;
import io.hpcdask.server.api.RunIds;
import io.hpcdask.server.api.RunsWatch;
import io.hpcdask.server.core.StateChange;
import io.hpcdask.server.ids.RunId;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

/**
 * Clients waiting to be told: for a set of runs to end, for a run to end or print, for workers to join or leave. A
 * waiting client holds no thread: its wait is a future, completed by the event it waits for (on the loop or transport
 * thread that reports it) or by its deadline. Futures complete on this class's one thread, never on the loop's, so
 * whatever a client's answer costs (reading the store, a log) never delays scheduling.
 *
 * <p>Events are reported on the loop thread ({@link #stateChanged}, {@link #workersChanged}) or a transport thread
 * ({@link #output}); with nobody waiting, each costs one volatile read.
 */
final class RunWatches implements AutoCloseable {
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hpc-dask-api-waits");
        t.setDaemon(true);
        return t;
    });
    private final Object lock = new Object();
    private final List<RunsWait> runsWaits = new ArrayList<>();
    private final Map<Long, List<CompletableFuture<Void>>> follows = new HashMap<>();
    private final List<VersionWait> versionWaits = new ArrayList<>();
    private volatile boolean anyWaiting;
    /** Event streams' watches: told every change, not only endings, and never completed by a deadline. */
    private final List<StateWatch> stateWatches = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<Long, List<Runnable>> outputWatches = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile long workersVersion;
    private boolean closed;

    /** A wait for runs to end: the bits of those not ended yet, from {@code base} on. */
    private static final class RunsWait {
        final long total;
        final long base;
        final BitSet active;
        final CompletableFuture<Long> done = new CompletableFuture<>(); // the number ended
        int remaining;

        RunsWait(long total, long base, BitSet active) {
            this.total = total;
            this.base = base;
            this.active = active;
            this.remaining = active.cardinality();
        }
    }

    private record VersionWait(long seen, CompletableFuture<Long> done) {}

    /**
     * The runs {@code base + i} for each bit {@code i} set in {@code members}; {@code active} those staged or running.
     * Changed on the loop thread only.
     */
    private static final class StateWatch {
        final long base;
        final BitSet members;
        final BitSet active;
        final RunsWatch.Listener listener;
        long ended;

        StateWatch(long base, BitSet members, BitSet active, long ended, RunsWatch.Listener listener) {
            this.base = base;
            this.members = members;
            this.active = active;
            this.ended = ended;
            this.listener = listener;
        }

        void changed(long id, StateChange change) {
            long bit = id - base;
            if (bit < 0 || bit >= Integer.MAX_VALUE || !members.get((int) bit)) {
                return;
            }
            boolean wasActive = active.get((int) bit);
            if (change.to().isFinal() && wasActive) {
                active.clear((int) bit);
                ended++;
            } else if (!change.to().isFinal() && !wasActive) {
                active.set((int) bit);
                ended--;
            }
            listener.changed(id, change.to().label(), change.exitCode(), ended);
        }
    }

    // ---------------------------------------------------------------- events

    /** On the loop thread, for every state change the core makes. */
    void stateChanged(StateChange change) {
        if (!stateWatches.isEmpty()) {
            tellWatches(change);
        }
        if (!anyWaiting || !change.to().isFinal()) {
            return;
        }
        long id;
        try {
            id = change.runId().number();
        } catch (NumberFormatException e) {
            return;
        }
        synchronized (lock) {
            for (int i = runsWaits.size() - 1; i >= 0; i--) {
                RunsWait w = runsWaits.get(i);
                long bit = id - w.base;
                if (bit >= 0 && bit < Integer.MAX_VALUE && w.active.get((int) bit)) {
                    w.active.clear((int) bit);
                    if (--w.remaining == 0) {
                        runsWaits.remove(i);
                        complete(w.done, w.total);
                    }
                }
            }
            wake(follows.remove(id));
            updateWaiting();
        }
    }

    /** On a transport thread, after output of the run was appended to its log. */
    void output(RunId runId) {
        if (!outputWatches.isEmpty()) {
            try {
                List<Runnable> watching = outputWatches.get(runId.number());
                if (watching != null) {
                    watching.forEach(Runnable::run);
                }
            } catch (NumberFormatException e) {
                // not one of ours
            }
        }
        if (!anyWaiting) {
            return;
        }
        try {
            long id = runId.number();
            synchronized (lock) {
                wake(follows.remove(id));
                updateWaiting();
            }
        } catch (NumberFormatException e) {
            // not one of ours
        }
    }

    /** On the loop thread, after a worker joined, left or began to retire. */
    void workersChanged() {
        long version = ++workersVersion; // only the loop thread writes it
        if (!anyWaiting) {
            return;
        }
        synchronized (lock) {
            for (VersionWait w : versionWaits) {
                complete(w.done(), version);
            }
            versionWaits.clear();
            updateWaiting();
        }
    }

    long workersVersion() {
        return workersVersion;
    }

    // ---------------------------------------------------------------- waits

    /**
     * Waits for the runs in {@code ranges} to end; the answer is how many have. Called on the loop thread, which is
     * where {@code active} is true of a run still staged or running, so no ending is missed or counted twice.
     */
    CompletableFuture<Long> awaitRuns(List<RunIds.Range> ranges, LongPredicate active, long waitMillis) {
        long base = ranges.stream().mapToLong(RunIds.Range::first).min().orElse(1);
        long top = ranges.stream().mapToLong(RunIds.Range::last).max().orElse(0);
        if (top - base >= Integer.MAX_VALUE) {
            throw new ApiException(400, "the run ids of one wait must lie within " + Integer.MAX_VALUE + " of each other");
        }
        BitSet bits = new BitSet((int) (top - base + 1));
        for (RunIds.Range r : ranges) {
            for (long id = r.first(); id <= r.last(); id++) {
                if (active.test(id)) {
                    bits.set((int) (id - base));
                }
            }
        }
        RunsWait w = new RunsWait(RunIds.count(ranges), base, bits);
        if (w.remaining == 0 || waitMillis <= 0) {
            complete(w.done, w.total - w.remaining);
            return w.done;
        }
        synchronized (lock) {
            refuseIfClosed();
            runsWaits.add(w);
            anyWaiting = true;
        }
        thread.schedule(() -> {
            synchronized (lock) {
                if (runsWaits.remove(w)) {
                    complete(w.done, w.total - w.remaining);
                    updateWaiting();
                }
            }
        }, waitMillis, TimeUnit.MILLISECONDS);
        return w.done;
    }

    /**
     * Waits until run {@code id} ends or prints; the caller looks at the run and its log afterwards. Register before
     * looking whether there is anything to tell already, so that an event in between is not missed.
     */
    CompletableFuture<Void> follow(long id, long waitMillis) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        synchronized (lock) {
            refuseIfClosed();
            follows.computeIfAbsent(id, k -> new ArrayList<>(1)).add(f);
            anyWaiting = true;
        }
        thread.schedule(() -> {
            synchronized (lock) {
                List<CompletableFuture<Void>> mine = follows.get(id);
                if (mine != null && mine.remove(f)) {
                    if (mine.isEmpty()) {
                        follows.remove(id);
                    }
                    complete(f, null);
                    updateWaiting();
                }
            }
        }, waitMillis, TimeUnit.MILLISECONDS);
        return f;
    }

    /** Stops a {@link #follow} that turned out not to be needed (there was something to tell already). */
    void unfollow(long id, CompletableFuture<Void> f) {
        synchronized (lock) {
            List<CompletableFuture<Void>> mine = follows.get(id);
            if (mine != null && mine.remove(f) && mine.isEmpty()) {
                follows.remove(id);
            }
            updateWaiting();
        }
    }

    /** Waits until the workers' version is past {@code seen}; the answer is the version then. */
    CompletableFuture<Long> awaitWorkers(long seen, long waitMillis) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        synchronized (lock) {
            refuseIfClosed();
            long now = workersVersion;
            if (now != seen || waitMillis <= 0) {
                complete(f, now);
                return f;
            }
            VersionWait w = new VersionWait(seen, f);
            versionWaits.add(w);
            anyWaiting = true;
            thread.schedule(() -> {
                synchronized (lock) {
                    if (versionWaits.remove(w)) {
                        complete(f, workersVersion);
                        updateWaiting();
                    }
                }
            }, waitMillis, TimeUnit.MILLISECONDS);
        }
        return f;
    }

    private void tellWatches(StateChange change) {
        long id;
        try {
            id = change.runId().number();
        } catch (NumberFormatException e) {
            return;
        }
        for (StateWatch w : stateWatches) {
            w.changed(id, change);
        }
    }

    /**
     * Watches the runs in {@code ranges} from now on. Called on the loop thread, where {@code activeState} gives the
     * state of a run still staged or running (null for one that has ended), so the watch's start and the changes it
     * is told later neither miss nor repeat one.
     */
    RunsWatch watchRuns(List<RunIds.Range> ranges, java.util.function.LongFunction<String> activeState, boolean states,
                        RunsWatch.Listener listener) {
        long base = ranges.stream().mapToLong(RunIds.Range::first).min().orElse(1);
        long top = ranges.stream().mapToLong(RunIds.Range::last).max().orElse(0);
        if (top - base >= Integer.MAX_VALUE) {
            throw new ApiException(400, "the run ids of one watch must lie within " + Integer.MAX_VALUE + " of each other");
        }
        BitSet members = new BitSet((int) (top - base + 1));
        BitSet activeBits = new BitSet((int) (top - base + 1));
        Map<Long, String> active = new java.util.TreeMap<>();
        long activeCount = 0;
        for (RunIds.Range r : ranges) {
            for (long id = r.first(); id <= r.last(); id++) {
                if (members.get((int) (id - base))) {
                    continue; // named twice
                }
                members.set((int) (id - base));
                String state = activeState.apply(id);
                if (state != null) {
                    activeCount++;
                    activeBits.set((int) (id - base));
                    if (states) {
                        active.put(id, state);
                    }
                }
            }
        }
        synchronized (lock) {
            refuseIfClosed();
        }
        long total = members.cardinality();
        StateWatch w = new StateWatch(base, members, activeBits, total - activeCount, listener);
        RunsWatch watch = new RunsWatch(total, total - activeCount, active, () -> stateWatches.remove(w));
        listener.started(watch);
        stateWatches.add(w);
        return watch;
    }

    /** Runs {@code appended} after each output of run {@code id}, until the returned stop runs. */
    Runnable watchOutput(long id, Runnable appended) {
        synchronized (lock) {
            refuseIfClosed();
        }
        outputWatches.compute(id, (k, list) -> {
            List<Runnable> l = list == null ? new java.util.concurrent.CopyOnWriteArrayList<>() : list;
            l.add(appended);
            return l;
        });
        return () -> outputWatches.computeIfPresent(id, (k, list) -> {
            list.remove(appended);
            return list.isEmpty() ? null : list;
        });
    }

    /** Answers every wait with 503: the scheduler stops. */
    @Override
    public void close() {
        List<CompletableFuture<?>> all = new ArrayList<>();
        synchronized (lock) {
            closed = true;
            runsWaits.forEach(w -> all.add(w.done));
            follows.values().forEach(all::addAll);
            versionWaits.forEach(w -> all.add(w.done()));
            runsWaits.clear();
            follows.clear();
            versionWaits.clear();
            anyWaiting = false;
        }
        stateWatches.clear();
        outputWatches.clear();
        ApiException stopping = new ApiException(503, "the scheduler is shutting down");
        all.forEach(f -> f.completeExceptionally(stopping));
        thread.shutdownNow();
    }

    private void refuseIfClosed() {
        if (closed) {
            throw new ApiException(503, "the scheduler is shutting down");
        }
    }

    private void wake(List<CompletableFuture<Void>> waiting) {
        if (waiting != null) {
            waiting.forEach(f -> complete(f, null));
        }
    }

    /** Completes on this class's thread: what the waiter does next must not run on the loop or a transport thread. */
    private <T> void complete(CompletableFuture<T> f, T value) {
        try {
            thread.execute(() -> f.complete(value));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            f.completeExceptionally(new ApiException(503, "the scheduler is shutting down"));
        }
    }

    private void updateWaiting() {
        anyWaiting = !runsWaits.isEmpty() || !follows.isEmpty() || !versionWaits.isEmpty();
    }
}
