package io.hpcdask.server.core;

import io.hpcdask.server.ids.RunId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Why a staged run has not started, in the words {@code hpc-dask runs} and the scheduler log use. Keeps count of which
 * resource names the connected workers offer, since a name nobody offers or declares is the first thing to say.
 */
final class WaitReasons {
    private final Map<String, Long> declared;
    private final Map<String, Integer> offeredBy = new HashMap<>();

    WaitReasons(Map<String, Long> declared) {
        this.declared = declared;
    }

    void offered(Worker w) {
        w.spec.resources().keySet().forEach(k -> offeredBy.merge(k, 1, Integer::sum));
        if (w.gpusFromIds()) {
            offeredBy.merge(ResourceNames.GPU, 1, Integer::sum);
        }
    }

    void withdrawn(Worker w) {
        w.spec.resources().keySet().forEach(k -> offeredBy.merge(k, -1, Integer::sum));
        if (w.gpusFromIds()) {
            offeredBy.merge(ResourceNames.GPU, -1, Integer::sum);
        }
        offeredBy.values().removeIf(c -> c <= 0);
    }

    /** Names in {@code requires} that no connected worker offers and the cluster does not declare. */
    List<String> undefinedNames(Map<String, Long> requires) {
        List<String> undefined = new ArrayList<>();
        for (String name : requires.keySet()) {
            if (!name.equals("cores") && !name.equals("memory") && !declared.containsKey(name)
                    && !offeredBy.containsKey(name)) {
                undefined.add(name);
            }
        }
        return undefined;
    }

    /**
     * Why {@code run} has not started (its shape {@code s}, null unless it is queued), with {@code acceptingWorkers}
     * taking runs; null when it is not staged.
     */
    String of(Run run, Shape s, int acceptingWorkers) {
        if (run.state != RunState.STAGED) {
            return null;
        }
        if (run.waitingFor != null) {
            List<String> ids = run.waitingFor.stream().limit(5).map(RunId::value).toList();
            return "waiting for run" + (run.waitingFor.size() > 1 ? "s " : " ") + String.join(", ", ids)
                    + (run.waitingFor.size() > 5 ? " and " + (run.waitingFor.size() - 5) + " more" : "")
                    + " to complete";
        }
        return reason(run, s, acceptingWorkers);
    }

    /** Why queued {@code run} (of shape {@code s}) waits, with {@code acceptingWorkers} taking runs. */
    private String reason(Run run, Shape s, int acceptingWorkers) {
        if (acceptingWorkers == 0) {
            return "waiting for a worker that takes runs";
        }
        List<String> undefined = undefinedNames(run.requires);
        if (!undefined.isEmpty()) {
            return "requires resources not defined for cluster: " + String.join(", ", undefined);
        }
        if (s.candidates == 0) {
            return "requires more than any worker can offer ("
                    + (run.requires.isEmpty() ? "" : DaskTags.format(run.requires) + " and ") + "one slot)";
        }
        if (run.reserved != null) {
            return "waiting for reserved worker " + run.reserved.name() + " to free up";
        }
        return "waiting for free resources";
    }

    /** The scheduler log's line for a staged run that fits no worker at all, logged once per run. */
    String blockedLine(Run run, Shape s, int acceptingWorkers) {
        return undefinedNames(run.requires).isEmpty()
                ? "Staged run " + run.id + " waits: " + reason(run, s, acceptingWorkers)
                : "Ignoring staged run " + run.id + " (" + reason(run, s, acceptingWorkers) + ")";
    }
}
