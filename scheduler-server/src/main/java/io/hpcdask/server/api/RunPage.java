package io.hpcdask.server.api;

import java.util.List;
import java.util.Map;

/**
 * The latest runs (in staging order) of those that match a filter: {@code matching} is how many match in all, so a
 * client can say how many it does not show; {@code counts} is the number of runs per state of those the filter's
 * label matches (all runs without one), whatever its states. {@code serverTime} is the server's clock when the page was
 * read, so a client measures how long a run has been running against it, not against its own clock.
 */
public record RunPage(List<RunView> runs, long matching, Map<String, Long> counts, long serverTime) {
    public RunPage(List<RunView> runs, long matching, Map<String, Long> counts) {
        this(runs, matching, counts, System.currentTimeMillis());
    }
}
