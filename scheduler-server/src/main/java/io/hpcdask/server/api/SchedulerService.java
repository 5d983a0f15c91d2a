package io.hpcdask.server.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * What a running scheduler offers its clients. The HTTP API serves exactly this; the CLI reaches it through
 * {@code SchedulerClient}.
 */
public interface SchedulerService {
    /** Stages runs; returns only once every one of them is durable in the store. */
    StageResult stage(List<RunRequest> runs);

    /**
     * Stages runs as {@link #stage(List)} does; a {@code requestId} (chosen by the client, or null) seen before returns
     * the runs that request staged and stages nothing, so a retry after a lost answer never stages twice.
     */
    default StageResult stage(String requestId, List<RunRequest> runs) {
        return stage(runs);
    }

    /** Runs in staging order; {@code state} null for all. */
    List<RunView> runs(String state);

    /**
     * What {@link #runs(String)} answers, handed to {@code slices} a part at a time in staging order instead of
     * returned, so that every run of a large cluster is never held whole.
     */
    default void runs(String state, java.util.function.Consumer<List<RunView>> slices) {
        slices.accept(runs(state));
    }

    /** One run; {@link ApiException} 404 when there is none with this id. */
    default RunView run(String id) {
        return runs(null).stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new ApiException(404, "no run with id " + id));
    }

    /** The latest {@code limit} runs in {@code state} (null: any), in staging order; {@code limit} 0 for all. */
    default RunPage runPage(String state, int limit) {
        return runPage(RunFilter.of(state, limit));
    }

    /** The latest runs the filter passes, in staging order, with the counts per state of the runs its label matches. */
    default RunPage runPage(RunFilter filter) {
        List<RunView> all = runs(null).stream().filter(r -> filter.labelMatches(r.label())).toList();
        Map<String, Long> counts = new TreeMap<>();
        all.forEach(r -> counts.merge(r.state(), 1L, Long::sum));
        List<RunView> matching = filter.states().isEmpty() ? all
                : all.stream().filter(r -> filter.states().contains(r.state())).toList();
        int from = filter.limit() == 0 ? 0 : Math.max(0, matching.size() - filter.limit());
        return new RunPage(matching.subList(from, matching.size()), matching.size(), counts);
    }

    /**
     * What {@link #runPage(RunFilter)} answers, its runs handed to {@code slices} a part at a time in staging order
     * instead of returned, so that a page of every run of a large cluster is never held whole; returns the page with
     * its counts and no runs.
     */
    default RunPage runPage(RunFilter filter, java.util.function.Consumer<List<RunView>> slices) {
        RunPage p = runPage(filter);
        slices.accept(p.runs());
        return new RunPage(List.of(), p.matching(), p.counts(), p.serverTime());
    }

    /**
     * Answers once every run in {@code ranges} has ended, or after {@code waitMillis} with how many have (0: at once).
     * The future completes on a thread of the service's, never one that schedules.
     */
    default CompletableFuture<RunsProgress> awaitRuns(List<RunIds.Range> ranges, long waitMillis) {
        throw new ApiException(404, "this scheduler cannot be waited on; poll its runs instead");
    }

    /**
     * Completes once run {@code id} has ended or its log holds more than {@code offset} bytes, or after
     * {@code waitMillis} (0: at once); {@link ApiException} 404 when there is no such run.
     */
    default CompletableFuture<Void> awaitRunNews(String id, long offset, long waitMillis) {
        run(id);
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Completes with the number of times workers have joined, left or begun to retire, once it is not {@code seen}, or
     * after {@code waitMillis} (0: at once).
     */
    default CompletableFuture<Long> awaitWorkers(long seen, long waitMillis) {
        return CompletableFuture.completedFuture(seen);
    }

    /**
     * Watches the runs in {@code ranges}: {@link RunsWatch} says how they stand, then {@code listener} hears every state
     * change of one of them; {@code states}: the watch lists the states of the runs still active. {@link ApiException}
     * 404 when some do not exist.
     */
    default RunsWatch watchRuns(List<RunIds.Range> ranges, boolean states, RunsWatch.Listener listener) {
        throw new ApiException(404, "this scheduler cannot be watched; poll its runs instead");
    }

    /**
     * Calls {@code appended} (on a transport thread: it must only queue) each time output of run {@code id} reaches its
     * log, until the returned stop runs.
     */
    default Runnable watchOutput(long id, Runnable appended) {
        throw new ApiException(404, "this scheduler cannot be watched; poll its runs instead");
    }

    List<WorkerView> workers();

    /**
     * Stages finished runs again, each as a new attempt of the same run (same id); returns the ids staged again, in id
     * order. {@link io.hpcdask.protocol.InvalidValueException} for a state that is not a finished one.
     */
    default List<String> retry(RetryRequest request) {
        throw new ApiException(404, "this scheduler cannot retry runs");
    }

    /** Cancels staged or running runs; returns the ids that were cancelled. */
    List<String> cancel(List<String> runIds);

    /**
     * Cancels the staged or running runs {@code selection} names, in one step; says which. The scheduler and its
     * client answer it; a service that keeps no runs of its own (a test's) need not.
     */
    default CancelResult cancel(CancelSelection selection) {
        throw new ApiException(501, "this service cannot cancel runs by selection");
    }

    /** What the dashboard shows of the scheduler; null from a service that keeps none (a test's stand-in). */
    default DashboardState dashboard() {
        return null;
    }

    /** The run's output file (stdout and stderr as they arrived). */
    Path runLog(String runId);
}
