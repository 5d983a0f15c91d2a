package io.hpcdask.server.metrics;

import io.hpcdask.server.core.RunState;
import io.hpcdask.server.core.StateChange;
import io.hpcdask.server.ids.RunId;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The scheduler's metrics in one registry of the official Prometheus client. What happens on the event path (runs
 * starting and ending, store commits, batch submissions) is counted here as it happens, each a lock-free add; what is
 * state (runs by state, workers, resources, batch jobs) is read at scrape time by a {@link MultiCollector} the server
 * registers, so the hot path pays nothing for it.
 *
 * <p>Two latencies, in seconds: the <em>wait</em> ({@code hpcdask_run_wait_seconds}) runs from when a run was
 * staged to when the scheduler dispatches it to a worker; the <em>dispatch latency</em>
 * ({@code hpcdask_run_dispatch_latency_seconds}) from that dispatch to the worker's report that the run's process
 * started.
 */
public final class ServerMetrics {
    /** The media type of {@link #scrape}. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private static final double[] WAIT_SECONDS = {0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 1800, 3600, 7200, 21600, 86400};
    private static final double[] DISPATCH_SECONDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
    private static final double[] COMMIT_SECONDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final LongSupplier clock;

    // no exemplars (nothing here traces): a counter that keeps them schedules a task on the client's own thread as it
    // samples one, several times a second while runs finish
    private final Counter runsSubmitted = Counter.builder().name("hpcdask_runs_submitted").withoutExemplars()
            .help("Runs staged through the API since the server started").register(registry);
    private final Counter runsStarted = Counter.builder().name("hpcdask_runs_started").withoutExemplars()
            .help("Runs dispatched to a worker (each attempt counts) since the server started").register(registry);
    private final Counter runsFinished = Counter.builder().name("hpcdask_runs_finished").withoutExemplars()
            .help("Runs that reached a final state since the server started, by that state").labelNames("state")
            .register(registry);
    private final Counter runsFailed = Counter.builder().name("hpcdask_runs_failed").withoutExemplars()
            .help("Runs that ended in error, lost or timeout since the server started").register(registry);
    private final Histogram wait = Histogram.builder().name("hpcdask_run_wait_seconds")
            .help("Time from a run's staging to its dispatch to a worker").classicOnly().classicUpperBounds(WAIT_SECONDS)
            .withoutExemplars().register(registry);
    private final Histogram dispatch = Histogram.builder().name("hpcdask_run_dispatch_latency_seconds")
            .help("Time from a run's dispatch to the worker's report that its process started").classicOnly()
            .classicUpperBounds(DISPATCH_SECONDS).withoutExemplars().register(registry);
    private final Histogram commits = Histogram.builder().name("hpcdask_store_commit_seconds")
            .help("Time of one commit of the run database (a batch of stagings and state changes)").classicOnly()
            .classicUpperBounds(COMMIT_SECONDS).withoutExemplars().register(registry);
    private final Counter jobSubmissions = Counter.builder().name("hpcdask_job_submissions").withoutExemplars()
            .help("Worker job submissions to the batch system (one per sbatch or qsub, an array counts once), by profile")
            .labelNames("profile").register(registry);
    private final Counter jobSubmissionFailures = Counter.builder().name("hpcdask_job_submission_failures")
            .withoutExemplars()
            .help("Worker job submissions the batch system refused or that could not be made, by profile")
            .labelNames("profile").register(registry);
    private final Counter scalingPauses = Counter.builder().name("hpcdask_scaling_pauses").withoutExemplars()
            .help("Times scaling of a profile was paused after jobs kept failing without a worker, by profile")
            .labelNames("profile").register(registry);

    /** {@link #runsFinished}' data point of each final state, looked up once instead of per finished run. */
    private final CounterDataPoint[] finishedIn = new CounterDataPoint[RunState.values().length];

    /** When each run in flight was dispatched, until its worker reports it started (or it leaves running). */
    private final Map<RunId, Long> dispatchedAt = new ConcurrentHashMap<>();

    /** @param clock the scheduler's clock in milliseconds (the one its state changes are stamped with) */
    public ServerMetrics(LongSupplier clock) {
        this.clock = clock;
    }

    /** A state change of the core, on the loop thread. */
    public void stateChanged(StateChange c) {
        if (c.to() == RunState.RUNNING) {
            runsStarted.inc();
            dispatchedAt.put(c.runId(), c.timeMillis());
            if (c.stagedAt() > 0) {
                wait.observe(Math.max(0, c.timeMillis() - c.stagedAt()) / 1e3);
            }
            return;
        }
        if (c.from() == RunState.RUNNING) {
            dispatchedAt.remove(c.runId());
        }
        if (c.to().isFinal()) {
            CounterDataPoint finished = finishedIn[c.to().ordinal()];
            if (finished == null) { // a race between loop and scrape threads only looks it up twice
                finished = runsFinished.labelValues(c.to().label());
                finishedIn[c.to().ordinal()] = finished;
            }
            finished.inc();
            if (c.to() == RunState.ERROR || c.to() == RunState.LOST || c.to() == RunState.TIMEOUT) {
                runsFailed.inc();
            }
        }
    }

    /** A worker reports that it started a run's process; called as the report arrives. */
    public void runStarted(RunId run) {
        Long at = dispatchedAt.remove(run);
        if (at != null) {
            dispatch.observe(Math.max(0, clock.getAsLong() - at) / 1e3);
        }
    }

    public void runsSubmitted(int count) {
        runsSubmitted.inc(count);
    }

    /** One commit of the run database took {@code nanos}. */
    public void committed(long nanos) {
        commits.observe(nanos / 1e9);
    }

    public void jobsSubmitted(String profile) {
        jobSubmissions.labelValues(profile).inc();
    }

    public void jobSubmissionFailed(String profile) {
        jobSubmissions.labelValues(profile).inc();
        jobSubmissionFailures.labelValues(profile).inc();
    }

    public void scalingPaused(String profile) {
        scalingPauses.labelValues(profile).inc();
    }

    /** Bytes on the worker links, read at scrape time from the transport's own counters. */
    public void linkBytes(LongSupplier received, LongSupplier sent) {
        CounterWithCallback.builder().name("hpcdask_link_received_bytes")
                .help("Bytes received from workers on their links (framing and encryption included)")
                .callback(cb -> cb.call(received.getAsLong())).register(registry);
        CounterWithCallback.builder().name("hpcdask_link_sent_bytes")
                .help("Bytes sent to workers on their links (framing and encryption included)")
                .callback(cb -> cb.call(sent.getAsLong())).register(registry);
    }

    /** Adds metrics read from the cluster's state at each scrape. */
    public void register(MultiCollector collector) {
        registry.register(collector);
    }

    /** Every metric, in the Prometheus text format (version 0.0.4). */
    public void scrape(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }
}
