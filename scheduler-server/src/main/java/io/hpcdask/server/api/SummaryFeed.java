package io.hpcdask.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpcdask.server.scaling.Autoscaler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's {@code summary} topic: a subscriber first gets a full {@link DashboardSummary}, then, at most every
 * {@link #PERIOD_MILLIS}, one message with the parts that changed, the same bytes for every subscriber (built and
 * serialized once). Nothing is read while nobody subscribes; each period with subscribers reads the scheduler's
 * {@link DashboardState} (counts kept as runs change: no run is read) and the scaling view once.
 */
public final class SummaryFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SummaryFeed.class);
    /** The shortest time between two messages to the same subscriber, however fast things change. */
    public static final long PERIOD_MILLIS = 500;
    /** The window throughput is measured over. */
    static final long THROUGHPUT_WINDOW_MILLIS = 10_000;

    private final Supplier<DashboardState> scheduler;
    private final Supplier<ScalingView> scaling;
    private final ObjectMapper json;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hpc-dask-dashboard");
        t.setDaemon(true);
        return t;
    });
    /** Touched only on {@link #thread}. */
    private final List<Consumer<String>> sinks = new ArrayList<>();
    private Parts last;
    private ScheduledFuture<?> ticking;
    private volatile long messages;

    public SummaryFeed(Supplier<DashboardState> scheduler, Supplier<ScalingView> scaling, ObjectMapper json) {
        this.scheduler = scheduler;
        this.scaling = scaling;
        this.json = json;
    }

    /**
     * Sends {@code sink} a full summary, then the changes, until the returned handle is run or {@code sink} throws
     * (its client left). {@code sink} is called on this feed's one thread and must not block.
     */
    public Runnable subscribe(Consumer<String> sink) {
        thread.execute(() -> {
            Parts now = read();
            if (last != null && !sinks.isEmpty() && changed(last, now)) {
                broadcast(diff(last, now)); // the others first, so every subscriber has seen the same state
            }
            last = now;
            if (deliver(sink, serialize(full(now)))) {
                sinks.add(sink);
            }
            if (ticking == null) {
                ticking = thread.scheduleWithFixedDelay(this::tick, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
            }
        });
        return () -> {
            try {
                thread.execute(() -> sinks.remove(sink));
            } catch (RejectedExecutionException e) {
                // closed: nobody is sent anything any more
            }
        };
    }

    /** Messages sent since the start, a full one counted once per subscriber: for tests and the benchmark. */
    public long messages() {
        return messages;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

    private void tick() {
        try {
            if (sinks.isEmpty()) {
                last = null; // a later subscriber gets a fresh read, not what was sent long ago
                return;
            }
            Parts now = read();
            if (changed(last, now)) {
                broadcast(diff(last, now));
                last = now;
            }
        } catch (RuntimeException e) {
            // the scheduler is stopping, or scaling did not answer: the next period tries again
            LOG.debug("Dashboard summary not sent: {}", e.toString());
        }
    }

    private void broadcast(DashboardSummary message) {
        String text = serialize(message);
        sinks.removeIf(sink -> !deliver(sink, text));
    }

    private boolean deliver(Consumer<String> sink, String text) {
        try {
            sink.accept(text);
            messages++;
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private String serialize(DashboardSummary message) {
        try {
            return json.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the dashboard summary", e);
        }
    }

    /** What was sent last, or is about to be: every part, the workers by id. */
    private record Parts(long serverTime, String system, Map<String, Long> counts, long runsVersion, double throughput,
                         DashboardSummary.Queue queue, List<DashboardSummary.Sample> series,
                         Map<String, DashboardSummary.WorkerRow> workers, List<Autoscaler.PoolView> profiles,
                         List<Autoscaler.JobView> jobs) {
        long lastSample() {
            return series.isEmpty() ? Long.MIN_VALUE : series.get(series.size() - 1).t();
        }
    }

    private Parts read() {
        DashboardState s = scheduler.get();
        ScalingView v = scaling.get();
        if (s == null) {
            s = new DashboardState(Map.of(), 0, new DashboardSummary.Queue(0, 0, null), List.of(), List.of());
        }
        Map<String, String> profileOfJob = new HashMap<>();
        for (Autoscaler.JobView j : v.jobs()) {
            profileOfJob.put(j.jobId(), j.profile());
        }
        Map<String, DashboardSummary.WorkerRow> workers = new LinkedHashMap<>();
        for (DashboardSummary.WorkerRow w : s.workers()) {
            workers.put(w.id(), w.jobId() == null ? w : w.withProfile(profileOfJob.get(w.jobId())));
        }
        return new Parts(System.currentTimeMillis(), v.system(), s.counts(), s.runsVersion(), throughput(s.series()),
                s.queue(), s.series(), workers, v.pools(), v.jobs());
    }

    /** Runs finished per second over the last {@link #THROUGHPUT_WINDOW_MILLIS} of samples, to a hundredth. */
    static double throughput(List<DashboardSummary.Sample> series) {
        if (series.size() < 2) {
            return 0;
        }
        DashboardSummary.Sample newest = series.get(series.size() - 1);
        DashboardSummary.Sample from = series.get(0);
        for (int i = series.size() - 2; i >= 0; i--) {
            from = series.get(i);
            if (newest.t() - from.t() >= THROUGHPUT_WINDOW_MILLIS) {
                break;
            }
        }
        double seconds = (newest.t() - from.t()) / 1000.0;
        return seconds <= 0 ? 0 : Math.round((newest.finished() - from.finished()) / seconds * 100) / 100.0;
    }

    private static boolean changed(Parts a, Parts b) {
        return a.runsVersion() != b.runsVersion() || a.throughput() != b.throughput()
                || !Objects.equals(a.system(), b.system()) || !a.counts().equals(b.counts())
                || !a.queue().equals(b.queue()) || !a.workers().equals(b.workers())
                || !a.profiles().equals(b.profiles()) || !a.jobs().equals(b.jobs());
    }

    private static DashboardSummary full(Parts p) {
        return new DashboardSummary(true, p.serverTime(), p.system(), List.copyOf(p.counts().keySet()), p.counts(), p.runsVersion(), p.throughput(),
                p.queue(), p.series(), List.copyOf(p.workers().values()), null, p.profiles(), p.jobs());
    }

    private static DashboardSummary diff(Parts a, Parts b) {
        List<DashboardSummary.Sample> samples = new ArrayList<>();
        for (DashboardSummary.Sample s : b.series()) {
            if (s.t() >= a.lastSample()) { // the last second again: it may have been sampled again since
                samples.add(s);
            }
        }
        List<DashboardSummary.WorkerRow> rows = new ArrayList<>();
        b.workers().forEach((id, row) -> {
            if (!row.equals(a.workers().get(id))) {
                rows.add(row);
            }
        });
        List<String> gone = new ArrayList<>();
        for (String id : a.workers().keySet()) {
            if (!b.workers().containsKey(id)) {
                gone.add(id);
            }
        }
        return new DashboardSummary(false, b.serverTime(),
                Objects.equals(a.system(), b.system()) ? null : b.system(), null,
                a.counts().equals(b.counts()) ? null : b.counts(),
                a.runsVersion() == b.runsVersion() ? null : b.runsVersion(),
                a.throughput() == b.throughput() ? null : b.throughput(),
                a.queue().equals(b.queue()) ? null : b.queue(),
                samples.isEmpty() ? null : samples, rows.isEmpty() ? null : rows, gone.isEmpty() ? null : gone,
                a.profiles().equals(b.profiles()) ? null : b.profiles(), a.jobs().equals(b.jobs()) ? null : b.jobs());
    }
}
