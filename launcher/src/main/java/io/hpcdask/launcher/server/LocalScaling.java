package io.hpcdask.launcher.server;

import io.hpcdask.launcher.scaling.BatchScaling;
import io.hpcdask.server.SchedulerServer;
import io.hpcdask.server.api.AdaptRequest;
import io.hpcdask.server.api.ApiException;
import io.hpcdask.server.api.ScaleRequest;
import io.hpcdask.server.api.ScaleResult;
import io.hpcdask.server.api.ScalingView;
import io.hpcdask.server.scaling.ProfileCapacity;
import io.hpcdask.server.scaling.ScalingLoop;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A local cluster's workers under the autoscaler: one profile, {@value #PROFILE}, whose "jobs" are worker processes
 * on this machine, so {@code scale N} and {@code adapt} start and stop them as they do batch jobs.
 */
final class LocalScaling implements AutoCloseable {
    static final String PROFILE = "local";
    private static final long POLL_MILLIS = 2_000;
    private static final long FAST_POLL_MILLIS = 1_000;

    private final ScalingLoop loop;

    LocalScaling(LocalWorkers workers, LocalWorkerSpec spec, String schedulerAddress, Path jar, SchedulerServer scheduler) {
        this.loop = new ScalingLoop(new LocalProvisioner(workers, spec, schedulerAddress, jar), scheduler.workerControl(),
                System::currentTimeMillis, POLL_MILLIS, FAST_POLL_MILLIS);
        loop.countIn(scheduler.metrics());
        loop.profiles(List.of(capacity(spec)));
        scheduler.observeWorkers(loop);
    }

    /** What one local worker offers, as its options say; without cores, one core and one run (the planning floor). */
    static ProfileCapacity capacity(LocalWorkerSpec spec) {
        Map<String, Long> offer = new LinkedHashMap<>(spec.resources() == null ? Map.of() : spec.resources().amounts());
        int cores = spec.cores() == null ? 1 : spec.cores();
        offer.put("cores", (long) cores);
        if (spec.memory() != null) {
            offer.put("memory", spec.memory().bytes());
        }
        return new ProfileCapacity(PROFILE, offer, spec.slots() != null && spec.slots() > 0 ? spec.slots() : cores);
    }

    ScaleResult scale(ScaleRequest request) {
        checkProfile(request.profile());
        if (request.workers() < 0) {
            throw new ApiException(400, "workers: '" + request.workers() + "' is negative; expected a whole number >= 0");
        }
        return BatchScaling.await(PROFILE, loop.scale(PROFILE, request.workers()));
    }

    ScaleResult adapt(AdaptRequest request) {
        return BatchScaling.adapt(loop, List.of(PROFILE), PROFILE, request);
    }

    ScalingView view() {
        return BatchScaling.view("local", loop);
    }

    /** Ends every worker process scaling started and waits up to {@code timeoutMillis} for them to exit. */
    List<String> cancelAll(long timeoutMillis) throws InterruptedException {
        return loop.cancelAll(timeoutMillis);
    }

    private static void checkProfile(String profile) {
        if (profile != null && !profile.equals(PROFILE)) {
            throw new ApiException(400, "--profile: a local cluster has one profile, '" + PROFILE + "'; got '" + profile + "'");
        }
    }

    @Override
    public void close() {
        loop.close();
    }
}
