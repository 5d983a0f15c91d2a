package io.hpcdask.server.api;

/**
 * {@code hpc-dask adapt}: a profile follows demand within {@code min}..{@code max}, stopping workers idle for
 * {@code idleTimeoutMillis} (null: 5 min) with at most {@code maxPending} jobs pending (null: no limit but max);
 * {@code off} stops adapting and keeps the workers there are. {@code profile} null: the cluster's first.
 */
public record AdaptRequest(String profile, boolean off, int min, int max, Long idleTimeoutMillis, Integer maxPending) {
    public static AdaptRequest off(String profile) {
        return new AdaptRequest(profile, true, 0, 0, null, null);
    }
}
