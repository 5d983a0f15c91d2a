package io.hpcdask.server.api;

import java.util.List;
import java.util.Map;

/**
 * The latest runs (in staging order) of those that match a filter: {@code matching} is how many match in all, so a
 * client can say how many it does not show; {@code counts} is the number of runs per state, whatever the filter.
 */
public record RunPage(List<RunView> runs, long matching, Map<String, Long> counts) {}
