package io.hpcdask.launcher.cli;

import io.hpcdask.protocol.DurationText;
import io.hpcdask.server.api.ScalingView;
import io.hpcdask.server.scaling.AdaptPolicy;
import io.hpcdask.server.scaling.Autoscaler;
import java.time.Duration;

/** How a profile's adaptive scaling reads in {@code cluster status}, {@code adapt} and {@code scale}. */
final class AdaptText {
    private AdaptText() {
    }

    /** {@code adapts 0-4 workers, idle-timeout 5m, at most 2 pending; staged runs ask for 3} or {@code fixed target}. */
    static String of(Autoscaler.PoolView p) {
        AdaptPolicy a = p.adapt();
        if (a == null) {
            return "fixed target (hpc-dask adapt to follow demand)";
        }
        return "adapts " + bounds(a) + "; staged runs ask for " + p.demand() + " worker(s)";
    }

    static String bounds(AdaptPolicy a) {
        return a.min() + "-" + a.max() + " workers, idle-timeout " + DurationText.format(Duration.ofMillis(a.idleTimeoutMillis()))
                + (a.maxPending() == AdaptPolicy.NO_PENDING_LIMIT ? "" : ", at most " + a.maxPending() + " pending");
    }

    /** Whether the profile ({@code null}: the first) adapts in this view. */
    static boolean adapts(ScalingView view, String profile) {
        return view.pools().stream().filter(p -> profile == null || p.profile().equals(profile)).findFirst()
                .map(p -> p.adapt() != null).orElse(false);
    }
}
