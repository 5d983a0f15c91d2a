package io.hpcdask.server.api;

/** The scaling view after workers last joined or left; {@code version} counts those events, to wait for the next one. */
public record ScalingWait(long version, ScalingView view) {}
