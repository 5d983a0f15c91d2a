package io.hpcdask.server.api;

import java.util.Map;

/**
 * A running cluster as {@code hpc-dask cluster status} shows it. {@code runs} counts runs per state;
 * {@code resources} is the cluster's declared resources ({@code foo=7}) or empty.
 */
public record ClusterStatus(String name, String host, int apiPort, int workerPort, long pid, long startedAt,
                            int workers, Map<String, Long> runs, String resources) {}
