package io.hpcdask.server;

import io.hpcdask.server.api.ScalingView;
import io.hpcdask.server.api.WorkerView;
import io.hpcdask.server.core.RunState;
import io.hpcdask.server.scaling.Autoscaler;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's state as gauges, read once per scrape from what the server already keeps: runs by state (the counts
 * kept as runs change), the connected workers and their resources (one call on the loop), and the batch jobs
 * and pools of scaling. Nothing is kept between scrapes.
 */
public final class ClusterGauges implements MultiCollector {
    /** A worker whose job scaling does not know (e.g. one that outlived an earlier server) has this profile. */
    static final String NO_PROFILE = "none";
    private static final Logger LOG = LoggerFactory.getLogger(ClusterGauges.class);

    private final SchedulerServer scheduler;
    private final Supplier<ScalingView> scaling;

    /** @param scaling the pools and batch jobs, as {@code hpc-dask cluster status} shows them */
    public ClusterGauges(SchedulerServer scheduler, Supplier<ScalingView> scaling) {
        this.scheduler = scheduler;
        this.scaling = scaling;
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        Map<String, Long> runs = new TreeMap<>();
        for (RunState s : RunState.values()) {
            runs.put(s.label(), 0L);
        }
        scheduler.runCounts().forEach((s, n) -> runs.put(s.label(), n));
        out.add(gauge("hpcdask_runs", "Runs in the run database by state", "state", runs));

        ScalingView view = scalingView();
        Map<String, String> profileOf = new TreeMap<>();
        view.jobs().forEach(j -> {
            if (j.worker() != null) {
                profileOf.put(j.worker(), j.profile());
            }
        });
        Map<Labels, Double> workers = new TreeMap<>();
        Map<String, Long> total = new TreeMap<>();
        Map<String, Long> used = new TreeMap<>();
        for (WorkerView w : scheduler.workers()) {
            String profile = profileOf.getOrDefault(w.name(), w.profile() == null ? NO_PROFILE : w.profile());
            workers.merge(Labels.of("profile", profile, "state", w.state()), 1.0, Double::sum);
            w.resources().forEach((name, n) -> total.merge(name, n, Long::sum));
            w.resources().keySet().forEach(name -> used.merge(name, w.used().getOrDefault(name, 0L), Long::sum));
            total.merge("slots", (long) w.slots(), Long::sum);
            used.merge("slots", (long) w.slotsUsed(), Long::sum);
        }
        out.add(gauge("hpcdask_workers", "Connected workers by profile and state (idle, partly used, saturated, draining)",
                workers));
        out.add(gauge("hpcdask_resource_total", "What the connected workers offer, by resource (memory in bytes; slots:"
                + " runs at once)", "resource", total));
        out.add(gauge("hpcdask_resource_used", "What the runs on the connected workers hold, by resource", "resource", used));

        Map<Labels, Double> jobs = new TreeMap<>();
        for (Autoscaler.JobView j : view.jobs()) {
            jobs.merge(Labels.of("profile", j.profile(), "state", j.state().name().toLowerCase(Locale.ROOT)), 1.0, Double::sum);
        }
        out.add(gauge("hpcdask_batch_jobs", "Worker jobs in the batch system by profile and state", jobs));
        Map<Labels, Double> paused = new TreeMap<>();
        for (Autoscaler.PoolView p : view.pools()) {
            paused.put(Labels.of("profile", p.profile()), p.pausedReason() == null ? 0.0 : 1.0);
        }
        out.add(gauge("hpcdask_scaling_paused", "1 while scaling of the profile is paused (jobs kept failing without a"
                + " worker), else 0", paused));
        return new MetricSnapshots(out);
    }

    private ScalingView scalingView() {
        try {
            return scaling.get();
        } catch (RuntimeException e) {
            // the scrape still shows the runs and workers; scaling's own gauges are left out this time
            LOG.debug("Metrics: scaling did not answer: {}", e.toString());
            return ScalingView.none("unknown");
        }
    }

    private static MetricSnapshot gauge(String name, String help, String label, Map<String, Long> values) {
        Map<Labels, Double> points = new TreeMap<>();
        values.forEach((k, v) -> points.put(Labels.of(label, k), v.doubleValue()));
        return gauge(name, help, points);
    }

    private static MetricSnapshot gauge(String name, String help, Map<Labels, Double> points) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        points.forEach((labels, v) -> b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(v)
                .build()));
        return b.build();
    }
}
