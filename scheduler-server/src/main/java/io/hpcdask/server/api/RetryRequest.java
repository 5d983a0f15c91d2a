package io.hpcdask.server.api;

import java.util.List;

/**
 * Which finished runs {@code hpc-dask retry} stages again: those in {@code states} (null: error, lost, timeout), with
 * {@code label} (null: any), among {@code ids} (ranges such as {@code 12,20-29}; null: all runs).
 */
public record RetryRequest(List<String> states, String label, String ids) {
    public static final List<String> DEFAULT_STATES = List.of("error", "lost", "timeout");
}
