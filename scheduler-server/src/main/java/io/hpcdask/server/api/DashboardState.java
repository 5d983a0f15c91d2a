package io.hpcdask.server.api;

import java.util.List;
import java.util.Map;

/**
 * What the scheduler tells the dashboard, read without walking its runs: {@code counts} per state (kept as runs change),
 * {@code runsVersion} (grows with every staging and state change, so a page refetches its runs table only then), the
 * {@code queue}, the {@code series} of counts (one sample a second, the last ten minutes, oldest first) and the
 * connected workers.
 */
public record DashboardState(Map<String, Long> counts, long runsVersion, DashboardSummary.Queue queue,
                             List<DashboardSummary.Sample> series, List<DashboardSummary.WorkerRow> workers) {}
