package io.hpcdask.server.api;

import java.util.Map;

/**
 * A running cluster as {@code hpc-dask cluster status} shows it. {@code runs} counts runs per state;
 * {@code resources} is the cluster's declared resources ({@code foo=7}) or empty. {@code finished} counts runs ended
 * since the server started; {@code nothingToDo} is true when nothing runs and no staged run can start on the
 * connected workers (what {@code --run-once} waits for). {@code workerAddress} is where workers dial (for a batch
 * cluster, the address compute nodes reach); {@code serverHost} is the host name the server runs on. {@code degraded} is
 * {@code degraded: store unavailable: REASON} while the run database cannot write (no submissions are accepted), else
 * null.
 */
public record ClusterStatus(String name, String host, int apiPort, int workerPort, long pid, long startedAt,
                            int workers, Map<String, Long> runs, String resources, long finished, boolean nothingToDo,
                            String workerAddress, String serverHost, String degraded) {}
