package io.hpcdask.server.api;

/** {@code hpc-dask scale N --profile P}: the target of one profile; {@code arrays} null keeps the cluster's choice. */
public record ScaleRequest(String profile, int workers, Boolean arrays) {}
