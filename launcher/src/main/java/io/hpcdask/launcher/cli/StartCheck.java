package io.hpcdask.launcher.cli;

import io.hpcdask.server.api.ScalingView;
import io.hpcdask.server.api.WorkerView;
import io.hpcdask.server.core.DaskTags;
import io.hpcdask.server.scaling.Autoscaler;
import io.hpcdask.server.scaling.JobState;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code submit run} tells at once when nothing could ever start its runs, and what {@code --wait} tells while
 * they wait: the connected workers and each profile's worker are the only places a run can start.
 */
final class StartCheck {
    private StartCheck() {
    }

    /**
     * {@code run 12 cannot start: no worker or profile offers gpu (profiles: cpu)}, or null when a connected worker or
     * a profile's worker could take runs of these requirements.
     */
    static String cannotStart(List<String> ids, List<String> tags, List<WorkerView> workers, ScalingView view) {
        Map<String, Long> requires = DaskTags.parse(tags).requires();
        List<Map<String, Long>> offers = new ArrayList<>();
        workers.forEach(w -> offers.add(w.resources()));
        List<String> profiles = new ArrayList<>();
        for (Autoscaler.PoolView p : view.pools()) {
            profiles.add(p.profile());
            if (p.offers() != null) {
                offers.add(p.offers());
            }
        }
        for (Map<String, Long> offer : offers) {
            if (fits(requires, offer, offer != null && workers.stream().noneMatch(w -> w.resources() == offer))) {
                return null;
            }
        }
        Set<String> missing = new LinkedHashSet<>();
        requires.forEach((k, v) -> {
            boolean named = offers.stream().anyMatch(o -> o.containsKey(k));
            if (!named && !k.equals("memory")) {
                missing.add(k);
            } else if (offers.stream().noneMatch(o -> o.getOrDefault(k, k.equals("memory") ? Long.MAX_VALUE : 0L) >= v)) {
                missing.add(k + "=" + v);
            }
        });
        String what = offers.isEmpty() ? "no worker is connected and no profile can start one"
                : "no worker or profile offers " + (missing.isEmpty() ? DaskTags.format(requires) + " together" : String.join(", ", missing));
        String runs = ids.size() == 1 ? "run " + ids.get(0) : "runs " + ids.get(0) + " to " + ids.get(ids.size() - 1);
        return runs + " cannot start: " + what + " (profiles: " + (profiles.isEmpty() ? "none" : String.join(", ", profiles))
                + "); it stays staged";
    }

    private static boolean fits(Map<String, Long> requires, Map<String, Long> offer, boolean profile) {
        for (Map.Entry<String, Long> e : requires.entrySet()) {
            long unset = profile && e.getKey().equals("memory") ? Long.MAX_VALUE : 0; // a profile without memory: the node's
            if (offer.getOrDefault(e.getKey(), unset) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Prints {@link #cannotStart} on stderr when it applies; a cluster that cannot answer leaves the submission as it is. */
    static void tell(RunningCluster cluster, List<String> tags, List<String> ids, java.io.PrintWriter err) {
        if (ids.isEmpty()) {
            return;
        }
        try {
            String line = cannotStart(ids, tags, cluster.call(c -> c.workers()), cluster.call(c -> c.scaling()));
            if (line != null) {
                err.println(line);
                err.flush();
            }
        } catch (RuntimeException e) {
            // the runs are staged; this was only an explanation
        }
    }

    /** The {@link #waiting} line of this cluster now, or null when it cannot answer. */
    static java.util.function.Supplier<String> waitingNote(RunningCluster cluster) {
        return () -> {
            try {
                return waiting(cluster.call(c -> c.workers()), cluster.call(c -> c.scaling()));
            } catch (RuntimeException e) {
                return null;
            }
        };
    }

    /** {@code waiting: 0 workers connected, 1 job pending (PD Resources)}. */
    static String waiting(List<WorkerView> workers, ScalingView view) {
        long pending = 0;
        Set<String> reasons = new LinkedHashSet<>();
        for (Autoscaler.JobView j : view.jobs()) {
            if (j.state() == JobState.PENDING && !j.retiring()) {
                pending++;
                if (j.reason() != null && !j.reason().isBlank()) {
                    reasons.add("PD " + j.reason());
                }
            }
        }
        return "waiting: " + workers.size() + " worker(s) connected, " + pending + " job(s) pending"
                + (reasons.isEmpty() ? "" : " (" + String.join(", ", reasons) + ")");
    }
}
